"""Cyclic garbage is collected on the GUI thread, never by a worker thread's allocations."""

from __future__ import annotations

import gc
import threading

from pytestqt.qtbot import QtBot

from desktop.main_thread_gc import MainThreadGc


class _Cycle:
    def __init__(self, freed_on: list[str]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def _churn() -> None:
    # Far more container allocations than the youngest generation's threshold: with automatic
    # collection on, this thread would run a collection and free the cycle here.
    keep = [[i] for i in range(50 * gc.get_threshold()[0])]
    del keep


def test_a_cycle_made_garbage_is_freed_by_the_gui_thread_not_a_worker(qtbot: QtBot) -> None:
    enabled_before = gc.isenabled()  # (off when the suite's own guard is on)
    guard = MainThreadGc()
    guard.install()
    try:
        freed_on: list[str] = []
        _Cycle(freed_on)  # unreachable at once, but only a cyclic collection frees it
        worker = threading.Thread(target=_churn, name="worker")
        worker.start()
        worker.join()
        assert freed_on == []
        qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
        assert freed_on == [threading.current_thread().name]
    finally:
        guard.uninstall()
    assert gc.isenabled() == enabled_before
