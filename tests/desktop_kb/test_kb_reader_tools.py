"""The KB reader as a first-line tool: revisions (view, diff, restore), "used in", feedback, templates."""

from __future__ import annotations

import hashlib

from desktop_kb.kb_screen import make_kb, open_article
from PySide6.QtCore import QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QPixmap, QTextDocument
from PySide6.QtWidgets import QMessageBox

from desktop.app_context import AppContext
from desktop.kb import KnowledgeBaseView
from desktop.kb.revision_diff import side_by_side_html, unified_html
from sync.services.article_feedback import ArticleFeedbackService
from sync.services.article_links import ArticleLinks
from sync.services.article_revisions import diff_texts
from sync.services.ticket_work import blob_path

V1 = "# VPN\n\nRestart the client.\n"
V2 = "# VPN\n\nRestart the client.\nThen sign in again.\n"
V3 = "# VPN\n\nReinstall the client <script>alert(1)</script>.\nThen sign in again.\n"


def three_revisions(ctx: AppContext) -> str:
    article = ctx.articles.create("VPN drops", V1).entity_id
    ctx.articles.edit(article, {"body": V2})
    ctx.articles.edit(article, {"title": "VPN drops at night", "body": V3})
    return article


def select_revisions(view: KnowledgeBaseView, *numbers: int) -> None:
    reader = view.reader
    selection = reader.revisions_table.selectionModel()
    selection.clearSelection()
    for row, record in enumerate(reader.revisions_model.records()):
        if record.revision in numbers:
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            selection.select(reader.revisions_model.index(row, 0), flags)


def test_view_an_old_revision_and_restore_it(qtbot, ctx, qtmodeltester):
    article = three_revisions(ctx)
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    reader = view.reader
    qtmodeltester.check(reader.revisions_model)
    assert [r.revision for r in reader.revisions_model.records()] == [3, 2, 1]
    assert reader.details_tabs.tabText(0) == "Revisions (3)"
    assert not reader.restore_button.isVisible()  # nothing to restore while the current one shows

    row = [r.revision for r in reader.revisions_model.records()].index(1)
    rect = reader.revisions_table.visualRect(reader.revisions_model.index(row, 1))
    qtbot.mouseClick(reader.revisions_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: reader.banner.isVisible(), timeout=15_000)
    assert "Revision 1 of 3" in reader.banner.text()
    assert "Then sign in again" not in reader.browser.toPlainText()
    assert reader.restore_button.isVisible() and reader.restore_button.isEnabled()

    reader.restore_button.click()
    qtbot.waitUntil(lambda: reader.article is not None and reader.article.revision == 4, timeout=3000)
    detail = ctx.articles.detail(article)
    assert (detail.title, detail.body, detail.revision) == ("VPN drops", V1, 4)
    assert [r.revision for r in ctx.articles.revisions(article)] == [1, 2, 3, 4]  # history kept
    qtbot.waitUntil(lambda: reader.revisions_model.rowCount() == 4, timeout=15_000)
    assert not reader.banner.isVisible()
    assert "Then sign in again" not in reader.browser.toPlainText()


def test_diff_two_revisions_side_by_side_and_unified(qtbot, ctx):
    article = three_revisions(ctx)
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    reader = view.reader
    select_revisions(view, 2, 3)
    assert reader.selected_revisions() == [2, 3]
    reader.compare_button.click()
    qtbot.waitUntil(lambda: reader.diff_dialog is not None and reader.diff_dialog.isVisible(), timeout=15_000)
    dialog = reader.diff_dialog
    assert (dialog.diff.old.revision, dialog.diff.new.revision) == (2, 3)
    assert "Title: 1 line added, 1 removed." in dialog.summary_label.text()
    text = dialog.browser.toPlainText()
    assert "Restart the client." in text and "<script>alert(1)</script>" in text  # shown, not run
    assert "Reinstall" in text
    dialog.unified_box.setChecked(True)
    unified = dialog.browser.toPlainText()
    assert "-Restart the client." in unified and "+Reinstall the client <script>alert(1)</script>." in unified
    dialog.close()

    select_revisions(view, 1)  # one revision: against the current one
    reader.compare_button.click()
    qtbot.waitUntil(
        lambda: reader.diff_dialog is not dialog and reader.diff_dialog is not None, timeout=15_000
    )
    assert (reader.diff_dialog.diff.old.revision, reader.diff_dialog.diff.new.revision) == (1, 3)
    reader.diff_dialog.close()


def test_diff_html_escapes_article_text():
    diff = diff_texts('<a href="javascript:x()">go</a> & <img src=x>', "plain")
    for html in (side_by_side_html(diff, "<b>left</b>", "right"), unified_html(diff)):
        assert "<a href" not in html and "<img" not in html and "<b>left" not in html
        assert "&lt;a" in html and "&amp;" in html and "&lt;img" in html


def test_used_in_lists_the_tickets_and_opens_one(qtbot, ctx, make_ticket, qtmodeltester):
    article = ctx.articles.create("Printer jams", "Open tray 2").entity_id
    first = make_ticket("Printer jams on floor 2")
    second = make_ticket("Jammed printer in the library")
    links = ArticleLinks(ctx.replica)
    links.link(article, first)
    links.link(article, second, source="mention")
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    reader = view.reader
    usage = reader.usage
    qtbot.waitUntil(lambda: usage.model.rowCount() == 2, timeout=15_000)
    qtmodeltester.check(usage.model)
    assert {t.ticket_id for t in usage.model.records()} == {first, second}
    assert usage.summary_label.text() == "Used in 2 tickets"
    assert reader.details_tabs.tabText(reader.details_tabs.indexOf(usage)) == "Used in (2)"
    assert reader.meta_label.text().endswith("used in 2 tickets")

    reader.details_tabs.setCurrentWidget(usage)
    row = [t.ticket_id for t in usage.model.records()].index(second)
    rect = usage.table.visualRect(usage.model.index(row, 1))
    with qtbot.waitSignal(view.ticket_link_activated, timeout=2000) as opened:
        qtbot.mouseClick(usage.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(usage.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [second]

    unlinked = links.unlink(article, first)
    ctx.hub.changed.emit(unlinked.changes)  # what a write through ctx.write announces
    qtbot.waitUntil(lambda: usage.model.rowCount() == 1, timeout=15_000)
    assert usage.summary_label.text() == "Used in 1 ticket"


def test_helpfulness_feedback_counts_and_changes_of_mind(qtbot, ctx, qtmodeltester):
    article = ctx.articles.create("Printer jams", "Open tray 2").entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    panel = view.reader.feedback
    qtbot.waitUntil(lambda: panel.summary is not None, timeout=15_000)
    assert (panel.helpful_button.text(), panel.unhelpful_button.text()) == ("Helpful (0)", "Not helpful (0)")

    panel.comment_edit.setText("Tray 2 was the fix")
    panel.helpful_button.click()
    qtbot.waitUntil(lambda: panel.helpful_button.text() == "Helpful (1)", timeout=15_000)
    assert panel.helpful_button.isChecked() and not panel.unhelpful_button.isChecked()
    qtmodeltester.check(panel.model)
    assert panel.model.index(0, 2).data() == "Tray 2 was the fix"
    assert panel.comment_edit.text() == ""
    tabs = view.reader.details_tabs
    assert tabs.tabText(tabs.indexOf(panel)) == "Feedback (1/1 helpful)"

    panel.unhelpful_button.click()  # one verdict per agent: it replaces the first
    qtbot.waitUntil(lambda: panel.unhelpful_button.text() == "Not helpful (1)", timeout=15_000)
    assert panel.helpful_button.text() == "Helpful (0)"
    assert panel.unhelpful_button.isChecked() and not panel.helpful_button.isChecked()
    summary = ArticleFeedbackService(ctx.replica).summary(article)
    assert (summary.helpful, summary.not_helpful, summary.mine) == (0, 1, False)


def test_new_article_from_a_template(qtbot, ctx, wait_idle, monkeypatch):
    view = make_kb(qtbot, ctx)
    view.new_article()
    editor = view.editor
    combo = editor.template_combo
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Blank article",
        "How-to",
        "Known error",
        "FAQ",
    ]

    combo.activated.emit(combo.findData("known error"))
    body = editor.body_edit.toPlainText()
    assert "## Symptom" in body and "## Workaround" in body
    assert editor.kind_combo.currentData() == "known error"

    combo.activated.emit(combo.findData("faq"))  # an untouched template is swapped without asking
    assert editor.body_edit.toPlainText().startswith("## The question, in the words people use")
    assert editor.kind_combo.currentData() == "faq"

    editor.body_edit.setPlainText("## Can I print in colour?\n\nYes, on floor 2.\n")
    asked = []

    def answer_no(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer_no)
    combo.activated.emit(combo.findData("how-to"))
    assert asked == ["Replace the text?"]
    assert editor.body_edit.toPlainText().startswith("## Can I print in colour?")
    assert editor.kind_combo.currentData() == "faq"

    editor.title_edit.setText("Printing in colour")
    with qtbot.waitSignal(view.article_opened, timeout=3000) as opened:
        editor.save()
    detail = ctx.articles.detail(opened.args[0])
    assert (detail.kind, detail.body) == ("faq", "## Can I print in colour?\n\nYes, on floor 2.\n")
    wait_idle()
    view.reader.edit_button.click()
    assert not editor.template_combo.isVisible()  # templates only start new articles


def test_images_from_the_attachment_store_show_offline(qtbot, ctx, make_ticket, tmp_path):
    picture = tmp_path / "wiring.png"
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(picture))
    ctx.work.attach_file(make_ticket("Wiring diagram"), picture)
    sha = hashlib.sha256(picture.read_bytes()).hexdigest()
    missing = "0" * 64
    body = f"See the diagram:\n\n![wiring]({'attachment:' + sha})\n\n![not here](attachment:{missing})\n"
    article = ctx.articles.create("Wiring", body).entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    browser = view.reader.browser
    qtbot.waitUntil(lambda: "See the diagram" in browser.toPlainText(), timeout=15_000)
    url = blob_path(ctx.replica.attachments_dir, sha).as_uri()
    assert url in browser.toHtml()
    shown = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
    assert isinstance(shown, (QImage, QPixmap)) and shown.size() == image.size()  # loaded from disk
    assert "[image: not here]" in browser.toPlainText()  # a blob not on this device: its text
