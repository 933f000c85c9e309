"""Ticket statuses and the workflow between them.

The same table is used by the replica's services and by the server when it applies a
pushed mutation, so a transition refused offline is refused online too.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "OPEN_STATUSES",
    "PENDING_STATUSES",
    "TicketStatus",
    "allowed_transitions",
    "is_transition_allowed",
]


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PENDING_REQUESTER = "pending_requester"
    PENDING_THIRD_PARTY = "pending_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TicketStatus.NEW: "New",
    TicketStatus.OPEN: "Open",
    TicketStatus.IN_PROGRESS: "In progress",
    TicketStatus.PENDING_REQUESTER: "Pending on requester",
    TicketStatus.PENDING_THIRD_PARTY: "Pending on parts / third party",
    TicketStatus.RESOLVED: "Resolved",
    TicketStatus.CLOSED: "Closed",
}

#: Statuses in which the SLA clock is paused.
PENDING_STATUSES = frozenset({TicketStatus.PENDING_REQUESTER, TicketStatus.PENDING_THIRD_PARTY})

#: Statuses that count as "open work" (backlog).
OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.OPEN,
        TicketStatus.IN_PROGRESS,
        TicketStatus.PENDING_REQUESTER,
        TicketStatus.PENDING_THIRD_PARTY,
    }
)

_WORKING = {TicketStatus.OPEN, TicketStatus.IN_PROGRESS}
_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.NEW: frozenset(
        {
            TicketStatus.OPEN,
            TicketStatus.IN_PROGRESS,
            TicketStatus.PENDING_REQUESTER,
            TicketStatus.PENDING_THIRD_PARTY,
            TicketStatus.RESOLVED,
        }
    ),
    TicketStatus.OPEN: frozenset(
        {
            TicketStatus.IN_PROGRESS,
            TicketStatus.PENDING_REQUESTER,
            TicketStatus.PENDING_THIRD_PARTY,
            TicketStatus.RESOLVED,
        }
    ),
    TicketStatus.IN_PROGRESS: frozenset(
        {
            TicketStatus.OPEN,
            TicketStatus.PENDING_REQUESTER,
            TicketStatus.PENDING_THIRD_PARTY,
            TicketStatus.RESOLVED,
        }
    ),
    TicketStatus.PENDING_REQUESTER: frozenset(
        {*_WORKING, TicketStatus.PENDING_THIRD_PARTY, TicketStatus.RESOLVED}
    ),
    TicketStatus.PENDING_THIRD_PARTY: frozenset(
        {*_WORKING, TicketStatus.PENDING_REQUESTER, TicketStatus.RESOLVED}
    ),
    # A resolved ticket is either confirmed (closed) or reopened.
    TicketStatus.RESOLVED: frozenset({TicketStatus.CLOSED, TicketStatus.OPEN, TicketStatus.IN_PROGRESS}),
    # Closed is final; new work on the same problem is a new (linked) ticket.
    TicketStatus.CLOSED: frozenset(),
}


def allowed_transitions(current: TicketStatus) -> frozenset[TicketStatus]:
    """Statuses a ticket in ``current`` may move to (never includes ``current`` itself)."""
    return _TRANSITIONS[current]


def is_transition_allowed(current: TicketStatus, target: TicketStatus) -> bool:
    return target in _TRANSITIONS[current]
