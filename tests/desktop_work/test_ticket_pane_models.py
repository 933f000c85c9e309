"""qtmodeltester over every item model of the ticket pane and the new-ticket dialog, with real rows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.app_context import AppContext
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog
from desktop.record_table_model import RECORD_ROLE, Column, RecordTableModel


def test_record_table_model_on_plain_records(qtmodeltester):
    model = RecordTableModel(
        (
            Column("Name", lambda r: r[0], tooltip=lambda r: f"about {r[0]}"),
            Column("Size", str, align_right=True),
        )
    )
    qtmodeltester.check(model)  # empty
    model.set_records([("a", 1), ("b", 2), ("c", 3)])
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 2
    assert model.data(model.index(1, 0)) == "b"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "about b"
    assert model.data(model.index(2, 0), RECORD_ROLE) == ("c", 3)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Size"


def test_every_pane_model_with_real_rows(
    qtbot, qtmodeltester, ctx: AppContext, pane, make_ticket, tmp_path: Path
):
    other = make_ticket("Switch in plant room failed")
    ticket = make_ticket("Printers offline")
    ctx.tickets.link(ticket, other, "caused_by")
    ctx.work.log_work(ticket, 30, note="Rebooted the switch", parts="patch cable", travel_minutes=10)
    ctx.work.log_work(ticket, 15)
    (tmp_path / "trace.txt").write_text("ping timeout")
    ctx.work.attach_file(ticket, tmp_path / "trace.txt")
    ctx.tickets.change_status(ticket, "in_progress")
    pane.show_ticket(ticket)
    qtbot.waitUntil(lambda: pane.detail is not None)
    for model, rows in (
        (pane.activity.model, None),
        (pane.work_log.model, 2),
        (pane.attachments.model, 1),
        (pane.links.model, 1),
    ):
        qtmodeltester.check(model)
        if rows is not None:
            assert model.rowCount() == rows
    assert pane.activity.model.rowCount() >= 5
    assert (
        pane.work_log.model.data(pane.work_log.model.index(1, 2)) == "30 min + 10 min travel"
    )  # newest first


def test_requester_matches_model(qtbot, qtmodeltester, ctx: AppContext):
    for name in ("Bea Brown", "Ben Black", "Bert Blue"):
        ctx.directory.add_requester(name, email=f"{name.split()[0].lower()}@college.example")
    dialog = NewTicketDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.requester.search_edit, "Be")
    qtbot.waitUntil(lambda: dialog.requester.model.rowCount() == 3)
    qtmodeltester.check(dialog.requester.model)
