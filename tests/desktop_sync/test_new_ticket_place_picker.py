"""The new-ticket dialog's asset and location picker, offline, then synced to the real server.

An agent's replica holds the register a manager synced; the agent, offline, finds a boiler
by its serial, a pump by its name and the plant room by words of its path, creates the
ticket, and the one create-and-link action syncs: the server holds the ticket's links.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import USERS, Desk

from desktop.app_context import AppContext
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog
from sync.errors import NotFoundError
from sync.services.asset_service import AssetService
from sync.services.ticket_service import NewTicket

MakeDesk = Callable[..., Desk]
USERS.setdefault("meg", ("manager", ("IT", "Facilities")))
USERS.setdefault("fay", ("agent", ("Facilities",)))


def _register(meg: Desk) -> dict[str, str]:
    svc = AssetService(meg.replica)
    site = svc.create_location("Fernley Pavilion", kind="site").entity_id
    block = svc.create_location("Block A", parent_id=site, kind="building").entity_id
    room = svc.create_location("Plant room B", parent_id=block, kind="room").entity_id
    svc.create_location("Plant room C", parent_id=block, kind="room")
    boiler = svc.create_asset("FAC-0042", "Boiler 2", serial="IE-88213", location_id=room).entity_id
    pump = svc.create_asset("FAC-0043", "Circulation pump", serial="GR-1", location_id=room).entity_id
    svc.create_asset("IT-0001", "Laptop", serial="5CD1")
    return {"room": room, "boiler": boiler, "pump": pump}


def _server_rows(srv: ServerUnderTest, sql: str, **params: object) -> list[tuple[object, ...]]:
    with srv.db.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(sql), params)]


def _find(qtbot: QtBot, picker: object, typed: str, rows: int) -> None:
    edit = picker.search_edit  # type: ignore[attr-defined]
    qtbot.keyClicks(edit, typed)
    qtbot.waitUntil(lambda: picker.matches.isVisible() and picker.matches.count() == rows)  # type: ignore[attr-defined]


def test_a_ticket_created_offline_with_picked_assets_and_location_syncs_with_its_links(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, tmp_path: Path
) -> None:
    meg, fay = desk(server, "meg"), desk(server, "fay")
    ids = _register(meg)
    meg.sync()
    fay.sync()
    ctx = AppContext(fay.replica)
    try:
        dialog = NewTicketDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.queue_combo.findText("Facilities") >= 0)
        dialog.queue_combo.setCurrentIndex(dialog.queue_combo.findText("Facilities"))
        qtbot.keyClicks(dialog.subject_edit, "Boiler 2 losing pressure")

        _find(qtbot, dialog.asset_picker, "ie-882", 1)  # by serial, any letter case
        assert dialog.asset_picker.matches.item(0).text().startswith("FAC-0042 · Boiler 2 · IE-88213")
        qtbot.keyClick(dialog.asset_edit, Qt.Key.Key_Return)  # takes the match; the dialog stays
        assert dialog.isVisible() and dialog.asset_edit.text() == ""
        _find(qtbot, dialog.asset_picker, "pump", 1)  # by name
        qtbot.keyClick(dialog.asset_edit, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.asset_picker.matches, Qt.Key.Key_Return)
        assert dialog.asset_picker.asset_ids() == (ids["boiler"], ids["pump"])

        _find(qtbot, dialog.location_picker, "fernley plant", 2)  # words of the path
        qtbot.keyClick(dialog.location_edit, Qt.Key.Key_Return)  # the first: Plant room B
        assert dialog.location_picker.location_id() == ids["room"]
        assert dialog.location_edit.text() == "Fernley Pavilion › Block A › Plant room B"
        assert dialog.location_picker.linked_label.isVisible()

        QApplication.sendPostedEvents()  # the layout pass that follows hiding the matches
        shot = dialog.grab()
        assert shot.width() > 300 and shot.height() > 300
        shot.save(str(tmp_path / "new-ticket-picker.png"))
        if out := os.environ.get("OUTPOST_SCREENSHOT_DIR"):
            shot.save(str(Path(out) / "new-ticket-picker.png"))

        with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
            qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
        ticket = dialog.created_ticket_id
        qtbot.waitUntil(lambda: ctx.runner.pending == 0)
    finally:
        ctx.runner.shutdown(wait=True)

    with fay.replica.read() as s:  # one action: the create, then its links, in journal order
        ops = [r[0] for r in s.execute(text("SELECT op FROM journal WHERE state = 'pending' ORDER BY seq"))]
    assert ops == ["ticket.create", "ticket.link_asset", "ticket.link_asset", "ticket.set_location"]
    report = fay.sync()
    assert (report.rejected, report.conflicts, fay.pending()) == (0, 0, 0)
    linked = _server_rows(server, "SELECT asset_id FROM ticket_assets WHERE ticket_id = :t", t=ticket)
    assert sorted(r[0] for r in linked) == sorted([ids["boiler"], ids["pump"]])
    place = _server_rows(
        server, "SELECT location_id, location_name FROM ticket_locations WHERE ticket_id = :t", t=ticket
    )
    assert place == [(ids["room"], "Plant room B")]
    subject = _server_rows(server, "SELECT subject, location FROM tickets WHERE id = :t", t=ticket)
    assert subject == [("Boiler 2 losing pressure", "Fernley Pavilion › Block A › Plant room B")]


def test_a_picked_asset_gone_from_the_register_refuses_the_whole_create(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    fay = desk(server, "fay")
    fay.sync()
    before = fay.pending()
    draft = NewTicket(subject="Lift stuck", queue_id=fay.queue("Facilities"), asset_ids=("no-such-asset",))
    with pytest.raises(NotFoundError, match="no longer in the register"):
        fay.tickets.create_ticket(draft)
    with fay.replica.read() as s:
        assert s.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 0
    assert fay.pending() == before
