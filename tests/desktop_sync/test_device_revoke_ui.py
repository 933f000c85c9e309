"""A lost device in the app: the admin revokes it; the app's next sync round wipes the
(encrypted) replica without pushing its unsynced change, and the welcome screen says why and
how much was lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop_sync.support_app import LONG
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from support.encrypted_replica import raw_bytes_of
from sync_engine.support_sync import Desk

from desktop.app import AppController
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.engine.progress import CancelToken
from sync.engine.round_lock import round_lock
from sync.services.ticket_service import NewTicket


@pytest.fixture
def controller(qapp: QApplication, tmp_path: Path) -> Iterator[AppController]:
    settings = AppSettings(tmp_path / "settings.ini")
    ctl = AppController(settings, ThemeController(qapp, settings))
    yield ctl
    if ctl.welcome is not None:
        ctl.welcome.close()
    ctl.shutdown()


def _server_subjects(server: ServerUnderTest) -> set[str]:
    with server.db.engine.connect() as c:
        return set(c.execute(text("SELECT subject FROM tickets")).scalars())


def test_a_revoked_device_is_wiped_by_the_app_and_the_welcome_screen_says_so(
    qtbot: QtBot, controller: AppController, server: ServerUnderTest, desk: Callable[..., Desk]
) -> None:
    d = desk(server, "alice", mode="encrypted")
    d.sync()
    d.new_ticket("Synced before the loss")
    d.sync()
    client_id, data_dir, it = d.replica.client_id, d.path, d.queue("IT")
    d.replica.close()  # the app opens the replica itself (the desk fixture's close is then a no-op)

    with qtbot.waitSignal(controller.main_ready, timeout=LONG):
        controller.start(data_dir)
    window = controller.window
    assert window is not None
    sync = window.sync_ui.controller
    qtbot.waitUntil(lambda: sync.last_event is not None and sync.last_event.report is not None, timeout=LONG)

    # Hold the round lock from here until the write is committed: the revoke may wake the
    # change watcher, whose round would otherwise race the write (the engine test covers a
    # write refused after the wipe).
    with round_lock(data_dir, CancelToken()):
        server.add_user("root", role="admin")
        revoked = server.device("root").http.post(f"/v1/admin/devices/{client_id}/revoke")
        assert revoked.status_code == 204, revoked.text

        # The technician writes a ticket: the one unsynced change, and the write asks for a round.
        written: list[str] = []
        new = NewTicket(subject="Written after the loss", queue_id=it)
        window.ctx.write(
            lambda: window.ctx.tickets.create_ticket(new),
            lambda result: written.append(result.entity_id),
        )
        qtbot.waitUntil(lambda: bool(written), timeout=LONG)
    qtbot.waitUntil(
        lambda: controller.window is None and controller.welcome is not None and controller.ctx is not None,
        timeout=LONG,
    )
    assert written  # the write was committed before the wipe
    welcome = controller.welcome
    assert welcome is not None and welcome.isVisible()
    [box] = [b for b in welcome.findChildren(QMessageBox) if b.isVisible()]
    assert box.text() == "This device was revoked"
    assert "1 unsynced change(s) on it were deleted and not sent" in box.informativeText()

    # The replica that is open now is a new, empty one: nothing of the old one is left.
    assert controller.ctx is not None and controller.ctx.replica.current_user_id is None
    assert not (data_dir / "encryption.json").exists()
    leftovers = raw_bytes_of(data_dir)
    assert b"Written after the loss" not in leftovers and b"Synced before the loss" not in leftovers
    subjects = _server_subjects(server)
    assert "Synced before the loss" in subjects and "Written after the loss" not in subjects
