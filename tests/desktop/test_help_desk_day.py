"""A technician's day, end to end, through ONE real MainWindow on a (small) demo replica.

Take a call (Ctrl+N), log it, triage it, work it (reply, note, work log), consult the
knowledge base, link an article in a reply, resolve (the note is required), write an
article from the resolution and close the ticket — while the sidebar counts and the status
bar's pending count follow. Every step goes through the widgets a person uses (keys, clicks,
combo choices); the services are only read to check what the window did.

The window silently falls back to placeholders when the ticket pane, the knowledge base or
the new-ticket dialog cannot be imported; the first assertions make that a failure here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.kb import KnowledgeBaseView
from desktop.kb.article_editor_dialog import ArticleEditorDialog
from desktop.kb.article_picker import ArticlePickerDialog
from desktop.main_window import MainWindow
from desktop.new_ticket.new_ticket_dialog import NewTicketDialog
from desktop.settings import AppSettings
from desktop.sidebar import KB_KEY
from desktop.theme import ThemeController
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.text_prompt import TextPromptDialog
from desktop.ticket_table import Col
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.domain.ticket_status import TicketStatus, allowed_transitions
from sync.replica.replica import open_replica
from sync.services.ticket_views import TicketDetail

WAIT_MS = 20_000  # generous: the machine is shared; every wait ends as soon as its condition holds
CALLER_EMAIL = "abdi.warsame@larkhaven.example"  # a requester of the demo organisation
SUBJECT = "Printer on floor 3 prints blank pages"
RESOLUTION = "Replaced the empty toner cartridge and printed a test page."


@pytest.fixture
def demo_ctx(tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    data = tmp_path / "demo"
    build_demo_replica(data, DemoSpec(tickets=150, articles=12, seed=7))
    context = AppContext(open_replica(data))
    yield context
    context.close()


@pytest.fixture
def window(qtbot: QtBot, demo_ctx: AppContext, settings: AppSettings) -> Iterator[MainWindow]:
    theme = ThemeController(QApplication.instance(), settings)  # type: ignore[arg-type]
    win = MainWindow(demo_ctx, settings, theme)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=WAIT_MS):
        win.show()
    qtbot.waitUntil(lambda: win.sidebar.last_snapshot is not None, timeout=WAIT_MS)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT_MS)
    yield win
    win.close()
    qtbot.waitUntil(lambda: demo_ctx.runner.pending == 0, timeout=WAIT_MS)  # no result outlives the test


# -- what a person does --------------------------------------------------------------------------
def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_sidebar(qtbot: QtBot, win: MainWindow, key: str) -> None:
    row = win.sidebar.model.row_of(key)
    assert row is not None, f"no {key!r} in the sidebar"
    view = win.sidebar.list
    rect = view.visualRect(win.sidebar.model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.current_view_key() == key


def pick_by_keyboard(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Focus the combo and press Down until it shows ``text`` (only for the dialog's combos,
    where moving through the items writes nothing)."""
    combo.setFocus()
    combo.setCurrentIndex(0)
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not in the combo")


def choose(combo: QComboBox, value: object) -> None:
    """A pick from the combo's popup: select the item and emit ``activated`` (each pick in the
    ticket's fields is one write, so walking through the items by keyboard would write each)."""
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def offered(combo: QComboBox) -> set[object]:
    return {combo.itemData(i) for i in range(combo.count())}


def choices_from(status: TicketStatus) -> set[object]:
    """What the status combo may offer: the current status and the moves the workflow allows."""
    return {status.value} | {s.value for s in allowed_transitions(status)}


def bring_up(qtbot: QtBot, pane: TicketPane, part: QWidget) -> None:
    """Click the pane's tab holding ``part`` (in the narrow layout the conversation and the
    fields are tabs too); a part laid out beside the tabs is already visible."""
    index = pane.tabs.indexOf(part)
    if index >= 0:
        bar = pane.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert pane.tabs.currentIndex() == index
    qtbot.waitUntil(part.isVisible, timeout=WAIT_MS)


def wait_for(qtbot: QtBot, condition: Callable[[], bool]) -> None:
    qtbot.waitUntil(condition, timeout=WAIT_MS)


# -- the day ---------------------------------------------------------------------------------------
def test_a_technicians_day_in_one_window(qtbot: QtBot, window: MainWindow, demo_ctx: AppContext) -> None:
    win, ctx = window, demo_ctx
    pane = win.pane
    # The real parts, not the placeholders the window shows when an import fails.
    assert type(pane) is TicketPane
    me = ctx.replica.current_user_id
    assert me is not None

    def shown() -> TicketDetail:
        """The ticket the pane shows, as last loaded."""
        detail = pane.detail
        assert detail is not None
        return detail

    def count(key: str) -> int:
        value = win.sidebar_count(key)
        assert value is not None
        return value

    status = win.status
    assert status.pending == 0 and status.pending_label.text() == "All changes saved"  # a fresh demo
    click_sidebar(qtbot, win, "all_open")
    wait_for(qtbot, lambda: win.tickets.model.query.view_key == "all_open" and win.tickets.model.total > 0)
    before = {key: count(key) for key in ("mine", "unassigned", "all_open", "recently_closed")}

    # 1. A call comes in: Ctrl+N on the window opens the new-ticket dialog.
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = win.new_ticket_dialog
    assert type(dialog) is NewTicketDialog
    wait_for(qtbot, lambda: dialog.isVisible() and dialog.queue_combo.count() == 3)
    assert dialog.requester.search_edit.hasFocus()  # the caller's name comes first

    lookup = dialog.requester
    qtbot.keyClicks(lookup.search_edit, "abdi.war")
    wait_for(qtbot, lambda: lookup.matches.isVisible() and lookup.model.rowCount() >= 1)
    assert lookup.model.record(0).email == CALLER_EMAIL
    qtbot.keyClick(lookup.search_edit, Qt.Key.Key_Return)  # takes the match; the dialog stays open
    assert dialog.isVisible()
    caller = lookup.choice().person
    assert caller is not None and caller.email == CALLER_EMAIL
    assert "Abdi Warsame" in lookup.chosen_label.text()

    qtbot.keyClicks(dialog.subject_edit, SUBJECT)
    qtbot.keyClicks(dialog.description_edit, "Since this morning every job comes out blank.")
    pick_by_keyboard(qtbot, dialog.queue_combo, "IT")
    pick_by_keyboard(qtbot, dialog.category_combo, "Printing")
    assert dialog.priority_label.text().startswith("P4 Low")
    pick_by_keyboard(qtbot, dialog.impact_combo, "Medium")
    assert dialog.priority_label.text().startswith("P4 Low")
    pick_by_keyboard(qtbot, dialog.urgency_combo, "High")
    assert dialog.priority_label.text().startswith("P2 High")  # follows impact × urgency live

    # Ctrl+Enter in the description creates it; the new ticket opens in the pane, selected in the list.
    dialog.description_edit.setFocus()
    with qtbot.waitSignal(pane.ticket_opened, timeout=WAIT_MS) as opened:
        qtbot.keyClick(dialog.description_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ticket = dialog.created_ticket_id
    assert ticket is not None and opened.args == [ticket]
    assert not dialog.isVisible()
    wait_for(qtbot, lambda: win.tickets.table.current_ticket_id() == ticket)
    detail = shown()
    assert (detail.subject, detail.requester_id, detail.queue, detail.category) == (
        SUBJECT,
        caller.id,
        "IT",
        "Printing",
    )
    assert (detail.impact, detail.urgency, detail.priority, detail.status) == (2, 1, 2, "new")
    assert pane.header.subject_label.text() == SUBJECT
    wait_for(qtbot, lambda: count("all_open") == before["all_open"] + 1)
    assert count("unassigned") == before["unassigned"] + 1
    wait_for(qtbot, lambda: status.pending > 0)
    pending = status.pending
    assert f"{pending:,} change" in status.pending_label.text()

    # 2. Triage in the fields editor: take it, then start on it; only valid moves are offered.
    fields = pane.fields
    bring_up(qtbot, pane, fields)
    assert offered(fields.status_combo) == choices_from(TicketStatus.NEW)
    assert "closed" not in offered(fields.status_combo)
    choose(fields.assignee_combo, me)
    wait_for(qtbot, lambda: shown().assignee_id == me)
    assert shown().status == "open"  # taking a new ticket opens it
    wait_for(qtbot, lambda: count("mine") == before["mine"] + 1)
    wait_for(qtbot, lambda: count("unassigned") == before["unassigned"])
    assert fields.assignee_combo.currentData() == me
    assert offered(fields.status_combo) == choices_from(TicketStatus.OPEN)
    choose(fields.status_combo, "in_progress")
    wait_for(qtbot, lambda: shown().status == "in_progress")
    assert fields.status_combo.currentText() == TicketStatus.IN_PROGRESS.label
    assert offered(fields.status_combo) == choices_from(TicketStatus.IN_PROGRESS)
    assert "closed" not in offered(fields.status_combo)
    wait_for(qtbot, lambda: status.pending > pending)
    pending = status.pending

    # 3. Work it: a reply (Ctrl+Enter), an internal note, and the time spent.
    composer = pane.composer
    bring_up(qtbot, pane, pane.talk)
    wait_for(qtbot, lambda: composer.isEnabled() and not composer.editor.isReadOnly())
    assert composer.mode == "reply"
    qtbot.keyClicks(composer.editor, "I am on my way to floor 3 to look at the printer.")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for(qtbot, lambda: len(shown().comments) == 1)
    assert composer.text() == ""
    click(qtbot, composer.note_button)
    assert composer.mode == "note"
    qtbot.keyClicks(composer.editor, "Toner shows full but the cartridge is empty.")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for(qtbot, lambda: len(shown().comments) == 2)
    reply, note = shown().comments
    assert (reply.kind, note.kind) == ("reply", "note")
    wait_for(qtbot, lambda: "Toner shows full" in pane.conversation.toPlainText())
    assert "I am on my way to floor 3" in pane.conversation.toPlainText()
    assert shown().first_response_at is not None

    work = pane.work_log
    bring_up(qtbot, pane, work)
    work.minutes_spin.selectAll()
    qtbot.keyClicks(work.minutes_spin, "25")
    qtbot.keyClicks(work.note_edit, "Swapped the toner cartridge")
    qtbot.keyClick(work.note_edit, Qt.Key.Key_Return)
    wait_for(qtbot, lambda: len(shown().work_logs) == 1)
    assert shown().minutes_logged == 25
    assert work.model.rowCount() == 1 and "25 min" in work.total_label.text()
    assert pane.tabs.tabText(pane.tabs.indexOf(work)) == "Work log (1)"
    assert work.note_edit.text() == ""  # the form clears once logged

    # 4. Consult the knowledge base from the window: search, open an article, go back.
    click_sidebar(qtbot, win, KB_KEY)
    kb = win.kb
    assert type(kb) is KnowledgeBaseView
    assert win.stack.currentWidget() is kb
    qtbot.keyClicks(kb.search_edit, "print queue")
    wait_for(qtbot, lambda: kb.article_model.rowCount() >= 1)
    assert any("print queue" in a.title.lower() for a in kb.article_model.records())
    row = next(i for i, a in enumerate(kb.article_model.records()) if "print queue" in a.title.lower())
    article = kb.article_model.record(row)
    rect = kb.article_table.visualRect(kb.article_model.index(row, 0))
    with qtbot.waitSignal(kb.article_opened, timeout=WAIT_MS) as reading:
        qtbot.mouseClick(kb.article_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert reading.args == [article.id]
    wait_for(qtbot, lambda: kb.reader.article is not None and kb.reader.article.id == article.id)
    assert kb.reader.title_label.text() == article.title
    wait_for(qtbot, lambda: len(kb.reader.browser.toPlainText()) > 50)

    click_sidebar(qtbot, win, "all_open")  # back to the list it came from
    assert win.stack.currentWidget() is win.ticket_split
    assert pane.ticket_id == ticket and pane.isVisible()
    wait_for(qtbot, lambda: win.tickets.table.current_ticket_id() == ticket)

    # 5. Point the requester at the article: insert its link into a reply and send it.
    bring_up(qtbot, pane, pane.talk)
    click(qtbot, composer.reply_button)
    assert composer.mode == "reply"
    qtbot.keyClicks(composer.editor, "Next time, this may help: ")
    click(qtbot, composer.insert_link_button)
    picker = pane.findChild(ArticlePickerDialog, "articlePicker")
    assert picker is not None
    wait_for(qtbot, picker.isVisible)
    qtbot.keyClicks(picker.search_edit, "print queue")
    wait_for(qtbot, lambda: picker.model.rowCount() >= 1 and picker.model.record(0).id == article.id)
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)
    wait_for(qtbot, lambda: f"outpost:article/{article.id}" in composer.text())
    assert composer.text().startswith("Next time, this may help: [")
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for(qtbot, lambda: len(shown().comments) == 3)
    assert f"outpost:article/{article.id}" in shown().comments[-1].body
    wait_for(qtbot, lambda: status.pending > pending)
    pending = status.pending

    # 6. Resolve: without a note it is refused; with one it goes through.
    bring_up(qtbot, pane, fields)
    choose(fields.status_combo, "resolved")
    wait_for(qtbot, lambda: pane.findChild(TextPromptDialog, "resolutionPrompt") is not None)
    prompt = pane.findChild(TextPromptDialog, "resolutionPrompt")
    assert prompt is not None
    wait_for(qtbot, prompt.isVisible)
    assert not prompt.ok_button.isEnabled()
    qtbot.keyClicks(prompt.text_edit, "   ")
    assert not prompt.ok_button.isEnabled()  # whitespace is not a resolution
    prompt.accept()  # what Enter on the dialog would do: refused, it stays open
    assert prompt.isVisible() and shown().status == "in_progress"
    prompt.text_edit.selectAll()
    qtbot.keyClicks(prompt.text_edit, RESOLUTION)
    assert prompt.ok_button.isEnabled()
    click(qtbot, prompt.ok_button)
    wait_for(qtbot, lambda: shown().status == "resolved")
    assert shown().resolution == RESOLUTION
    assert fields.resolution_label.text() == RESOLUTION
    assert "closed" in offered(fields.status_combo)
    wait_for(qtbot, lambda: count("all_open") == before["all_open"])
    wait_for(qtbot, lambda: count("recently_closed") == before["recently_closed"] + 1)
    wait_for(qtbot, lambda: count("mine") == before["mine"])
    wait_for(qtbot, lambda: status.pending > pending)
    pending = status.pending

    # 7. Write an article from the resolution; it opens in the knowledge base.
    assert pane.article_button.isEnabled()
    click(qtbot, pane.article_button)
    editor_dialog = pane.findChild(ArticleEditorDialog, "articleEditorDialog")
    assert editor_dialog is not None
    wait_for(qtbot, editor_dialog.isVisible)
    editor = editor_dialog.editor
    assert editor.title_edit.text() == SUBJECT
    assert RESOLUTION in editor.body_edit.toPlainText()
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Printer prints blank pages: check the toner")
    with qtbot.waitSignal(pane.article_created, timeout=WAIT_MS) as created:
        click(qtbot, editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    new_article = created.args[0]
    assert win.stack.currentWidget() is kb and win.current_view_key() == KB_KEY
    wait_for(qtbot, lambda: kb.reader.article is not None and kb.reader.article.id == new_article)
    assert kb.reader.title_label.text() == "Printer prints blank pages: check the toner"
    stored = ctx.articles.detail(new_article)
    assert RESOLUTION in stored.body and stored.state == "draft"
    wait_for(qtbot, lambda: status.pending > pending)
    pending = status.pending

    # 8. Back to the ticket through "Recently closed", and close it.
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=WAIT_MS):
        click_sidebar(qtbot, win, "recently_closed")
    list_row = win.tickets.model.row_of(ticket)
    assert list_row is not None, "the resolved ticket is not under Recently closed"
    table = win.tickets.table
    rect = table.visualRect(win.tickets.model.index(list_row, Col.SUBJECT))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.current_ticket_id() == ticket
    assert pane.ticket_id == ticket and pane.isVisible()
    bring_up(qtbot, pane, fields)
    choose(fields.status_combo, "closed")
    wait_for(qtbot, lambda: shown().status == "closed")
    assert not fields.status_combo.isEnabled()  # a closed ticket's fields are final
    assert not composer.reply_button.isEnabled() and composer.mode == "note"
    wait_for(qtbot, lambda: status.pending > pending)
    assert count("recently_closed") == before["recently_closed"] + 1
    assert (count("all_open"), count("mine"), count("unassigned")) == (
        before["all_open"],
        before["mine"],
        before["unassigned"],
    )
    assert ctx.queries.detail(ticket).status == "closed"
