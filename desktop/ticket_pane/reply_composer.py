"""Writing a reply or an internal note on the open ticket, with drafts that are never lost.

Contract:

* Two modes, "Reply" (to the requester) and "Internal note" (agents only); the note mode
  is tinted like notes in the conversation. Ctrl+Enter (or the send button) sends.
* Each mode's half-written text is a draft in ``ctx.drafts`` under
  :func:`~desktop.ticket_pane.pane_data.reply_key` / ``note_key``. It is saved after a
  pause in typing (:data:`DRAFT_PAUSE_MS`), when the mode or the ticket changes and on
  :meth:`ReplyComposer.flush` (the pane calls it when it hides, e.g. when the app quits),
  and restored by :meth:`ReplyComposer.set_ticket` — also in a later run of the app.
* While a ticket's drafts are loading the editor is read-only, so a late load can never
  overwrite what the person typed; results for a ticket no longer shown are dropped.
* Sending discards the draft on the database thread only after the comment is committed;
  a failed send leaves the text in the editor and in the draft store.

UI thread only; every database call goes through ``ctx.read``/``ctx.write``.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.kb.article_picker import ArticlePickerDialog, article_link_markdown
from desktop.ticket_pane.pane_data import note_key, reply_key
from sync.services.article_links import ArticleLinks, mentioned_article_ids
from sync.services.changes import ChangeSet, WriteResult
from sync.services.drafts import Drafts
from sync.services.ticket_work import TicketWork

__all__ = ["DRAFT_PAUSE_MS", "MODES", "ComposerEdit", "ReplyComposer"]

log = logging.getLogger(__name__)

DRAFT_PAUSE_MS = 700
MODES = ("reply", "note")
_NOTE_TINT = "QPlainTextEdit { background: #fff1c7; color: #1d1d1f; }"


def _save_draft(drafts: Drafts, key: str, text: str) -> ChangeSet:
    drafts.save(key, text)
    return ChangeSet()  # drafts are local and not shown by other views: nothing to announce


def _send(work: TicketWork, drafts: Drafts, ticket_id: str, mode: str, text: str) -> WriteResult:
    result = work.reply(ticket_id, text) if mode == "reply" else work.note(ticket_id, text)
    drafts.discard(reply_key(ticket_id) if mode == "reply" else note_key(ticket_id))
    if not mentioned_article_ids(text):
        return result
    try:  # articles linked from the text are now "used in" this ticket
        linked = ArticleLinks(work.replica).link_mentions(ticket_id)
    except Exception:  # the reply is sent; a missing link must not look like a failed send
        log.warning("could not link the articles mentioned in ticket %s", ticket_id, exc_info=True)
        return result
    return WriteResult(result.entity_id, result.changes | linked.changes)


class ComposerEdit(QPlainTextEdit):
    """The text box; Ctrl+Enter asks to send instead of inserting a line break."""

    send_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.accept()
            self.send_requested.emit()
            return
        super().keyPressEvent(event)


class ReplyComposer(QWidget):
    #: The id of a reply or note that was sent.
    sent = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ticket_id: str | None = None
        self._generation = 0
        self._mode = "reply"
        self._texts = dict.fromkeys(MODES, "")
        self._saved = dict.fromkeys(MODES, "")
        self._loading = False
        self._sending = False

        self.reply_button = QPushButton("&Reply")
        self.reply_button.setObjectName("replyMode")
        self.reply_button.setCheckable(True)
        self.reply_button.setChecked(True)
        self.note_button = QPushButton("Internal &note")
        self.note_button.setObjectName("noteMode")
        self.note_button.setCheckable(True)
        group = QButtonGroup(self)
        group.addButton(self.reply_button)
        group.addButton(self.note_button)
        self.reply_button.toggled.connect(lambda on: self.set_mode("reply" if on else "note"))
        self.insert_link_button = QPushButton("Insert link to &article…")
        self.insert_link_button.setObjectName("insertArticleLink")
        self.insert_link_button.clicked.connect(self.choose_article_link)
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.clicked.connect(self.send)
        self.editor = ComposerEdit()
        self.editor.setObjectName("composerEdit")
        self.editor.setTabChangesFocus(True)
        self.editor.send_requested.connect(self.send)
        self.editor.textChanged.connect(self._text_changed)
        self._pause = QTimer(self, singleShot=True, interval=DRAFT_PAUSE_MS)
        self._pause.timeout.connect(self.flush)

        bar = QHBoxLayout()
        bar.addWidget(self.reply_button)
        bar.addWidget(self.note_button)
        bar.addStretch(1)
        bar.addWidget(self.insert_link_button)
        bar.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.editor)
        self._show_mode()
        self.setEnabled(False)

    # -- public ----------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_ticket(self, ticket_id: str | None) -> None:
        """Save the current ticket's drafts, then load (asynchronously) the new one's."""
        if ticket_id == self._ticket_id:
            return
        self.flush()
        self._ticket_id = ticket_id
        self._generation += 1
        self._texts = dict.fromkeys(MODES, "")
        self._saved = dict.fromkeys(MODES, "")
        self._set_editor_text("")
        self.setEnabled(ticket_id is not None)
        if ticket_id is None:
            return
        self.editor.setReadOnly(True)
        generation, drafts = self._generation, self._ctx.drafts
        self._ctx.read(
            lambda: (drafts.load(reply_key(ticket_id)), drafts.load(note_key(ticket_id))),
            lambda texts: self._drafts_loaded(generation, texts),
            lambda error: self._drafts_loaded(generation, ("", ""), error),
        )

    def set_reply_allowed(self, allowed: bool) -> None:
        """Closed tickets take notes only (the service refuses replies on them)."""
        self.reply_button.setEnabled(allowed)
        self.reply_button.setToolTip(
            "" if allowed else "This ticket is closed; only internal notes can be added."
        )
        if not allowed and self._mode == "reply":
            self.set_mode("note")

    def set_mode(self, mode: str) -> None:
        if mode not in MODES or mode == self._mode:
            return
        self.flush()
        self._mode = mode
        self.reply_button.setChecked(mode == "reply")
        self.note_button.setChecked(mode == "note")
        self._set_editor_text(self._texts[mode])
        self._show_mode()

    def flush(self) -> None:
        """Save every changed draft of the current ticket now (queued on the database thread)."""
        self._pause.stop()
        ticket_id = self._ticket_id
        if ticket_id is None:
            return
        for mode in MODES:
            text = self._texts[mode]
            if text == self._saved[mode]:
                continue
            key = reply_key(ticket_id) if mode == "reply" else note_key(ticket_id)
            try:
                self._ctx.write(partial(_save_draft, self._ctx.drafts, key, text))
            except RuntimeError:  # the app is already shutting down; nothing can be queued
                log.warning("could not save the draft %s: the database worker has stopped", key)
                return
            self._saved[mode] = text

    def send(self) -> None:
        text, ticket_id, mode = self.text().strip(), self._ticket_id, self._mode
        if not text or ticket_id is None or self._sending or self.editor.isReadOnly():
            return
        self._pause.stop()
        self._sending = True
        # The send discards the stored draft; a flush queued behind it (a ticket switch) must not
        # store the same text again.
        self._saved[mode] = self._texts[mode]
        self.editor.setReadOnly(True)
        self.send_button.setEnabled(False)
        generation, work, drafts = self._generation, self._ctx.work, self._ctx.drafts
        self._ctx.write(
            lambda: _send(work, drafts, ticket_id, mode, text),
            lambda result: self._send_finished(generation, mode, result),
            lambda error: self._send_failed(ticket_id, mode, text, error),
        )

    def choose_article_link(self) -> None:
        picker = ArticlePickerDialog(self._ctx, self)
        picker.article_chosen.connect(self.insert_article_link)
        picker.open()

    def insert_article_link(self, article_id: str, title: str) -> None:
        self.editor.insertPlainText(article_link_markdown(article_id, title))
        self.editor.setFocus()

    # -- internals -------------------------------------------------------------------
    def _drafts_loaded(
        self, generation: int, texts: tuple[str, str], error: BaseException | None = None
    ) -> None:
        if generation != self._generation:
            return  # the person moved on to another ticket meanwhile
        if error is not None:
            show_error(self, error)
        self._texts = dict(zip(MODES, texts, strict=True))
        self._saved = dict(self._texts)
        if not self._texts["reply"] and self._texts["note"] and self._mode == "reply":
            self._mode = "note"
            self.note_button.setChecked(True)
            self._show_mode()
        self._set_editor_text(self._texts[self._mode])
        self.editor.setReadOnly(False)

    def _send_finished(self, generation: int, mode: str, result: WriteResult) -> None:
        self._sending = False
        self.editor.setReadOnly(False)
        self.send_button.setEnabled(True)
        if generation == self._generation:
            self._texts[mode] = self._saved[mode] = ""
            if self._mode == mode:
                self._set_editor_text("")
        self.sent.emit(result.entity_id)

    def _send_failed(self, ticket_id: str, mode: str, text: str, error: BaseException) -> None:
        self._sending = False
        self.editor.setReadOnly(False)
        self.send_button.setEnabled(True)
        key = reply_key(ticket_id) if mode == "reply" else note_key(ticket_id)
        drafts = self._ctx.drafts
        self._ctx.write(lambda: _save_draft(drafts, key, text))  # the text was not sent: keep it
        show_error(self, error)

    def _set_editor_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
            self.editor.moveCursor(QTextCursor.MoveOperation.End)
        finally:
            self._loading = False

    def _text_changed(self) -> None:
        if self._loading:
            return
        self._texts[self._mode] = self.editor.toPlainText()
        self._pause.start()

    def _show_mode(self) -> None:
        note = self._mode == "note"
        self.editor.setStyleSheet(_NOTE_TINT if note else "")
        self.editor.setPlaceholderText(
            "Internal note – only agents see this" if note else "Reply to the requester (Ctrl+Enter sends)"
        )
        self.send_button.setText("Add &note" if note else "&Send reply")
