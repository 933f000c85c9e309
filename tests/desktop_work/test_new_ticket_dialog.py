"""Phone and walk-in intake: requester lookup, live priority, keyboard-only creation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox

from desktop.app_context import AppContext
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog


def open_dialog(qtbot, ctx: AppContext) -> NewTicketDialog:
    dialog = NewTicketDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.queue_combo.count() == 3)  # queues arrive from the database thread
    return dialog


def pick(qtbot, combo: QComboBox, text: str) -> None:
    """Choose by keyboard as a person would: focus the combo and press Down until it shows ``text``."""
    combo.setFocus()
    combo.setCurrentIndex(0)
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not in the combo")


def test_create_a_ticket_by_keyboard_with_the_priority_shown_live(qtbot, ctx: AppContext):
    bea = ctx.directory.add_requester(
        "Bea Brown", email="bea@college.example", location="Main site, B12"
    ).entity_id
    ctx.directory.add_requester("Ben Black", email="ben@college.example")
    dialog = open_dialog(qtbot, ctx)
    assert dialog.priority_label.text().startswith("P4 Low")

    qtbot.keyClicks(dialog.requester.search_edit, "bea@")
    qtbot.waitUntil(lambda: dialog.requester.matches.isVisible() and dialog.requester.model.rowCount() == 1)
    qtbot.keyClick(dialog.requester.search_edit, Qt.Key.Key_Return)  # takes the match, does not create
    assert dialog.requester.choice().person.id == bea
    assert dialog.isVisible()
    assert dialog.location_edit.text() == "Main site, B12"  # from the requester's record

    qtbot.keyClicks(dialog.subject_edit, "Projector shows no picture")
    qtbot.keyClicks(dialog.description_edit, "Lecture at 10:00; HDMI and VGA tried")
    pick(qtbot, dialog.queue_combo, "IT")
    pick(qtbot, dialog.category_combo, "Hardware")
    pick(qtbot, dialog.impact_combo, "Medium")
    assert dialog.priority_label.text().startswith("P4 Low")
    pick(qtbot, dialog.urgency_combo, "High")
    assert dialog.priority_label.text().startswith("P2 High")
    pick(qtbot, dialog.impact_combo, "High")
    assert dialog.priority_label.text().startswith("P1 Critical")
    qtbot.keyClicks(dialog.asset_edit, "PRJ-0042")
    qtbot.keyClicks(dialog.tags_edit, "projector, teaching")

    with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
        qtbot.keyClick(dialog.tags_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    detail = ctx.queries.detail(dialog.created_ticket_id)
    assert (detail.subject, detail.requester_id, detail.category) == (
        "Projector shows no picture",
        bea,
        "Hardware",
    )
    assert (detail.impact, detail.urgency, detail.priority) == (1, 1, 1)
    assert (detail.asset, detail.location, detail.tags) == (
        "PRJ-0042",
        "Main site, B12",
        ("projector", "teaching"),
    )
    assert detail.description == "Lecture at 10:00; HDMI and VGA tried"
    assert detail.number_is_provisional


def test_the_category_list_follows_the_queue(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    pick(qtbot, dialog.queue_combo, "Facilities")
    categories = [dialog.category_combo.itemText(i) for i in range(dialog.category_combo.count())]
    assert categories[:3] == ["(none)", "HVAC", "Electrical"]
    pick(qtbot, dialog.queue_combo, "HR")
    assert "Payroll" in [dialog.category_combo.itemText(i) for i in range(dialog.category_combo.count())]


def test_a_new_requester_is_added_with_the_ticket(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    qtbot.keyClicks(dialog.requester.search_edit, "Carla Cruz")
    qtbot.waitUntil(lambda: "No one found" in dialog.requester.chosen_label.text())
    qtbot.mouseClick(dialog.requester.new_button, Qt.MouseButton.LeftButton)
    assert dialog.requester.name_edit.text() == "Carla Cruz"
    qtbot.keyClicks(dialog.requester.email_edit, "carla@college.example")
    qtbot.keyClicks(dialog.requester.phone_edit, "555-0177")
    qtbot.keyClicks(dialog.subject_edit, "Badge does not open the lab door")
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
        qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    detail = ctx.queries.detail(dialog.created_ticket_id)
    assert (detail.requester, detail.requester_email, detail.requester_phone) == (
        "Carla Cruz",
        "carla@college.example",
        "555-0177",
    )


def test_a_refused_ticket_keeps_the_dialog_open_with_a_readable_reason(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    qtbot.mouseClick(dialog.requester.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.requester.name_edit, "Dan")
    qtbot.keyClicks(dialog.requester.email_edit, "not-an-address")
    qtbot.keyClicks(dialog.subject_edit, "Chair broken")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(QMessageBox)))
    assert "is not an e-mail address" in dialog.findChildren(QMessageBox)[0].informativeText()
    assert dialog.isVisible() and dialog.created_ticket_id is None
    assert dialog.subject_edit.text() == "Chair broken"
    assert ctx.queries.count(ctx_filter()) == 0


def test_a_refused_ticket_does_not_leave_its_new_requester_behind(qtbot, ctx: AppContext):
    """The new requester and the ticket are one write: when the ticket is refused (here a
    subject over the length limit), the person typed in is not added either."""
    dialog = open_dialog(qtbot, ctx)
    qtbot.mouseClick(dialog.requester.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.requester.name_edit, "Erin Example")
    dialog.subject_edit.setText("x" * 301)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(QMessageBox)))
    assert "longer than" in dialog.findChildren(QMessageBox)[0].informativeText()
    assert ctx.queries.count(ctx_filter()) == 0
    assert ctx.directory.search_people("Erin") == []


def test_a_template_ticket_with_a_new_requester_is_one_write(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    qtbot.waitUntil(lambda: dialog.template_combo.loaded)
    qtbot.mouseClick(dialog.requester.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.requester.name_edit, "Finn Example")
    assert dialog.template_combo.choose("New starter")
    dialog.subject_edit.setText("y" * 301)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(QMessageBox)))
    assert ctx.directory.search_people("Finn") == []
    dialog.findChildren(QMessageBox)[0].close()
    dialog.subject_edit.setText("New starter: Finn")
    with qtbot.waitSignal(dialog.ticket_created, timeout=5000):
        dialog.accept()
    detail = ctx.queries.detail(dialog.created_ticket_id)
    assert detail.requester == "Finn Example"
    assert [p.name for p in ctx.directory.search_people("Finn")] == ["Finn Example"]


def ctx_filter():
    from sync.services.ticket_queries import TicketFilter

    return TicketFilter()


def test_enter_without_a_subject_creates_nothing(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert ctx.queries.count(ctx_filter()) == 0


def test_escape_cancels(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    qtbot.keyClicks(dialog.subject_edit, "Never mind")
    qtbot.keyClick(dialog.subject_edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert dialog.created_ticket_id is None


def test_tab_order_follows_the_call(qtbot, ctx: AppContext):
    dialog = open_dialog(qtbot, ctx)
    order = [dialog.requester.search_edit]
    widget = dialog.requester.search_edit
    for _ in range(11):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.isVisible():
            widget = widget.nextInFocusChain()
        order.append(widget)
    names = [w.objectName() for w in order]
    assert names[names.index("subjectEdit") :][:4] == [
        "subjectEdit",
        "descriptionEdit",
        "typeCombo",
        "queueCombo",
    ]
    assert names.index("impactCombo") < names.index("urgencyCombo") < names.index("locationEdit")
