"""A ticket's channel in the app: chosen in the new-ticket dialog (phone unless changed),
shown read-only in the ticket pane's header."""

from __future__ import annotations

from desktop_work.test_new_ticket_dialog import open_dialog, pick
from desktop_work.test_ticket_pane import open_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from desktop.app_context import AppContext


def test_the_dialog_sets_the_channel_and_the_pane_shows_it(qtbot, ctx: AppContext, pane) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.channel_combo.currentData() == "phone"  # an agent typing a ticket is on the phone
    qtbot.keyClicks(dialog.subject_edit, "Badge reader rejects card")
    pick(qtbot, dialog.queue_combo, "IT")
    pick(qtbot, dialog.channel_combo, "Walk-in")
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
        qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    ticket = dialog.created_ticket_id
    assert ctx.queries.detail(ticket).channel == "walk_in"

    open_in(qtbot, pane, ticket)
    assert "via walk-in" in pane.header.state_label.text()
    assert not [c for c in pane.findChildren(QComboBox) if c.currentData() == "walk_in"]  # not editable there


def test_an_untouched_dialog_files_the_ticket_as_a_phone_call(qtbot, ctx: AppContext, pane) -> None:
    dialog = open_dialog(qtbot, ctx)
    qtbot.keyClicks(dialog.subject_edit, "Cannot print")
    pick(qtbot, dialog.queue_combo, "IT")
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
        qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    open_in(qtbot, pane, dialog.created_ticket_id)
    assert "via phone" in pane.header.state_label.text()
