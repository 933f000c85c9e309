"""Macros as a list model: shared and my personal ones, by name, for the menu and the manager.

Plain data in (``list[Macro]`` read on the database thread), nothing queried here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sync.automation.macros import Macro

__all__ = ["MacroListModel", "macro_summary"]

_Index = QModelIndex | QPersistentModelIndex


def macro_summary(macro: Macro) -> str:
    """What a macro does, in one line (for tooltips)."""
    parts = []
    if macro.body.strip():
        parts.append("writes an internal note" if macro.kind.value == "note" else "writes a reply")
    for name, value in macro.changes.items():
        shown = "me" if name == "assignee_id" and value == "me" else value
        parts.append(f"sets {name.removesuffix('_id')} to {shown}")
    if macro.add_tags:
        parts.append("adds tags " + ", ".join(macro.add_tags))
    if macro.remove_tags:
        parts.append("removes tags " + ", ".join(macro.remove_tags))
    return "; ".join(parts) or "does nothing"


class MacroListModel(QAbstractListModel):
    MACRO_ROLE = Qt.ItemDataRole.UserRole + 1
    SHARED_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._macros: list[Macro] = []

    def set_macros(self, macros: list[Macro]) -> None:
        self.beginResetModel()
        self._macros = list(macros)
        self.endResetModel()

    def macros(self) -> list[Macro]:
        return list(self._macros)

    def macro(self, row: int) -> Macro | None:
        return self._macros[row] if 0 <= row < len(self._macros) else None

    def row_of(self, macro_id: str) -> int:
        return next((i for i, m in enumerate(self._macros) if m.id == macro_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._macros)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        macro = self.macro(index.row()) if index.isValid() else None
        if macro is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{macro.name}  (shared)" if macro.shared else macro.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return macro_summary(macro)
        if role == self.MACRO_ROLE:
            return macro.id
        if role == self.SHARED_ROLE:
            return macro.shared
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
