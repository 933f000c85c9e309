"""The ticket pane: header, fields (status workflow, priority override), conversation, composer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.conversation_view import conversation_html
from desktop.ticket_pane.header_view import PROVISIONAL_TOOLTIP
from desktop.ticket_pane.text_prompt import TextPromptDialog
from sync.domain.ticket_status import TicketStatus, allowed_transitions


def choose(combo: QComboBox, value: object) -> None:
    """What a person's pick in the combo does: select the item and emit ``activated``."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def offered(combo: QComboBox) -> list[object]:
    return [combo.itemData(i) for i in range(combo.count())]


def open_in(qtbot, pane: TicketPane, ticket_id: str) -> None:
    with qtbot.waitSignal(pane.ticket_opened, timeout=5000) as opened:
        pane.show_ticket(ticket_id)
    assert opened.args == [ticket_id]


def test_header_shows_provisional_number_subject_and_requester(qtbot, ctx: AppContext, pane, make_ticket):
    person = ctx.directory.add_requester("Bea Brown", email="bea@college.example", phone="555-0142").entity_id
    ticket = make_ticket("<b>Projector</b> dead in B12", requester_id=person)
    open_in(qtbot, pane, ticket)

    assert pane.header.number_label.text() == "L1 (provisional)"
    assert pane.header.number_label.toolTip() == PROVISIONAL_TOOLTIP
    assert pane.header.subject_label.text() == "<b>Projector</b> dead in B12"  # shown as typed
    assert pane.header.subject_label.textFormat() == Qt.TextFormat.PlainText
    assert "Bea Brown" in pane.header.requester_label.text()
    assert "bea@college.example" in pane.header.requester_label.text()
    assert "555-0142" in pane.header.requester_label.text()


def test_status_offers_only_allowed_transitions_and_resolving_asks_for_a_note(qtbot, pane, make_ticket):
    ticket = make_ticket()
    open_in(qtbot, pane, ticket)
    combo = pane.fields.status_combo
    expected = {"new"} | {s.value for s in allowed_transitions(TicketStatus.NEW)}
    assert set(offered(combo)) == expected
    assert "closed" not in offered(combo)

    choose(combo, "in_progress")
    qtbot.waitUntil(lambda: pane.detail.status == "in_progress")
    assert set(offered(combo)) == {"in_progress"} | {
        s.value for s in allowed_transitions(TicketStatus.IN_PROGRESS)
    }

    choose(combo, "resolved")
    qtbot.waitUntil(lambda: pane.findChild(TextPromptDialog, "resolutionPrompt") is not None)
    prompt = pane.findChild(TextPromptDialog, "resolutionPrompt")
    assert not prompt.ok_button.isEnabled()  # no empty resolutions
    qtbot.keyClicks(prompt.text_edit, "Cleared the paper path and replaced the pickup roller.")
    qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.detail.status == "resolved")
    assert pane.detail.resolution == "Cleared the paper path and replaced the pickup roller."
    assert "closed" in offered(combo)


def test_cancelling_the_resolution_note_reverts_the_status(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    choose(pane.fields.status_combo, "resolved")
    qtbot.waitUntil(lambda: pane.findChild(TextPromptDialog, "resolutionPrompt") is not None)
    pane.findChild(TextPromptDialog, "resolutionPrompt").reject()
    assert pane.fields.status_combo.currentData() == "new"
    assert pane.detail.status == "new"


def test_priority_follows_the_matrix_and_an_override_needs_a_reason(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    assert pane.fields.priority_combo.currentData() is None
    assert pane.fields.priority_combo.currentText().startswith("P4 Low")

    choose(pane.fields.impact_combo, 1)
    choose(pane.fields.urgency_combo, 1)
    qtbot.waitUntil(lambda: pane.detail.priority == 1)
    assert pane.fields.priority_combo.currentText().startswith("P1 Critical")

    choose(pane.fields.priority_combo, 3)
    qtbot.waitUntil(lambda: pane.findChild(TextPromptDialog, "priorityReasonPrompt") is not None)
    prompt = pane.findChild(TextPromptDialog, "priorityReasonPrompt")
    qtbot.keyClicks(prompt.text_edit, "Only a spare printer; the main one works")
    prompt.accept()
    qtbot.waitUntil(lambda: pane.detail.priority == 3 and pane.detail.priority_overridden)
    reasons = [a.note for a in pane.detail.activity if a.field == "priority"]
    assert "Only a spare printer; the main one works" in reasons


def test_queue_category_and_assignee_edits_are_written(qtbot, ctx: AppContext, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    facilities = ctx.directory.queue_by_name("Facilities")
    choose(pane.fields.queue_combo, facilities.id)
    qtbot.waitUntil(lambda: pane.detail.queue_id == facilities.id)
    assert offered(pane.fields.category_combo) == ["", *facilities.categories]
    choose(pane.fields.category_combo, "HVAC")
    qtbot.waitUntil(lambda: pane.detail.category == "HVAC")
    me = ctx.replica.current_user_id
    choose(pane.fields.assignee_combo, me)
    qtbot.waitUntil(lambda: pane.detail.assignee_id == me)
    assert pane.detail.status == "open"  # assigning a new ticket opens it
    pane.fields.tags_edit.setText("heating urgent")
    pane.fields.tags_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: pane.detail.tags == ("heating", "urgent"))
    history = pane.activity.model.records()
    assert any(line.field == "Queue" and line.change == "IT → Facilities" for line in history)
    assert any(line.field == "Assignee" and line.change.endswith("Ana Admin") for line in history)


def test_a_refused_edit_shows_a_readable_message_and_the_field_reverts(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    pane.fields.tags_edit.setText("x" * 61)
    pane.fields.tags_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: bool(pane.findChildren(QMessageBox)))
    box = pane.findChildren(QMessageBox)[0]
    assert "must be one word of at most 60 characters" in box.informativeText()
    assert "Traceback" not in box.informativeText()
    assert pane.fields.tags_edit.text() == ""


def test_reply_and_note_are_sent_with_ctrl_enter_and_look_different(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket(description="It <i>jams</i> on every job"))
    editor = pane.composer.editor
    qtbot.keyClicks(editor, "Could you try tray 2? <script>alert(1)</script>")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(pane.detail.comments) == 1)
    assert editor.toPlainText() == ""

    qtbot.mouseClick(pane.composer.note_button, Qt.MouseButton.LeftButton)
    assert pane.composer.mode == "note"
    qtbot.keyClicks(editor, "Probably the fuser again")
    qtbot.keyClick(editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(pane.detail.comments) == 2)

    reply, note = pane.detail.comments
    assert (reply.kind, note.kind) == ("reply", "note")
    text = pane.conversation.toPlainText()
    assert "Could you try tray 2? <script>alert(1)</script>" in text  # escaped, shown as typed
    assert "It <i>jams</i> on every job" in text
    assert "Internal note" in text and "Requester" in text and "Reply" in text
    html = conversation_html(pane.detail)
    note_block = html[html.index("Probably the fuser") - 400 : html.index("Probably the fuser")]
    assert "Internal note" in note_block and 'bgcolor="#fff1c7"' in note_block
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert pane.detail.first_response_at is not None


def test_a_plain_enter_is_a_line_break_not_a_send(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    qtbot.keyClicks(pane.composer.editor, "line one")
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(pane.composer.editor, "line two")
    assert pane.composer.text() == "line one\nline two"
    assert pane.detail.comments == ()


def test_the_pane_refreshes_when_the_hub_names_its_ticket(qtbot, ctx: AppContext, pane, make_ticket):
    ticket = make_ticket()
    open_in(qtbot, pane, ticket)
    ctx.write(lambda: ctx.work.add_comment(ticket, "reply", "I still see it", from_requester=True))
    qtbot.waitUntil(lambda: len(pane.detail.comments) == 1)
    assert pane.detail.comments[0].from_requester


def test_show_none_shows_the_placeholder(qtbot, pane, make_ticket):
    open_in(qtbot, pane, make_ticket())
    pane.show_ticket(None)
    assert pane.stack.currentIndex() == 0
    assert not pane.composer.isEnabled()


def test_a_narrow_pane_puts_conversation_and_details_in_tabs(qtbot, pane, make_ticket):
    """Beside the ticket list the main window gives the pane about 470 px."""
    open_in(qtbot, pane, make_ticket())
    assert pane.is_wide and pane.tabs.indexOf(pane.talk) == -1
    pane.resize(470, 800)
    qtbot.waitUntil(lambda: not pane.is_wide)
    assert [pane.tabs.tabText(i) for i in range(3)] == ["Conversation", "Details", "Work log"]
    assert pane.tabs.currentWidget() is pane.talk
    qtbot.keyClicks(pane.composer.editor, "still works")
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(pane.detail.comments) == 1)
    pane.resize(1280, 800)
    qtbot.waitUntil(lambda: pane.is_wide)
    assert pane.tabs.indexOf(pane.talk) == -1 and pane.tabs.indexOf(pane.fields) == -1
    assert pane.talk.isVisible() and pane.fields.isVisible()
