"""The knowledge base: browse, search, read safely, edit with revisions, publish, permissions."""

from __future__ import annotations

from desktop_kb.kb_screen import make_kb, open_article
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QMessageBox

from desktop.app_context import AppContext
from desktop.kb.safe_browser import SafeTextBrowser
from sync.ids import new_id
from sync.replica.models import Person

UNSAFE_BODY = """# Printer jams

Open [the guide](https://printers.example/guide) or [click me](javascript:alert(1)).
Also see [related](outpost:article/abc-123) and <b>raw html</b>.

![remote logo](https://tracker.example/pixel.png)
"""


def anchors(browser: SafeTextBrowser) -> list[str]:
    """Every link target in the shown document."""
    found, block = [], browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                found.extend(fmt.anchorHref() if isinstance(fmt.anchorHref(), list) else [fmt.anchorHref()])
            it += 1
        block = block.next()
    return found


def test_browse_by_category_and_search(qtbot, ctx: AppContext):
    ctx.articles.create("Reset a password", "Use the self-service portal", category="Accounts")
    ctx.articles.create("Map a network drive", "Open Explorer", category="Network")
    ctx.articles.create(
        "VPN drops at night", "Known error: the token expires", category="Network", kind="known error"
    )
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3 and view.category_model.rowCount() == 3)
    assert view.category_model.records() == ["", "Accounts", "Network"]
    view.category_list.setCurrentIndex(view.category_model.index(2, 0))
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 2)
    qtbot.keyClicks(view.search_edit, "token")
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 1)
    assert view.article_model.record(0).title == "VPN drops at night"
    view.category_list.setCurrentIndex(view.category_model.index(0, 0))
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3)


def test_clicking_an_article_in_the_list_opens_it(qtbot, ctx: AppContext):
    article = ctx.articles.create("Reset a password", "Use the **self-service** portal").entity_id
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 1)
    rect = view.article_table.visualRect(view.article_model.index(0, 0))
    with qtbot.waitSignal(view.article_opened, timeout=2000) as opened:
        qtbot.mouseClick(view.article_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [article]
    qtbot.waitUntil(lambda: "self-service portal" in view.reader.browser.toPlainText())
    assert view.reader.title_label.text() == "Reset a password"


def test_articles_render_safely(qtbot, ctx: AppContext):
    article = ctx.articles.create("Printer jams", UNSAFE_BODY).entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    browser = view.reader.browser
    text = browser.toPlainText()
    assert "click me" in text and "<b>raw html</b>" in text  # raw HTML is shown as text
    assert "[image: remote logo]" in text  # the remote image is not even requested
    links = anchors(browser)
    assert "https://printers.example/guide" in links and "outpost:article/abc-123" in links
    assert not any(link.lower().startswith("javascript") for link in links)
    assert not browser.openLinks() and not browser.openExternalLinks()
    assert not any("tracker.example" in url for url in browser.refused_resources)


def test_no_remote_resource_is_ever_loaded(qtbot):
    """Even HTML that names remote images (the renderer never emits it) fetches nothing."""
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    browser.show()
    browser.setHtml('<p>x</p><img src="https://tracker.example/pixel.png"><img src="http://a.example/b.png">')
    qtbot.waitUntil(lambda: len(browser.refused_resources) >= 2)  # asked while laying out, and refused
    assert {"https://tracker.example/pixel.png", "http://a.example/b.png"} <= set(browser.refused_resources)
    url = QUrl("https://e.example/x.png")
    assert browser.loadResource(QTextDocument.ResourceType.ImageResource, url) is None


def test_links_open_internally_or_only_after_confirmation(qtbot, ctx: AppContext):
    article = ctx.articles.create("Printer jams", UNSAFE_BODY).entity_id
    other = ctx.articles.create("Replace a toner", "Lift the lid").entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    browser = view.reader.browser
    asked, opened = [], []
    browser.confirm_external = lambda parent, url: asked.append(url.toString()) or False
    browser.open_external = opened.append

    browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert asked == [] and opened == []

    browser.anchorClicked.emit(QUrl("https://printers.example/guide"))
    assert asked == ["https://printers.example/guide"] and opened == []  # declined
    browser.confirm_external = lambda parent, url: True
    browser.anchorClicked.emit(QUrl("https://printers.example/guide"))
    assert [u.toString() for u in opened] == ["https://printers.example/guide"]

    with qtbot.waitSignal(view.article_opened, timeout=2000) as followed:
        browser.anchorClicked.emit(QUrl(f"outpost:article/{other}"))
    assert followed.args == [other]
    with qtbot.waitSignal(view.ticket_link_activated, timeout=2000) as ticket:
        browser.anchorClicked.emit(QUrl("outpost:ticket/42"))
    assert ticket.args == ["42"]


def test_editing_creates_revision_2_and_old_revisions_can_be_read(qtbot, ctx: AppContext):
    article = ctx.articles.create(
        "Reset a password", "Old steps: call the desk", category="Accounts"
    ).entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    qtbot.mouseClick(view.reader.edit_button, Qt.MouseButton.LeftButton)
    assert view.stack.currentWidget() is view.editor
    editor = view.editor
    assert editor.title_edit.text() == "Reset a password"
    editor.body_edit.selectAll()
    qtbot.keyClicks(editor.body_edit, "New steps: use **the portal**")
    qtbot.waitUntil(lambda: "the portal" in editor.preview.toPlainText())  # live preview
    assert "**" not in editor.preview.toPlainText()
    qtbot.mouseClick(editor.buttons.buttons()[0], Qt.MouseButton.LeftButton)  # Save
    qtbot.waitUntil(lambda: view.reader.article is not None and view.reader.article.revision == 2)
    assert view.stack.currentWidget() is view.reader
    assert "New steps" in view.reader.browser.toPlainText()
    assert view.reader.revisions_model.rowCount() == 2
    assert [r.revision for r in ctx.articles.revisions(article)] == [1, 2]

    old = view.reader.revisions_model.index(1, 0)  # newest first
    rect = view.reader.revisions_table.visualRect(old)
    qtbot.mouseClick(view.reader.revisions_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: "Old steps" in view.reader.browser.toPlainText())
    assert view.reader.banner.isVisible() and view.reader.banner.text().startswith("Revision 1 of 2")
    qtbot.mouseClick(view.reader.back_button, Qt.MouseButton.LeftButton)
    assert "New steps" in view.reader.browser.toPlainText() and not view.reader.banner.isVisible()


def test_publish_and_withdraw(qtbot, ctx: AppContext):
    article = ctx.articles.create("Book a room", "Use the planner").entity_id
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    assert view.reader.state_button.text() == "&Publish"
    qtbot.mouseClick(view.reader.state_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.reader.article.state == "published")
    assert view.reader.state_button.text() == "&Withdraw"
    qtbot.waitUntil(
        lambda: view.article_model.rowCount() == 1 and view.article_model.record(0).state == "published"
    )
    qtbot.mouseClick(view.reader.state_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.reader.article.state == "draft")


def test_an_agent_who_is_not_a_curator_is_told_why_they_cannot_edit(qtbot, ctx: AppContext):
    article = ctx.articles.create("Reset a password", "Use the portal").entity_id
    ctx.articles.publish(article)
    agent = new_id()
    with ctx.replica.write() as s:
        s.add(Person(id=agent, name="Sam Agent", username="sam", role="agent", tier=1, active=True))
    ctx.replica.set_setting("current_user_id", agent)
    view = make_kb(qtbot, ctx)
    open_article(qtbot, view, article)
    qtbot.mouseClick(view.reader.edit_button, Qt.MouseButton.LeftButton)
    view.editor.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(view.editor.body_edit, " and call us")
    qtbot.mouseClick(view.editor.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(view.editor.findChildren(QMessageBox)))
    box = view.editor.findChildren(QMessageBox)[0]
    assert "knowledge manager can edit published articles" in box.informativeText()
    assert box.text() == "Not allowed"  # the title says what kind of problem it is
    assert view.stack.currentWidget() is view.editor  # the text is still there to copy
    assert view.editor.body_edit.toPlainText().endswith("and call us")
    assert ctx.articles.detail(article).revision == 1


def test_new_article_from_the_kb_screen(qtbot, ctx: AppContext):
    view = make_kb(qtbot, ctx)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.editor.title_edit, "Projector: no signal")
    view.editor.category_combo.setEditText("Teaching rooms")
    qtbot.keyClicks(view.editor.body_edit, "Press *Source* twice")
    with qtbot.waitSignal(view.article_opened, timeout=5000) as opened:
        qtbot.mouseClick(view.editor.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    detail = ctx.articles.detail(opened.args[0])
    assert (detail.title, detail.category, detail.state) == (
        "Projector: no signal",
        "Teaching rooms",
        "draft",
    )
    qtbot.waitUntil(lambda: "Teaching rooms" in view.category_model.records())
