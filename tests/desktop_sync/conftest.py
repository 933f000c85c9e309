"""Fixtures for the app's sync UI: the sync engine's real loopback server and replicas, plus a window.

The server, the per-test plaintext keyring and the cheap password hashing are the sync
engine's fixtures (``tests/sync_engine/conftest.py``), imported here rather than copied.
``open_app`` opens a :class:`MainWindow` over a :class:`Desk`'s replica, with its sync
controller tuned for tests *before* its scheduler starts (the scheduler starts on the first
status read, which needs the event loop): a long timer interval, so every round in a test
is caused by what the test does, never by a timer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_sync.support_app import LONG, OpenApp
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sync_engine.conftest import _cheap_password_hashing, desk, keyring_file, server  # noqa: F401
from sync_engine.support_sync import Desk

from desktop.app_context import AppContext
from desktop.main_window import MainWindow
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.engine.backoff import Backoff


@pytest.fixture
def open_app(qtbot: QtBot, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[OpenApp]:
    request.getfixturevalue("desk")  # set up first, so windows close (stop syncing) before desks do
    opened: list[tuple[MainWindow, AppContext]] = []

    def make(
        d: Desk,
        *,
        backoff: Backoff | None = None,
        write_debounce_ms: int = 50,
        interval: float = 3600.0,
    ) -> MainWindow:
        ctx = AppContext(d.replica)
        settings = AppSettings(tmp_path / f"settings-{len(opened)}.ini")
        theme = ThemeController(QApplication.instance(), settings)  # type: ignore[arg-type]
        window = MainWindow(ctx, settings, theme)
        controller = window.sync_ui.controller
        assert controller.scheduler is None  # not started yet: tune it first
        controller.interval = interval
        controller.backoff = backoff or Backoff(base=0.2, cap=1.0)
        controller.write_timer.setInterval(write_debounce_ms)
        controller.network.set_online(True)  # whatever this machine's backend says
        opened.append((window, ctx))
        with qtbot.waitSignal(window.tickets.model.query_applied, timeout=LONG):
            window.show()
        return window

    yield make
    for window, ctx in opened:
        window.close()
        ctx.close()
