"""The ticket table's columns: title, the service sort key behind each, width, cell text and tips.

Pure functions of a :class:`TicketRow` and "now" (no Qt widgets), so they are cheap to
call from ``data()`` for every visible cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from sync.domain.priority import Priority
from sync.domain.ticket_status import OPEN_STATUSES, TicketStatus
from sync.services.ticket_views import TicketRow

__all__ = [
    "COLUMNS",
    "VISUAL_ORDER",
    "Col",
    "ColumnSpec",
    "cell_text",
    "cell_tooltip",
    "csat_text",
    "due_text",
    "is_overdue",
    "priority_text",
    "status_text",
    "when_text",
    "widest_texts",
]


class Col(IntEnum):
    NUMBER = 0
    SUBJECT = 1
    REQUESTER = 2
    STATUS = 3
    PRIORITY = 4
    ASSIGNEE = 5
    QUEUE = 6
    UPDATED = 7
    DUE = 8
    CSAT = 9


@dataclass(frozen=True)
class ColumnSpec:
    title: str
    sort_key: str  # a key of sync.services.ticket_queries.SORT_KEYS
    width: int  # default width in pixels; at least as wide as widest_texts(col) at the table's font
    first_sort_descending: bool  # newest / most urgent first on the first click


COLUMNS: dict[Col, ColumnSpec] = {
    Col.NUMBER: ColumnSpec("Number", "number", 74, True),
    Col.SUBJECT: ColumnSpec("Subject", "subject", 240, False),
    Col.REQUESTER: ColumnSpec("Requester", "requester", 130, False),
    Col.STATUS: ColumnSpec("Status", "status", 104, False),
    Col.PRIORITY: ColumnSpec("Priority", "priority", 92, False),
    Col.ASSIGNEE: ColumnSpec("Assignee", "assignee", 124, False),
    Col.QUEUE: ColumnSpec("Queue", "queue", 90, False),
    Col.UPDATED: ColumnSpec("Updated", "updated", 70, True),
    Col.DUE: ColumnSpec("Due", "due", 100, False),
    Col.CSAT: ColumnSpec("CSAT", "csat", 96, True),
}

#: Left-to-right order on screen (triage first: what, how urgent, state, deadline); the
#: model's column numbers stay as in :class:`Col`. Users can drag columns; that is saved.
VISUAL_ORDER: tuple[Col, ...] = (
    Col.NUMBER,
    Col.PRIORITY,
    Col.SUBJECT,
    Col.STATUS,
    Col.DUE,
    Col.ASSIGNEE,
    Col.REQUESTER,
    Col.QUEUE,
    Col.UPDATED,
    Col.CSAT,
)

_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_SHORT_STATUS = {
    TicketStatus.PENDING_REQUESTER.value: "Pending (requester)",
    TicketStatus.PENDING_THIRD_PARTY.value: "Pending (3rd party)",
}


def status_text(status: str) -> str:
    if status in _SHORT_STATUS:
        return _SHORT_STATUS[status]
    try:
        return TicketStatus(status).label
    except ValueError:
        return status


def priority_text(priority: int) -> str:
    try:
        return Priority(priority).label
    except ValueError:
        return f"P{priority}"


def is_overdue(row: TicketRow, now: datetime) -> bool:
    return row.due_at is not None and row.status in _OPEN and row.due_at < now


def when_text(moment: datetime, now: datetime) -> str:
    """Short local time: ``14:05`` today, ``Mar 2`` this year, ``2025-03-02`` before."""
    local, local_now = moment.astimezone(), now.astimezone()
    if local.date() == local_now.date():
        return local.strftime("%H:%M")
    if local.year == local_now.year:
        return f"{local:%b} {local.day}"
    return local.strftime("%Y-%m-%d")


def due_text(row: TicketRow, now: datetime) -> str:
    """When an open ticket is due, relative while close: ``in 3 h``, ``2 d overdue``."""
    if row.due_at is None or row.status not in _OPEN:
        return ""
    delta = row.due_at - now
    if abs(delta) < timedelta(days=2):
        minutes = int(abs(delta).total_seconds() // 60)
        span = f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"
        return f"{span} overdue" if delta < timedelta(0) else f"in {span}"
    if delta < timedelta(0):
        return f"{abs(delta).days} d overdue"
    return when_text(row.due_at, now)


def cell_text(row: TicketRow, col: Col, now: datetime) -> str:
    match col:
        case Col.NUMBER:
            return row.display_number
        case Col.SUBJECT:
            return row.subject
        case Col.REQUESTER:
            return row.requester
        case Col.STATUS:
            return status_text(row.status)
        case Col.PRIORITY:
            return priority_text(row.priority)
        case Col.ASSIGNEE:
            return row.assignee or "—"
        case Col.QUEUE:
            return row.queue
        case Col.UPDATED:
            return when_text(row.updated_at, now)
        case Col.DUE:
            return due_text(row, now)
        case Col.CSAT:
            return csat_text(row.csat)


def csat_text(score: int | None) -> str:
    """A rating as stars and its number (``★★☆☆☆ 2``); "" when the requester has not rated."""
    if score is None:
        return ""
    return "★" * score + "☆" * (5 - score) + f" {score}"


def cell_tooltip(row: TicketRow, col: Col, *, pending: bool) -> str | None:
    if col == Col.NUMBER:
        parts = []
        if row.number is None:
            parts.append(f"{row.display_number} is a provisional number; the server gives the final #number.")
        if pending:
            parts.append("This ticket has changes that are not synced yet.")
        return "\n".join(parts) or None
    if col == Col.SUBJECT:
        return row.subject
    if col == Col.UPDATED:
        return row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if col == Col.DUE and row.due_at is not None:
        return "Due " + row.due_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if col == Col.CSAT:
        return "Not rated" if row.csat is None else f"The requester rated this {row.csat} of 5"
    return None


def widest_texts(col: Col) -> tuple[str, ...]:
    """The widest texts a column with a fixed vocabulary can show (its default width must
    fit them, see :meth:`TicketTable.fitted_width`); () for free-text columns (subject,
    requester, assignee, queue), which elide and have a tooltip or a fixed list."""
    match col:
        case Col.NUMBER:
            return ("#99999", "L9999")
        case Col.PRIORITY:
            return tuple(priority_text(p) for p in Priority)
        case Col.STATUS:
            return tuple(status_text(s.value) for s in TicketStatus)
        case Col.DUE:  # relative within two days, then a date; "59 min overdue" is the widest
            relative = ("59 min overdue", "in 59 min", "47 h overdue", "in 47 h", "999 d overdue")
            return (*relative, "Sep 30", "2030-12-31")
        case Col.UPDATED:
            return ("23:59", "Sep 30", "2030-12-31")
        case Col.CSAT:
            return tuple(csat_text(score) for score in range(1, 6))
    return ()
