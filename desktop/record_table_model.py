"""A read-only table model over a list of plain records (the services' frozen view dataclasses).

The ticket pane's activity, work log, attachment and link lists and the knowledge base's
article and revision lists are all "rows of immutable records, a few text columns", so
they share this one model and differ only in their :class:`Column` specs. The model never
queries anything: its owner loads records on the database thread and hands them over
with :meth:`RecordTableModel.set_records` on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

__all__ = ["RECORD_ROLE", "Column", "RecordTableModel", "local_time_text"]

#: ``index.data(RECORD_ROLE)`` is the whole record of that row.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def local_time_text(when: datetime | None) -> str:
    """An aware datetime as this computer's local wall time, to the minute ("" for None)."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when is not None else ""


@dataclass(frozen=True)
class Column:
    """One column: its header and how to show a record in it."""

    title: str
    text: Callable[[Any], str]
    tooltip: Callable[[Any], str] | None = None
    align_right: bool = False


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._records: list[Any] = []

    def set_records(self, records: Sequence[Any]) -> None:
        """Replace every row (a reset: these lists are short and change as a whole)."""
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[Any]:
        return list(self._records)

    def record(self, row: int) -> Any:
        return self._records[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(record) if column.tooltip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RECORD_ROLE:
            return record
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None
