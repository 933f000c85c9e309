"""Ticket templates in the real new-ticket dialog: the form fills in, the checklist comes along."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog
from desktop.ticket_pane import TicketPane
from sync.automation.checklists import Checklists


def _dialog(qtbot: QtBot, ctx: AppContext) -> NewTicketDialog:
    dialog = NewTicketDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.queue_combo.count() == 3 and dialog.template_combo.loaded, timeout=5000)
    return dialog


def test_a_built_in_template_fills_the_form_and_its_checklist_reaches_the_pane(
    qtbot: QtBot, ctx: AppContext, pane: TicketPane
) -> None:
    dialog = _dialog(qtbot, ctx)
    names = [dialog.template_combo.itemText(i) for i in range(dialog.template_combo.count())]
    assert names == ["(none)", "Equipment move", "New starter", "Room setup"]
    assert dialog.template_combo.choose("New starter")
    assert dialog.subject_edit.text() == "New starter: accounts and equipment"
    assert dialog.type_combo.currentData() == "service_request"
    assert (dialog.category_combo.currentText(), dialog.urgency_combo.currentData()) == ("Onboarding", 2)
    assert dialog.tags_edit.text() == "onboarding"
    dialog.subject_edit.setText("New starter: Kim Lee, Finance")  # the form stays editable
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000) as created:
        qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    tid = created.args[0]
    detail = ctx.queries.detail(tid)
    assert (detail.subject, detail.category, detail.tags) == (
        "New starter: Kim Lee, Finance",
        "Onboarding",
        ("onboarding",),
    )
    checklist = Checklists(ctx.replica).get(tid)
    assert checklist is not None and checklist.template_id == "tpl-new-starter"

    with qtbot.waitSignal(pane.ticket_opened, timeout=5000):
        pane.show_ticket(tid)
    panel = pane.checklist
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=5000)
    assert panel.model.data(panel.model.index(0)) == "Create the user account and mailbox"
    assert pane.tabs.tabText(pane.tabs.indexOf(panel)) == "Checklist 0/6"


def test_without_a_template_no_checklist_is_made(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx)
    dialog.subject_edit.setText("Mouse broken")
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000) as created:
        dialog.accept()
    assert Checklists(ctx.replica).get(created.args[0]) is None
