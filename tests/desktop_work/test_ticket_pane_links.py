"""Merge and link by ticket number, links to articles in replies, and articles from resolutions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox

from desktop.app_context import AppContext
from desktop.kb.article_editor_dialog import ArticleEditorDialog
from desktop.kb.article_picker import ArticlePickerDialog
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.link_dialogs import LinkDialog, MergeDialog


def show(qtbot, pane: TicketPane, ticket_id: str) -> None:
    pane.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket_id)


def test_merge_a_duplicate_into_the_ticket_named_by_number(qtbot, pane, make_ticket):
    original = make_ticket("Projector in B12 shows no picture")
    duplicate = make_ticket("B12 projector broken")
    show(qtbot, pane, duplicate)
    qtbot.mouseClick(pane.links.merge_button, Qt.MouseButton.LeftButton)
    dialog = pane.findChild(MergeDialog)
    qtbot.keyClicks(dialog.ref_edit, "L1")
    qtbot.waitUntil(lambda: "Projector in B12 shows no picture" in dialog.preview_label.text())
    with qtbot.waitSignal(dialog.completed, timeout=5000):
        qtbot.keyClick(dialog.ref_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pane.detail.merged_into_id == original)
    assert pane.detail.status == "closed"
    assert [(link.kind, link.other_id) for link in pane.detail.links] == [("duplicate_of", original)]
    assert not pane.links.merge_button.isEnabled()
    assert not pane.fields.status_combo.isEnabled()


def test_a_refused_merge_keeps_the_dialog_open_with_the_reason(qtbot, pane, make_ticket):
    ticket = make_ticket()
    show(qtbot, pane, ticket)
    dialog = pane.links.open_merge_dialog()
    qtbot.keyClicks(dialog.ref_edit, "L1")  # itself
    dialog.accept()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(QMessageBox)))
    assert "cannot be merged into itself" in dialog.findChildren(QMessageBox)[0].informativeText()
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())


def test_link_two_tickets_and_follow_the_link(qtbot, pane, make_ticket):
    outage = make_ticket("Network switch in plant room failed")
    printer = make_ticket("Printers on floor 2 offline")
    show(qtbot, pane, printer)
    dialog = pane.links.open_link_dialog()
    assert isinstance(dialog, LinkDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("caused_by"))
    qtbot.keyClicks(dialog.ref_edit, "#1")
    with qtbot.waitSignal(dialog.completed, timeout=5000):
        dialog.accept()
    qtbot.waitUntil(lambda: len(pane.detail.links) == 1)
    assert pane.links.model.data(pane.links.model.index(0, 0)) == "caused by"
    assert pane.links.model.data(pane.links.model.index(0, 1)) == "L1"
    with qtbot.waitSignal(pane.ticket_opened, timeout=5000) as opened:
        pane.links.table.doubleClicked.emit(pane.links.model.index(0, 1))
    assert opened.args == [outage]
    assert pane.links.model.data(pane.links.model.index(0, 0)) == "the cause of"


def test_insert_a_link_to_an_article_and_follow_it_from_the_conversation(
    qtbot, ctx: AppContext, pane, make_ticket
):
    article = ctx.articles.create(
        "Clearing a paper jam [HP M404]", "1. Open tray 2", category="Printing"
    ).entity_id
    ctx.articles.create("Unrelated: booking rooms", "Use the room planner")
    show(qtbot, pane, make_ticket())
    qtbot.keyClicks(pane.composer.editor, "Please try this: ")
    qtbot.mouseClick(pane.composer.insert_link_button, Qt.MouseButton.LeftButton)
    picker = pane.findChild(ArticlePickerDialog)
    qtbot.keyClicks(picker.search_edit, "paper jam")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1)
    picker.accept()
    expected = f"[Clearing a paper jam (HP M404)](outpost:article/{article})"
    assert pane.composer.text() == "Please try this: " + expected
    qtbot.keyClick(pane.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(pane.detail.comments) == 1)
    assert f'href="outpost:article/{article}"' in pane.conversation.toHtml()
    with qtbot.waitSignal(pane.article_link_activated, timeout=2000) as clicked:
        pane.conversation.anchorClicked.emit(QUrl(f"outpost:article/{article}"))
    assert clicked.args == [article]


def test_create_an_article_from_the_resolution(qtbot, ctx: AppContext, pane, make_ticket):
    ticket = make_ticket(
        "Outlook asks for the password again and again",
        description="Since Monday",
        category="Software",
        tags=("outlook",),
    )
    ctx.tickets.change_status(
        ticket, "resolved", resolution="Removed the stale credential in Credential Manager."
    )
    show(qtbot, pane, ticket)
    assert pane.article_button.isEnabled()
    qtbot.mouseClick(pane.article_button, Qt.MouseButton.LeftButton)
    dialog = pane.findChild(ArticleEditorDialog)
    editor = dialog.editor
    assert editor.title_edit.text() == "Outlook asks for the password again and again"
    assert "Since Monday" in editor.body_edit.toPlainText()
    assert "Removed the stale credential in Credential Manager." in editor.body_edit.toPlainText()
    assert editor.kind_combo.currentData() == "known error"
    qtbot.waitUntil(lambda: "Credential Manager" in editor.preview.toPlainText())
    with qtbot.waitSignal(pane.article_created, timeout=5000) as created:
        qtbot.mouseClick(editor.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    detail = ctx.articles.detail(created.args[0])
    assert (detail.state, detail.category, detail.tags) == ("draft", "Software", ("outlook",))
    assert "Removed the stale credential" in detail.body


def test_no_article_from_an_unresolved_ticket(qtbot, pane, make_ticket):
    show(qtbot, pane, make_ticket())
    assert not pane.article_button.isEnabled()
