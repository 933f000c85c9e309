"""The conflict inbox: what the server decided against this person, and notices to read.

Two tabs. **Conflicts** lists :meth:`ConflictInbox.open_conflicts`; the selected entry
shows each field side by side (yours / the server's / the result) and the choices the
engine allows for it: keep the server's result, send yours again, retry a refused
change, or — for an article body edited on both sides — a side-by-side text merge whose
editor starts from a three-way merge (:mod:`desktop.sync_ui.text_merge`). **Notices**
lists what needs no decision (a ticket left your scope...) with Dismiss.

Reads and writes go through ``ctx`` (the database thread); a resolution is an ordinary
journaled write, so its "what changed" notice also makes the sync controller push it.
The dialog reloads after its own writes and whenever a notice names the journal (a sync
round may bring new conflicts). ``inbox_changed`` tells the status bar to re-count.
UI thread only.
"""

from __future__ import annotations

import html
import json
from difflib import SequenceMatcher
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import describe_error
from desktop.sync_ui.inbox_model import InboxListModel, conflict_entry, notice_entry
from desktop.sync_ui.text_merge import merge_texts
from desktop.theme import colors
from sync.engine.conflict_texts import ArticleBodyConflict, article_body_conflict
from sync.engine.conflicts import ConflictInbox, ConflictView, NoticeView
from sync.services.changes import ChangeSet, WriteResult

__all__ = ["CHOICE_LABELS", "ConflictInboxDialog", "side_by_side_html"]

CHOICE_LABELS = {
    "accept": "Keep the server's version",
    "mine": "Send mine again",
    "merge": "Save merged text",
    "retry": "Make the change again",
}


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return json.dumps(value, ensure_ascii=False)


def _highlight() -> str:
    """The pending colour faded into the window's base colour (readable in both themes)."""
    c, base = colors().pending_marker, QApplication.palette().base().color()
    return QColor(
        (c.red() + 3 * base.red()) // 4,
        (c.green() + 3 * base.green()) // 4,
        (c.blue() + 3 * base.blue()) // 4,
    ).name()


def side_by_side_html(mine: str, theirs: str) -> tuple[str, str]:
    """Both texts as HTML with the lines that differ highlighted (for the two read-only panes)."""
    a, b = mine.splitlines(), theirs.splitlines()
    mark = _highlight()
    out_a: list[str] = []
    out_b: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for lines, out, lo, hi in ((a, out_a, i1, i2), (b, out_b, j1, j2)):
            for line in lines[lo:hi]:
                text = html.escape(line) or "&nbsp;"
                out.append(text if tag == "equal" else f'<span style="background-color:{mark}">{text}</span>')
    wrap = '<div style="white-space: pre-wrap; font-family: monospace">{}</div>'
    return wrap.format("<br>".join(out_a)), wrap.format("<br>".join(out_b))


class ConflictInboxDialog(QDialog):
    inbox_changed = Signal()
    loaded = Signal()  # after every (re)load; tests wait on it
    resolved = Signal(str, str)  # conflict id, choice

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictInbox")
        self.setWindowTitle("Sync conflicts and notices")
        self.resize(980, 640)
        self.ctx = ctx
        self.inbox = ConflictInbox(ctx.replica)
        self.conflicts: list[ConflictView] = []
        self.notices: list[NoticeView] = []
        self.bodies: dict[str, ArticleBodyConflict] = {}
        self.current: ConflictView | None = None
        self._loading = False
        self._reload_again = False
        self.conflict_model = InboxListModel(self)
        self.notice_model = InboxListModel(self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_conflicts(), "Conflicts")
        self.tabs.addTab(self._build_notices(), "Notices")
        layout.addWidget(self.tabs)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        ctx.hub.changed.connect(self._hub_changed)
        self.reload()

    # -- building ------------------------------------------------------------------------------
    def _build_conflicts(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal)
        self.conflict_list = QListView()
        self.conflict_list.setObjectName("conflictList")
        self.conflict_list.setModel(self.conflict_model)
        self.conflict_list.setWordWrap(True)
        self.conflict_list.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show(cur.row())
        )
        detail = QWidget()
        self.detail_layout = QVBoxLayout(detail)
        self.title_label = QLabel("")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.reason_label = QLabel("")
        self.reason_label.setWordWrap(True)
        self.fields_grid = QGridLayout()
        self.fields_box = QWidget()
        self.fields_box.setLayout(self.fields_grid)
        self.merge_box = self._build_merge()
        self.choice_row = QHBoxLayout()
        self.empty_label = QLabel("Nothing to settle: every change you made was accepted as you made it.")
        self.empty_label.setWordWrap(True)
        for w in (self.empty_label, self.title_label, self.reason_label, self.fields_box, self.merge_box):
            self.detail_layout.addWidget(w)
        self.detail_layout.addStretch(1)
        self.detail_layout.addLayout(self.choice_row)
        self.choice_buttons: dict[str, QPushButton] = {}
        split.addWidget(self.conflict_list)
        split.addWidget(detail)
        split.setStretchFactor(1, 2)
        split.setSizes([300, 660])
        return split

    def _build_merge(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.mine_view = QTextEdit()
        self.theirs_view = QTextEdit()
        for view in (self.mine_view, self.theirs_view):
            view.setReadOnly(True)
        self.merged_edit = QPlainTextEdit()
        self.merged_edit.setObjectName("mergedText")
        self.merge_note = QLabel("")
        self.merge_note.setWordWrap(True)
        use_mine, use_theirs = QPushButton("Use yours"), QPushButton("Use the server's")
        use_mine.clicked.connect(lambda: self.merged_edit.setPlainText(self._body_text("mine")))
        use_theirs.clicked.connect(lambda: self.merged_edit.setPlainText(self._body_text("theirs")))
        grid.addWidget(QLabel("Yours"), 0, 0)
        grid.addWidget(QLabel("On the server"), 0, 1)
        grid.addWidget(self.mine_view, 1, 0)
        grid.addWidget(self.theirs_view, 1, 1)
        grid.addWidget(self.merge_note, 2, 0, 1, 2)
        grid.addWidget(self.merged_edit, 3, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(use_mine)
        buttons.addWidget(use_theirs)
        buttons.addStretch(1)
        grid.addLayout(buttons, 4, 0, 1, 2)
        return box

    def _build_notices(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.notice_list = QListView()
        self.notice_list.setObjectName("noticeList")
        self.notice_list.setModel(self.notice_model)
        self.notice_list.setWordWrap(True)
        self.notice_detail = QLabel("")
        self.notice_detail.setWordWrap(True)
        self.notice_list.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.notice_detail.setText(
                e.detail if (e := self.notice_model.entry(cur.row())) else ""
            )
        )
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.dismiss_button)
        layout.addWidget(self.notice_list)
        layout.addWidget(self.notice_detail)
        layout.addLayout(row)
        return page

    # -- loading (database thread) ----------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        inbox, replica = self.inbox, self.ctx.replica

        def load() -> tuple[list[ConflictView], list[NoticeView], dict[str, ArticleBodyConflict]]:
            conflicts = inbox.open_conflicts()
            bodies = {c.id: b for c in conflicts if (b := article_body_conflict(replica, c)) is not None}
            return conflicts, inbox.notices(), bodies

        self.ctx.read(load, self._loaded, self._load_failed)

    def _hub_changed(self, changes: ChangeSet) -> None:
        if changes.journal or changes.everything:
            self.reload()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        self._show_error(error)

    def _loaded(
        self, result: tuple[list[ConflictView], list[NoticeView], dict[str, ArticleBodyConflict]]
    ) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        keep = self.current.id if self.current else None
        self.conflicts, self.notices, self.bodies = result
        self.conflict_model.set_entries([conflict_entry(c) for c in self.conflicts])
        self.notice_model.set_entries([notice_entry(n) for n in self.notices])
        self.tabs.setTabText(0, f"Conflicts ({len(self.conflicts)})")
        self.tabs.setTabText(1, f"Notices ({len(self.notices)})")
        row = self.conflict_model.row_of(keep) if keep else None
        self._select(row if row is not None else 0 if self.conflicts else None)
        self.dismiss_button.setEnabled(bool(self.notices))
        if self.notices and not self.notice_list.currentIndex().isValid():
            self.notice_list.setCurrentIndex(self.notice_model.index(0))
        self.loaded.emit()

    def _select(self, row: int | None) -> None:
        if row is None:
            self._show(-1)
        else:
            self.conflict_list.setCurrentIndex(self.conflict_model.index(row))
            self._show(row)

    # -- one conflict ------------------------------------------------------------------------------
    def _body_text(self, side: str) -> str:
        body = self.bodies.get(self.current.id) if self.current else None
        return "" if body is None else str(getattr(body, side))

    def _show(self, row: int) -> None:
        c = self.conflicts[row] if 0 <= row < len(self.conflicts) else None
        self.current = c
        self.empty_label.setVisible(c is None)
        for w in (self.title_label, self.reason_label, self.fields_box):
            w.setVisible(c is not None)
        while self.fields_grid.count():
            item = self.fields_grid.takeAt(0)
            if item is not None and (old := item.widget()) is not None:
                old.deleteLater()
        for button in self.choice_buttons.values():
            button.deleteLater()
        self.choice_buttons = {}
        body = self.bodies.get(c.id) if c is not None else None
        merge = c is not None and "merge" in c.choices and body is not None
        self.merge_box.setVisible(merge)
        if c is None:
            return
        self.title_label.setText(conflict_entry(c).title)
        self.reason_label.setText(c.reason)
        fields = [f for f in c.fields if not (merge and f.field == "body")]
        self.fields_box.setVisible(bool(fields))
        if fields:
            for col, head in enumerate(("Field", "Yours", "On the server", "What happened")):
                label = QLabel(f"<b>{head}</b>")
                self.fields_grid.addWidget(label, 0, col)
            for n, f in enumerate(fields, start=1):
                for col, text in enumerate(
                    (f.field.replace("_", " "), _show(f.yours), _show(f.server), f.message)
                ):
                    label = QLabel(text)
                    label.setWordWrap(True)
                    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                    self.fields_grid.addWidget(label, n, col)
        if merge and body is not None:
            left, right = side_by_side_html(body.mine, body.theirs)
            self.mine_view.setHtml(left)
            self.theirs_view.setHtml(right)
            merged, conflicted = merge_texts(body.base, body.mine, body.theirs)
            self.merged_edit.setPlainText(merged)
            self.merge_note.setText(
                "Merged text (edit it): the marked blocks were changed on both sides — keep what is right "
                "and delete the markers."
                if conflicted
                else "Merged text (edit it): changes from both sides were combined."
            )
        for choice in c.choices:
            if choice == "merge" and not merge:
                continue  # the texts to merge are not on this computer
            button = QPushButton(CHOICE_LABELS.get(choice, choice))
            button.setObjectName(f"choice_{choice}")
            button.clicked.connect(lambda _checked=False, ch=choice: self.resolve_current(ch))
            self.choice_row.addWidget(button)
            self.choice_buttons[choice] = button

    # -- writes ------------------------------------------------------------------------------
    def resolve_current(self, choice: str) -> None:
        c = self.current
        if c is None:
            return
        merged = {"body": self.merged_edit.toPlainText()} if choice == "merge" else None
        inbox = self.inbox
        for button in self.choice_buttons.values():
            button.setEnabled(False)

        def done(_result: WriteResult) -> None:
            self.error_label.hide()
            self.resolved.emit(c.id, choice)
            self.inbox_changed.emit()
            self.reload()

        def failed(error: BaseException) -> None:
            for button in self.choice_buttons.values():
                button.setEnabled(True)
            self._show_error(error)

        self.ctx.write(lambda: inbox.resolve(c.id, choice, merged=merged), done, failed)

    def dismiss_current(self) -> None:
        entry = self.notice_model.entry(self.notice_list.currentIndex().row())
        if entry is None:
            return
        inbox = self.inbox

        def dismiss() -> ChangeSet:
            inbox.dismiss_notice(entry.id)
            return ChangeSet()

        def done(_result: object) -> None:
            self.inbox_changed.emit()
            self.reload()

        self.ctx.write(dismiss, done, self._show_error)

    def _show_error(self, error: BaseException) -> None:
        info = describe_error(error)
        self.error_label.setStyleSheet(f"color: {colors().error_text.name()};")
        self.error_label.setText(f"<b>{info.title}</b> {info.message} {info.action}".strip())
        self.error_label.show()
