"""First run: "Connect to a server" on the welcome screen signs in, syncs and opens the main window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop_sync.support_app import LONG
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from server.server_harness import PASSWORD, ServerUnderTest
from sync_engine.support_sync import Desk, ensure_user

from desktop.app import AppController
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from desktop.ticket_table import Col, ListQuery
from sync.engine.status import read_status


def test_welcome_connect_fills_a_fresh_replica_and_opens_the_main_window(
    qtbot: QtBot, qapp: QApplication, server: ServerUnderTest, desk: Callable[..., Desk], tmp_path: Path
) -> None:
    bob = desk(server, "bob")
    bob.sync()
    bob.new_ticket("Window won't close in lab 2")
    bob.sync()
    ensure_user(server, "alice")
    settings = AppSettings(tmp_path / "settings.ini")
    controller = AppController(settings, ThemeController(qapp, settings))
    try:
        controller.start(tmp_path / "fresh")
        qtbot.waitUntil(lambda: controller.welcome is not None and controller.ctx is not None, timeout=LONG)
        welcome = controller.welcome
        assert welcome is not None and welcome.server_button.isEnabled()
        welcome.server_button.click()
        dialog = welcome.connect_dialog
        assert dialog is not None and dialog.isVisible()
        qtbot.keyClicks(dialog.url_edit, server.url)
        qtbot.keyClicks(dialog.user_edit, "alice")
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        with qtbot.waitSignal(controller.main_ready, timeout=LONG):
            dialog.connect_button.click()
        window = controller.window
        assert window is not None and controller.welcome is None
        with qtbot.waitSignal(window.tickets.model.query_applied, timeout=LONG):
            window.tickets.model.set_query(ListQuery(view_key="all_open"))
        model = window.tickets.model
        subjects = {model.index(r, Col.SUBJECT).data() for r in range(model.rowCount())}
        assert "Window won't close in lab 2" in subjects
        assert controller.ctx is not None
        status = read_status(controller.ctx.replica)
        assert status.mode == "connected" and status.username == "alice" and status.pending == 0
    finally:
        controller.shutdown()
