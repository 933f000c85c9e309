"""The ticket pane's automation parts with real widgets over a real replica: macros fill the
composer and change fields, the SLA box shows the live clocks, checklists are ticked and kept."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.automation.macro_list_model import MacroListModel
from desktop.ticket_pane import TicketPane
from sync.automation.checklists import Checklists
from sync.automation.macros import MacroService
from sync.automation.ticket_templates import TemplateService
from sync.services.ticket_service import NewTicket
from tests.desktop_work.conftest import MakeTicket, WaitIdle


def _shown(qtbot: QtBot, pane: TicketPane, ticket_id: str) -> None:
    with qtbot.waitSignal(pane.ticket_opened, timeout=5000):
        pane.show_ticket(ticket_id)


def test_applying_a_macro_fills_the_composer_and_changes_fields_in_one_click(
    qtbot: QtBot, ctx: AppContext, pane: TicketPane, make_ticket: MakeTicket, wait_idle: WaitIdle
) -> None:
    requester = ctx.directory.add_requester("Zoë Quinn", email="zoe@example.org").entity_id
    tid = make_ticket("Projector flickers", requester_id=requester)
    MacroService(ctx.replica).save(
        {
            "name": "Ask for the room",
            "body": "Hi {requester.first_name}, about {ticket.number}: which room is it? ({requester.name})",
            "changes": {"status": "pending_requester", "assignee_id": "me"},
            "add_tags": ["needs-info"],
        }
    )
    button = pane.macros
    button.reload()
    qtbot.waitUntil(lambda: button.model.rowCount() == 1, timeout=5000)
    _shown(qtbot, pane, tid)
    wait_idle()
    [action] = [a for a in button.menu_.actions() if a.data()]
    assert action.text() == "Ask for the room"
    with qtbot.waitSignal(button.applied, timeout=5000):
        action.trigger()
    number = ctx.queries.detail(tid).display_number
    assert pane.composer.mode == "reply"
    assert pane.composer.text() == f"Hi Zoë, about {number}: which room is it? (Zoë Quinn)"
    detail = ctx.queries.detail(tid)
    assert (detail.status, detail.assignee_id, detail.tags) == (
        "pending_requester",
        ctx.replica.current_user_id,
        ("needs-info",),
    )
    assert detail.comments == ()  # the message waits in the composer for the agent to send
    # The pane reloads from the change notice and shows the new status.
    qtbot.waitUntil(
        lambda: pane.detail is not None and pane.detail.status == "pending_requester", timeout=5000
    )


def test_a_macro_keeps_what_was_typed_and_writes_notes_in_note_mode(
    qtbot: QtBot, ctx: AppContext, pane: TicketPane, make_ticket: MakeTicket, wait_idle: WaitIdle
) -> None:
    tid = make_ticket("Laptop slow")
    MacroService(ctx.replica).save({"name": "Escalate", "body": "Escalated {ticket.number}.", "kind": "note"})
    _shown(qtbot, pane, tid)
    wait_idle()
    pane.composer.set_mode("note")
    pane.composer.editor.setPlainText("Checked the disk.")
    pane.macros.reload()
    qtbot.waitUntil(lambda: pane.macros.model.rowCount() == 1, timeout=5000)
    macro_id = pane.macros.model.macro(0).id  # type: ignore[union-attr]
    with qtbot.waitSignal(pane.macros.applied, timeout=5000):
        pane.macros.apply(macro_id)
    number = ctx.queries.detail(tid).display_number
    assert pane.composer.mode == "note"
    assert pane.composer.text() == f"Checked the disk.\n\nEscalated {number}."


def test_the_sla_box_shows_policy_clocks_and_state(
    qtbot: QtBot, ctx: AppContext, pane: TicketPane, make_ticket: MakeTicket
) -> None:
    tid = make_ticket("Server room flooding", impact=1, urgency=1)
    _shown(qtbot, pane, tid)
    sla = pane.sla
    assert sla.isVisible()
    detail = pane.detail
    assert detail is not None and detail.sla is not None
    assert sla.policy_label.text() == f"Policy: {detail.sla.policy}"
    assert sla.state_label.text() == f"SLA: {detail.sla.label}"
    # P1 is 15 minutes to respond and 4 hours to resolve, around the clock.
    assert re.fullmatch(r"Respond by (\S+ )?\d\d:\d\d \(1[45] min\)", sla.first_response_label.text())
    assert re.fullmatch(r"Resolve by (\S+ )?\d\d:\d\d \((4 h|3 h 5\d min)\)", sla.resolution_label.text())
    assert "First response: due " in sla.first_response_label.toolTip()
    # Waiting on the requester pauses the clocks, and the box says so.
    tickets = ctx.tickets
    ctx.write(lambda: tickets.change_status(tid, "pending_requester"))  # the change notice reloads the pane
    qtbot.waitUntil(lambda: sla.state_label.text() == "SLA: Paused", timeout=5000)
    assert sla.resolution_label.text() == "Resolve: paused"


def test_a_template_checklist_is_ticked_in_the_pane_and_kept_after_reloading(
    qtbot: QtBot, ctx: AppContext, pane: TicketPane, it_queue: str, open_context: Any
) -> None:
    templates = TemplateService(ctx.replica)
    templates.install_defaults()
    tid = templates.create_ticket("Room setup", queue_id=it_queue).entity_id
    _shown(qtbot, pane, tid)
    panel = pane.checklist
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=5000)
    tab = pane.tabs.tabText(pane.tabs.indexOf(panel))
    assert tab == "Checklist 0/6"
    index = panel.model.index(1)
    assert panel.model.data(index) == "Arrange tables and chairs"
    assert panel.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    with qtbot.waitSignal(ctx.hub.changed, timeout=5000):
        assert panel.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: pane.tabs.tabText(pane.tabs.indexOf(panel)) == "Checklist 1/6", timeout=5000)
    # Stored: a fresh app start on the same replica file sees the tick, and a new pane shows it.
    other = open_context()
    stored = Checklists(other.replica).get(tid)
    assert stored is not None and [i.done for i in stored.items] == [False, True, False, False, False, False]
    second = TicketPane(other)
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.ticket_opened, timeout=5000):
        second.show_ticket(tid)
    second_panel = second.checklist
    qtbot.waitUntil(lambda: second_panel.model.rowCount() == 6, timeout=5000)
    state = second_panel.model.data(second_panel.model.index(1), Qt.ItemDataRole.CheckStateRole)
    assert state == Qt.CheckState.Checked
    assert "1 of 6" in second_panel.progress_label.text()


def test_item_models_pass_the_model_tester(qtmodeltester: Any, ctx: AppContext, it_queue: str) -> None:
    from desktop.ticket_pane.checklist_model import ChecklistModel

    macros = MacroService(ctx.replica)
    macros.save({"name": "One", "body": "Hello {requester.name}"})
    macros.save({"name": "Two", "changes": {"status": "in_progress"}})
    model = MacroListModel()
    model.set_macros(macros.list())
    qtmodeltester.check(model)
    tid = ctx.tickets.create_ticket(NewTicket("Move desk", it_queue)).entity_id
    Checklists(ctx.replica).attach(tid, ["Pack", "Move", "Unpack"])
    checklist = ChecklistModel()
    checklist.set_checklist(Checklists(ctx.replica).get(tid))
    qtmodeltester.check(checklist)
