"""The sidebar's list: section headers, the built-in views, queues and saved views, with counts.

A flat list model (headers are rows that cannot be selected). :meth:`set_snapshot` takes
a :class:`SidebarSnapshot` read on the database thread; when the same entries come back
only the counts change (``dataChanged``), so the selection and scroll position stay.
UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from sync.services.ticket_lists import BUILTIN_VIEWS, SidebarSnapshot

__all__ = ["KB_KEY", "REPORTS_KEY", "SidebarEntry", "SidebarModel", "SidebarRole"]

KB_KEY = "kb"
REPORTS_KEY = "reports"
_Index = QModelIndex | QPersistentModelIndex


class SidebarRole:
    KEY = Qt.ItemDataRole.UserRole + 1
    COUNT = Qt.ItemDataRole.UserRole + 2  # int, or None (no count / saved search broken)
    KIND = Qt.ItemDataRole.UserRole + 3  # "header", "view", "hint"


@dataclass(frozen=True)
class SidebarEntry:
    kind: str
    key: str
    label: str
    count: int | None = None
    tooltip: str = ""


class SidebarModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[SidebarEntry] = self._entries_for(None)

    def entries(self) -> list[SidebarEntry]:
        return list(self._entries)

    def row_of(self, key: str) -> int | None:
        return next((i for i, e in enumerate(self._entries) if e.kind == "view" and e.key == key), None)

    def label_of(self, key: str) -> str | None:
        row = self.row_of(key)
        return self._entries[row].label if row is not None else None

    def set_snapshot(self, snapshot: SidebarSnapshot) -> None:
        new = self._entries_for(snapshot)
        if [(e.kind, e.key, e.label) for e in new] == [(e.kind, e.key, e.label) for e in self._entries]:
            changed = [i for i, (a, b) in enumerate(zip(self._entries, new, strict=True)) if a != b]
            self._entries = new
            if changed:
                self.dataChanged.emit(self.index(min(changed)), self.index(max(changed)))
        else:
            self.beginResetModel()
            self._entries = new
            self.endResetModel()

    @staticmethod
    def _entries_for(snapshot: SidebarSnapshot | None) -> list[SidebarEntry]:
        counts = snapshot.counts if snapshot else None
        by_key = {
            "mine": counts.mine if counts else None,
            "unassigned": counts.unassigned if counts else None,
            "due_soon": counts.due_soon if counts else None,
            "all_open": counts.all_open if counts else None,
            "recently_closed": counts.recently_closed if counts else None,
        }
        tips = {
            "mine": "Open tickets assigned to you",
            "unassigned": "Open tickets nobody has taken yet",
            "due_soon": "Open tickets due within 4 hours, or already overdue",
            "all_open": "Every open ticket",
            "recently_closed": "Resolved or closed in the last 7 days",
        }
        out = [SidebarEntry("header", "h:views", "Views")]
        out += [SidebarEntry("view", key, label, by_key[key], tips[key]) for key, label in BUILTIN_VIEWS]
        out.append(SidebarEntry("view", KB_KEY, "Knowledge base", None, "Articles: how-tos, known errors"))
        out.append(SidebarEntry("view", REPORTS_KEY, "Reports", None, "Volume, backlog, SLA, people"))
        out.append(SidebarEntry("header", "h:queues", "Queues"))
        if snapshot is not None:
            for q in snapshot.queues:
                count = snapshot.counts.per_queue.get(q.id, 0)
                out.append(SidebarEntry("view", f"queue:{q.id}", q.name, count, q.description))
        out.append(SidebarEntry("header", "h:saved", "Saved views"))
        saved = snapshot.saved if snapshot else ()
        for item in saved:
            tip = (
                item.view.query
                if item.count is not None
                else "This search no longer works; edit or delete it"
            )
            out.append(SidebarEntry("view", f"saved:{item.view.id}", item.view.name, item.count, tip))
        if not saved:
            out.append(SidebarEntry("hint", "hint:saved", "Search, then “Save as view…”"))
        return out

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._entries)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._entries[index.row()].kind == "view":
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == SidebarRole.KEY:
            return entry.key
        if role == SidebarRole.COUNT:
            return entry.count
        if role == SidebarRole.KIND:
            return entry.kind
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return entry.label if entry.count is None else f"{entry.label}, {entry.count}"
        if role == Qt.ItemDataRole.FontRole and entry.kind != "view":
            font = QFont()
            font.setBold(entry.kind == "header")
            font.setItalic(entry.kind == "hint")
            font.setPointSizeF(font.pointSizeF() * 0.9)
            return font
        return None
