"""Ctrl+K: one box to jump to a ticket, switch view, or run an action.

The palette filters its fixed entries (actions, views) as you type, and looks tickets up
on the database thread (by number — ``123``, ``#123``, ``L17`` — or subject words) after
a short pause; at most one lookup runs at a time and only the newest text's result is
shown. Choosing an entry emits ``action_chosen``/``view_chosen``/``ticket_chosen`` and
closes the palette; the main window does the rest. UI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

from desktop.app_context import AppContext
from desktop.assets.palette_places import palette_places
from desktop.palette_entry import PaletteEntry
from desktop.ticket_table.columns import status_text
from sync.services.asset_reader import AssetReader
from sync.services.ticket_queries import TicketFilter, TicketSort
from sync.services.ticket_views import TicketRow

__all__ = ["CommandPalette", "PaletteEntry", "PaletteModel"]

_Index = QModelIndex | QPersistentModelIndex
_TICKET_LIMIT = 8
_KIND_LABEL = {"ticket": "Ticket", "view": "View", "action": "Action"}


class PaletteModel(QAbstractListModel):
    KEY_ROLE = Qt.ItemDataRole.UserRole + 1
    KIND_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[PaletteEntry] = []

    def set_entries(self, entries: list[PaletteEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> PaletteEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            detail = f"  —  {entry.detail}" if entry.detail else ""
            return f"{_KIND_LABEL.get(entry.kind, '')}: {entry.title}{detail}"
        if role == self.KEY_ROLE:
            return entry.key
        if role == self.KIND_ROLE:
            return entry.kind
        return None


def _matches(entry: PaletteEntry, words: list[str]) -> bool:
    haystack = f"{entry.title} {entry.detail} {entry.kind}".lower()
    return all(w in haystack for w in words)


class CommandPalette(QDialog):
    action_chosen = Signal(str)
    view_chosen = Signal(str)
    ticket_chosen = Signal(str)
    results_updated = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Go to…")
        self.setModal(True)
        self._ctx = ctx
        self._fixed: list[PaletteEntry] = []
        self._tickets: list[PaletteEntry] = []
        self._lookup_text: str | None = None  # text of the lookup in flight
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(
            "Ticket number or words, a view, or an action (New ticket, Toggle theme…)"
        )
        self.edit.setAccessibleName("Command")
        self.model = PaletteModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(self._activate_index)
        self.list.clicked.connect(self._activate_index)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.resize(640, 380)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self._lookup)
        self.edit.textChanged.connect(self._typed)
        self.edit.installEventFilter(self)

    def set_fixed_entries(self, entries: list[PaletteEntry]) -> None:
        """The actions and views to offer (the main window rebuilds them when views change)."""
        self._fixed = list(entries)
        self._rebuild()

    def popup(self) -> None:
        self.edit.clear()
        self._tickets = []
        self._rebuild()
        self.open()
        self.edit.setFocus()

    def activate_row(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            return
        self.accept()
        {"ticket": self.ticket_chosen, "view": self.view_chosen}.get(entry.kind, self.action_chosen).emit(
            entry.key
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.list.currentIndex().row() + step, 0), self.model.rowCount() - 1)
                self.list.setCurrentIndex(self.model.index(row))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._timer.stop()
                self.activate_row(max(self.list.currentIndex().row(), 0))
                return True
        return super().eventFilter(watched, event)

    def _typed(self, _text: str) -> None:
        self._rebuild()
        self._timer.start()

    def _rebuild(self) -> None:
        words = self.edit.text().lower().split()
        fixed = [e for e in self._fixed if _matches(e, words)]
        self.model.set_entries(self._tickets + fixed if words else fixed)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
        self.results_updated.emit()

    def _lookup(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._tickets = []
            self._rebuild()
            return
        if self._lookup_text is not None:  # one at a time; the newest text runs when it lands
            return
        self._lookup_text = text
        queries = self._ctx.queries

        def find() -> list[TicketRow]:
            return queries.rows(TicketFilter(text=text), TicketSort("updated", True), 0, _TICKET_LIMIT)

        places = AssetReader(self._ctx.replica)

        def find_all() -> tuple[list[TicketRow], list[PaletteEntry]]:
            return find(), palette_places(places, text)

        self._ctx.read(find_all, lambda found: self._found(text, *found), lambda _e: self._found(text, []))

    def _found(self, text: str, rows: list[TicketRow], places: list[PaletteEntry] | None = None) -> None:
        self._lookup_text = None
        if text != self.edit.text().strip():
            self._lookup()
            return
        self._tickets = [
            PaletteEntry(
                "ticket", r.id, f"{r.display_number} {r.subject}", f"{r.queue} · {status_text(r.status)}"
            )
            for r in rows
        ] + (places or [])
        self._rebuild()

    def _activate_index(self, index: QModelIndex) -> None:
        self.activate_row(index.row())
