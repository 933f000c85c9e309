"""A ticket's checklist as a list model of checkable steps.

The model holds a :class:`~sync.automation.checklists.Checklist` read on the database thread. Ticking a
box (``setData`` with ``CheckStateRole``) shows the new state at once and emits
:attr:`ChecklistModel.tick_requested`; the panel writes it through the service and the next
load (after the change notice) replaces the model's data with what was stored, so a refused
tick goes back. UI thread only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from desktop.record_table_model import local_time_text
from sync.automation.checklists import Checklist, ChecklistItem

__all__ = ["ChecklistModel"]

_Index = QModelIndex | QPersistentModelIndex


class ChecklistModel(QAbstractListModel):
    #: (item id, done) — the person ticked or unticked a step.
    tick_requested = Signal(str, bool)
    ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[ChecklistItem] = []
        self._names: dict[str, str] = {}
        self._editable = True

    def set_checklist(self, checklist: Checklist | None, names: dict[str, str] | None = None) -> None:
        """Show a checklist (None: none). ``names`` maps person ids to names for tooltips."""
        self.beginResetModel()
        self._items = list(checklist.items) if checklist is not None else []
        self._names = dict(names or {})
        self.endResetModel()

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))

    def item(self, row: int) -> ChecklistItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self._items)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and item.done:
            who = self._names.get(item.done_by or "", "someone")
            return f"Done by {who}, {local_time_text(item.done_at)}" if item.done_at else f"Done by {who}"
        if role == self.ITEM_ID_ROLE:
            return item.id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item(index.row()) if index.isValid() else None
        if item is None or role != Qt.ItemDataRole.CheckStateRole or not self._editable:
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked
        if done == item.done:
            return True
        self._items[index.row()] = replace(item, done=done)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.tick_requested.emit(item.id, done)
        return True
