"""The admins' rule editor, filled in as a person would: a rule made in the form fires on a
ticket made in the real new-ticket dialog; a pair of rules that undo each other is refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.automation.admin_gate import open_rule_editor
from desktop.automation.rule_editor_dialog import RuleEditorDialog
from desktop.automation.rule_list_model import RuleListModel
from desktop.automation.rule_rows import ActionRow, ConditionRow
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog
from sync.automation.rule_store import RuleStore
from sync.replica.models import Person


def choose(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def editor(qtbot: QtBot, ctx: AppContext) -> RuleEditorDialog:
    dialog = RuleEditorDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=5000)
    return dialog


def condition(dialog: RuleEditorDialog, field: str, op: str, value: str) -> None:
    row = dialog.condition_rows.add_row()
    assert isinstance(row, ConditionRow)
    choose(row.field_combo, field)
    choose(row.op_combo, op)
    if not row.value_combo.isHidden():  # the form offers choices for this field
        choose(row.value_combo, value)
    else:
        row.value_edit.setText(value)


def action(
    dialog: RuleEditorDialog, kind: str, target: Any = None, value: str = "", *, first: bool = False
) -> None:
    row = dialog.action_rows.rows[0] if first else dialog.action_rows.add_row()
    assert isinstance(row, ActionRow)
    choose(row.kind_combo, kind)
    if target is not None:
        choose(row.target_combo, target)
    row.value_edit.setText(value)


def save(qtbot: QtBot, dialog: RuleEditorDialog) -> str:
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    return dialog.message_label.text()


def test_a_rule_made_in_the_form_fires_on_a_ticket_made_in_the_new_ticket_dialog(
    qtbot: QtBot, ctx: AppContext, it_queue: str
) -> None:
    dialog = editor(qtbot, ctx)
    dialog.name_edit.setText("Printers are hardware")
    choose(dialog.event_combo, "created")
    condition(dialog, "subject", "contains", "printer")
    condition(dialog, "queue", "is", it_queue)
    action(dialog, "add_tag", value="printer", first=True)
    action(dialog, "set_field", "category", "Hardware")
    action(dialog, "notify", "queue", "{ticket.number} is a printer: {ticket.subject}")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message_label.text().startswith("Saved"), timeout=5000)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    assert dialog.model.data(dialog.model.index(0, 1)) == "A ticket is created"
    [rule] = RuleStore(ctx.replica).list()
    assert [c.to_dict() for c in rule.conditions] == [
        {"field": "subject", "op": "contains", "value": "printer"},
        {"field": "queue", "op": "is", "value": it_queue},
    ]

    new = NewTicketDialog(ctx)
    qtbot.addWidget(new)
    new.show()
    qtbot.waitUntil(lambda: new.queue_combo.count() == 3, timeout=5000)
    choose(new.queue_combo, it_queue)
    new.subject_edit.setText("Printer on floor 3 prints blank pages")
    with qtbot.waitSignal(new.ticket_created, timeout=5000) as created:
        new.accept()
    detail = ctx.queries.detail(created.args[0])
    assert (detail.tags, detail.category) == (("printer",), "Hardware")
    assert ("Hardware", "rule 'Printers are hardware'") in [(a.new_value, a.note) for a in detail.activity]
    # A ticket the conditions do not match is left alone.
    other = NewTicketDialog(ctx)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: other.queue_combo.count() == 3, timeout=5000)
    choose(other.queue_combo, it_queue)
    other.subject_edit.setText("Mouse broken")
    with qtbot.waitSignal(other.ticket_created, timeout=5000) as created_other:
        other.accept()
    assert ctx.queries.detail(created_other.args[0]).tags == ()


def test_a_rule_that_would_loop_with_another_is_refused_with_a_clear_message(
    qtbot: QtBot, ctx: AppContext
) -> None:
    dialog = editor(qtbot, ctx)
    dialog.name_edit.setText("VIP is critical")
    choose(dialog.event_combo, "updated")
    condition(dialog, "tags", "has", "vip")
    action(dialog, "set_field", "priority", "1", first=True)
    assert save(qtbot, dialog).startswith("Saved")

    dialog.new_button.click()
    dialog.name_edit.setText("Cap at P2")
    choose(dialog.event_combo, "updated")
    condition(dialog, "priority", "is", "1")
    action(dialog, "set_field", "priority", "2", first=True)
    message = save(qtbot, dialog)
    assert message.startswith("The rule 'Cap at P2' was not saved.")
    assert "'VIP is critical' → 'Cap at P2' → 'VIP is critical'" in message
    assert "change one of them so they agree" in message
    assert [r.name for r in RuleStore(ctx.replica).list()] == ["VIP is critical"]
    assert dialog.name_edit.text() == "Cap at P2"  # the form keeps what was typed

    action(dialog, "add_tag", value="p1", first=True)  # agreeing instead: saved
    assert save(qtbot, dialog).startswith("Saved")
    assert sorted(r.name for r in RuleStore(ctx.replica).list()) == ["Cap at P2", "VIP is critical"]


def test_a_form_value_of_the_wrong_kind_is_explained_before_anything_is_written(
    qtbot: QtBot, ctx: AppContext
) -> None:
    dialog = editor(qtbot, ctx)
    dialog.name_edit.setText("Bad")
    condition(dialog, "priority", "le", "high")
    action(dialog, "add_tag", value="x", first=True)
    assert save(qtbot, dialog) == "Not saved: Priority needs a whole number, not 'high'."
    dialog.condition_rows.clear()
    action(dialog, "add_tag", value="", first=True)
    assert "the add_tag action needs a value" in save(qtbot, dialog)
    assert RuleStore(ctx.replica).list() == []


def test_editing_a_saved_rule_shows_it_in_the_form(qtbot: QtBot, ctx: AppContext, it_queue: str) -> None:
    RuleStore(ctx.replica).save(
        {
            "name": "Chase silence",
            "event": "no_reply",
            "hours": 8,
            "conditions": [{"field": "status", "op": "is", "value": "open"}],
            "actions": [{"kind": "assign_queue", "value": it_queue}, {"kind": "assign_tier", "value": 2}],
        }
    )
    dialog = editor(qtbot, ctx)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    dialog.table.selectRow(0)
    assert (dialog.name_edit.text(), dialog.hours_spin.value(), dialog.hours_spin.isEnabled()) == (
        "Chase silence",
        8,
        True,
    )
    [cond] = dialog.condition_rows.rows
    assert isinstance(cond, ConditionRow) and cond.to_dict() == {
        "field": "status",
        "op": "is",
        "value": "open",
    }
    assert [r.to_dict()["value"] for r in dialog.action_rows.rows if isinstance(r, ActionRow)] == [
        it_queue,
        2,
    ]


def test_only_admins_get_the_editor_and_others_are_told_why(qtbot: QtBot, ctx: AppContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    opened: list[QWidget] = []
    open_rule_editor(ctx, parent, opened.append)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert isinstance(opened[0], RuleEditorDialog)
    opened[0].close()

    with ctx.replica.write() as s:
        me = s.get(Person, ctx.replica.current_user_id)
        assert me is not None
        me.role = "agent"
    open_rule_editor(ctx, parent, opened.append)
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is not None, timeout=5000)
    box = parent.findChild(QMessageBox)
    assert box is not None and box.text() == "Not allowed"
    assert "only admins can change them (you are signed in as an agent)" in box.informativeText()
    assert len(opened) == 1


def test_the_rule_list_model_passes_the_model_tester(qtmodeltester: Any, ctx: AppContext) -> None:
    store = RuleStore(ctx.replica)
    store.save({"name": "A", "event": "created", "actions": [{"kind": "add_tag", "value": "a"}]})
    store.save(
        {
            "name": "B",
            "event": "no_reply",
            "hours": 4,
            "enabled": False,
            "actions": [{"kind": "assign_tier", "value": 2}],
        }
    )
    model = RuleListModel()
    model.set_rules(store.list())
    qtmodeltester.check(model)


def test_a_low_rating_rule_is_made_in_the_form(qtbot: QtBot, ctx: AppContext) -> None:
    """The "rating received" event, the score condition and the queue's managers as recipients."""
    dialog = editor(qtbot, ctx)
    dialog.name_edit.setText("Low rating to the managers")
    choose(dialog.event_combo, "rating_received")
    condition(dialog, "rating", "le", "2")
    action(dialog, "notify", "queue_managers", "{ticket.number} was rated low", first=True)
    message = save(qtbot, dialog)
    assert message.startswith("Saved"), message
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    assert dialog.model.data(dialog.model.index(0, 1)) == "The requester rated the ticket"
    [rule] = RuleStore(ctx.replica).list()
    assert [c.to_dict() for c in rule.conditions] == [{"field": "rating", "op": "le", "value": 2}]
    assert [(a.kind.value, a.to) for a in rule.actions] == [("notify", "queue_managers")]
