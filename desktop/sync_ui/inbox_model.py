"""A list model over the conflict inbox's entries (conflicts or notices), for a QListView.

Rows are plain :class:`InboxEntry` values made from the engine's ``ConflictView`` /
``NoticeView``; the model never reads the database. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sync.engine.conflicts import ConflictView, NoticeView
from sync.protocol.ops import Op

__all__ = ["ENTRY_ID_ROLE", "InboxEntry", "InboxListModel", "conflict_entry", "notice_entry"]

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class InboxEntry:
    id: str
    title: str
    detail: str


_OPS: dict[str, str] = {
    Op.TICKET_CREATE: "New ticket",
    Op.TICKET_UPDATE: "Ticket change",
    Op.TICKET_COMMENT: "Reply or note",
    Op.TICKET_WORK_LOG: "Work log",
    Op.TICKET_MERGE: "Merge",
    Op.ARTICLE_UPDATE: "Article edit",
    Op.ARTICLE_CREATE: "New article",
}


def conflict_entry(c: ConflictView) -> InboxEntry:
    what = _OPS.get(c.op, c.op)
    verdict = "refused" if c.kind == "rejected" else "decided differently"
    return InboxEntry(c.id, f"{what} {verdict}: {c.label}", c.reason)


def notice_entry(n: NoticeView) -> InboxEntry:
    return InboxEntry(n.id, n.label or n.kind.replace("_", " "), n.message)


class InboxListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[InboxEntry] = []

    def set_entries(self, entries: list[InboxEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> InboxEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, entry_id: str) -> int | None:
        return next((n for n, e in enumerate(self._entries) if e.id == entry_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return e.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.detail
        if role == ENTRY_ID_ROLE:
            return e.id
        return None
