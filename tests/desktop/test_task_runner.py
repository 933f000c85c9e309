"""TaskRunner: results reach their callbacks on the UI thread, except after shutdown."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from desktop.task_runner import TaskRunner


def test_a_result_reaches_its_callback(qtbot: QtBot) -> None:
    runner = TaskRunner()
    got: list[int] = []
    runner.submit(lambda: 41 + 1, got.append)
    qtbot.waitUntil(lambda: got == [42])
    runner.shutdown()


def test_results_of_work_finished_by_shutdown_are_not_delivered(qtbot: QtBot) -> None:
    """Closing a replica (window closed, replica switched or encrypted) waits for the queued
    work, then deletes the widgets that asked for it: their callbacks must not run after."""
    runner = TaskRunner()
    release = threading.Event()
    ran: list[str] = []
    delivered: list[object] = []
    errors: list[BaseException] = []

    def slow() -> str:
        release.wait(5)
        ran.append("slow")
        return "done"

    def failing() -> None:
        raise RuntimeError("refused")

    runner.submit(slow, delivered.append, errors.append)
    runner.submit(failing, delivered.append, errors.append)
    release.set()
    runner.shutdown(wait=True)
    assert ran == ["slow"]  # the work itself finished
    qtbot.wait(50)  # the queued deliveries reach the UI thread now
    assert delivered == [] and errors == []
    assert runner.pending == 0
