"""Half-written replies and notes are never lost: across ticket switches, pauses, and app restarts."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.pane_data import note_key, reply_key
from desktop.ticket_pane.reply_composer import DRAFT_PAUSE_MS


def show(qtbot, pane: TicketPane, ticket_id: str) -> None:
    pane.show_ticket(ticket_id)
    qtbot.waitUntil(lambda: pane.detail is not None and pane.detail.id == ticket_id)
    qtbot.waitUntil(lambda: not pane.composer.editor.isReadOnly())  # drafts loaded


def test_a_half_written_reply_survives_switching_tickets(qtbot, pane, make_ticket):
    first, second = make_ticket("Printer jams"), make_ticket("Wi-Fi drops in the library")
    show(qtbot, pane, first)
    qtbot.keyClicks(pane.composer.editor, "Dear Bea, the engineer comes")
    show(qtbot, pane, second)
    assert pane.composer.text() == ""
    qtbot.keyClicks(pane.composer.editor, "Which floor?")
    show(qtbot, pane, first)
    assert pane.composer.text() == "Dear Bea, the engineer comes"
    show(qtbot, pane, second)
    assert pane.composer.text() == "Which floor?"


def test_reply_and_note_keep_separate_drafts(qtbot, ctx: AppContext, pane, make_ticket, wait_idle):
    ticket = make_ticket()
    show(qtbot, pane, ticket)
    qtbot.keyClicks(pane.composer.editor, "to the requester")
    qtbot.mouseClick(pane.composer.note_button, Qt.MouseButton.LeftButton)
    assert pane.composer.text() == ""
    qtbot.keyClicks(pane.composer.editor, "for agents")
    pane.flush_drafts()
    wait_idle()
    assert ctx.drafts.load(reply_key(ticket)) == "to the requester"
    assert ctx.drafts.load(note_key(ticket)) == "for agents"
    qtbot.mouseClick(pane.composer.reply_button, Qt.MouseButton.LeftButton)
    assert pane.composer.text() == "to the requester"


def test_the_draft_is_saved_after_a_pause_in_typing(qtbot, ctx: AppContext, pane, make_ticket):
    ticket = make_ticket()
    show(qtbot, pane, ticket)
    qtbot.keyClicks(pane.composer.editor, "Half a sentence")
    assert ctx.drafts.load(reply_key(ticket)) == ""  # not on every key press
    qtbot.waitUntil(
        lambda: ctx.drafts.load(reply_key(ticket)) == "Half a sentence", timeout=DRAFT_PAUSE_MS + 3000
    )


def test_sending_discards_the_draft(qtbot, ctx: AppContext, pane, make_ticket, wait_idle):
    ticket = make_ticket()
    show(qtbot, pane, ticket)
    qtbot.keyClicks(pane.composer.editor, "On my way")
    pane.flush_drafts()
    wait_idle()
    assert ctx.drafts.load(reply_key(ticket)) == "On my way"
    with qtbot.waitSignal(pane.composer.sent, timeout=5000):
        pane.composer.send()
    wait_idle()
    assert ctx.drafts.load(reply_key(ticket)) == ""
    assert pane.composer.text() == ""


def test_quit_with_an_unsent_draft_and_find_it_again(qtbot, open_context, make_ticket):
    """Type, quit at once (no pause for the debounce), start the app again: the text is there."""
    ctx = open_context()
    ticket = make_ticket("Boiler makes a banging noise")
    first_run = TicketPane(ctx)
    first_run.show()
    show(qtbot, first_run, ticket)
    qtbot.mouseClick(first_run.composer.note_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(first_run.composer.editor, "Checked the pressure: 0.5 bar, needs")
    first_run.close()  # the window closing is what saves it ...
    ctx.close()  # ... and closing the context waits for that write

    ctx_again = open_context()
    second_run = TicketPane(ctx_again)
    second_run.show()
    show(qtbot, second_run, ticket)
    assert second_run.composer.mode == "note"
    assert second_run.composer.text() == "Checked the pressure: 0.5 bar, needs"
    second_run.close()


def test_a_late_draft_load_never_overwrites_typing(qtbot, ctx: AppContext, pane, make_ticket):
    first, second = make_ticket(), make_ticket()
    ctx.drafts.save(reply_key(second), "stored earlier")
    pane.show_ticket(first)
    pane.show_ticket(second)
    assert pane.composer.editor.isReadOnly()  # until its drafts have arrived
    qtbot.waitUntil(lambda: not pane.composer.editor.isReadOnly())
    assert pane.composer.text() == "stored earlier"


def test_a_window_that_closes_the_context_in_its_close_event_still_keeps_the_draft(
    qtbot, open_context, make_ticket
):
    """The main window closes the AppContext inside closeEvent, before its children are hidden."""
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMainWindow

    ctx = open_context()
    ticket = make_ticket("Lift stuck on floor 3")

    class Window(QMainWindow):
        def closeEvent(self, event: QCloseEvent) -> None:
            super().closeEvent(event)
            ctx.close()  # what desktop/app.py does on the window's `closed` signal

    window = Window()
    pane = TicketPane(ctx)
    window.setCentralWidget(pane)
    window.resize(1280, 800)
    window.show()
    show(qtbot, pane, ticket)
    qtbot.keyClicks(pane.composer.editor, "Engineer booked for")
    window.close()

    again = open_context()
    assert again.drafts.load(reply_key(ticket)) == "Engineer booked for"
