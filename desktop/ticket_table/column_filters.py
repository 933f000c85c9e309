"""Column filters (status, priority, queue, assignee) and the header menu that edits them.

:class:`ColumnFilters` is a plain value: the table model ANDs its :meth:`to_ticket_filter`
with the view and the search. :class:`ColumnFilterMenu` builds a checkable menu for one
column from choices the caller loaded on the database thread (queues, agents); it never
reads the replica itself. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop.ticket_table.columns import Col, priority_text, status_text
from sync.domain.priority import Priority
from sync.domain.ticket_status import TicketStatus
from sync.services.ticket_queries import TicketFilter

__all__ = ["FILTERABLE", "UNASSIGNED", "ColumnFilterMenu", "ColumnFilters"]

#: The assignee choice that means "nobody".
UNASSIGNED = "__unassigned__"
FILTERABLE = frozenset({Col.STATUS, Col.PRIORITY, Col.QUEUE, Col.ASSIGNEE})


@dataclass(frozen=True)
class ColumnFilters:
    statuses: frozenset[str] = frozenset()
    priorities: frozenset[int] = frozenset()
    queue_ids: frozenset[str] = frozenset()
    assignee: str | None = None  # a person id, UNASSIGNED, or None for anyone

    def to_ticket_filter(self) -> TicketFilter:
        return TicketFilter(
            statuses=tuple(sorted(self.statuses)),
            priorities=tuple(sorted(self.priorities)),
            queue_ids=tuple(sorted(self.queue_ids)),
            assignee_id=self.assignee if self.assignee not in (None, UNASSIGNED) else None,
            unassigned=self.assignee == UNASSIGNED,
        )

    def active_columns(self) -> frozenset[Col]:
        active = set()
        if self.statuses:
            active.add(Col.STATUS)
        if self.priorities:
            active.add(Col.PRIORITY)
        if self.queue_ids:
            active.add(Col.QUEUE)
        if self.assignee is not None:
            active.add(Col.ASSIGNEE)
        return frozenset(active)

    def cleared(self, column: Col) -> ColumnFilters:
        return {
            Col.STATUS: replace(self, statuses=frozenset()),
            Col.PRIORITY: replace(self, priorities=frozenset()),
            Col.QUEUE: replace(self, queue_ids=frozenset()),
            Col.ASSIGNEE: replace(self, assignee=None),
        }.get(column, self)

    def toggled(self, column: Col, value: str) -> ColumnFilters:
        """The filters with one menu choice switched on or off."""
        if column == Col.STATUS:
            return replace(self, statuses=self.statuses ^ {value})
        if column == Col.PRIORITY:
            return replace(self, priorities=self.priorities ^ {int(value)})
        if column == Col.QUEUE:
            return replace(self, queue_ids=self.queue_ids ^ {value})
        if column == Col.ASSIGNEE:
            return replace(self, assignee=None if self.assignee == value else value)
        return self

    def is_checked(self, column: Col, value: str) -> bool:
        if column == Col.STATUS:
            return value in self.statuses
        if column == Col.PRIORITY:
            return int(value) in self.priorities
        if column == Col.QUEUE:
            return value in self.queue_ids
        return column == Col.ASSIGNEE and self.assignee == value


class ColumnFilterMenu(QMenu):
    """A menu of checkable choices for one column; calls ``on_change(new_filters)`` per click."""

    def __init__(
        self,
        column: Col,
        filters: ColumnFilters,
        *,
        queues: Sequence[tuple[str, str]],
        agents: Sequence[tuple[str, str]],
        on_change: Callable[[ColumnFilters], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.column = column
        self._on_change = on_change
        self._filters = filters
        for value, label in self._choices(column, queues, agents):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(filters.is_checked(column, value))
            action.setData(value)
            action.triggered.connect(lambda _checked=False, v=value: self._toggle(v))
            self.addAction(action)
        self.addSeparator()
        clear = self.addAction("Show all")
        clear.setEnabled(column in filters.active_columns())
        clear.triggered.connect(lambda: on_change(self._filters.cleared(column)))

    @staticmethod
    def _choices(
        column: Col, queues: Sequence[tuple[str, str]], agents: Sequence[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        if column == Col.STATUS:
            return [(s.value, status_text(s.value)) for s in TicketStatus]
        if column == Col.PRIORITY:
            return [(str(int(p)), priority_text(int(p))) for p in Priority]
        if column == Col.QUEUE:
            return list(queues)
        if column == Col.ASSIGNEE:
            return [(UNASSIGNED, "Unassigned"), *agents]
        return []

    def _toggle(self, value: str) -> None:
        self._filters = self._filters.toggled(self.column, value)
        self._on_change(self._filters)
