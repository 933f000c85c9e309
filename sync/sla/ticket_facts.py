"""The facts a ticket's SLA clocks are computed from, and building them from rows (pure).

:class:`TicketSlaFacts` is what :func:`sync.sla.compute_sla_status` needs about one
ticket; :func:`facts_from_rows` builds it from plain rows (the ticket's columns and its
status/priority changes in the order applied), so every reader of tickets — the replica's
services (``sync.services.sla_facts`` reads the rows), the demo generator, the reports on
the replica and on the server — assembles the same facts by the same rules:

* the status and priority at creation are the ``old_value`` of the first such change, or
  the current value when the field never changed;
* a log that does not end in the ticket's current status or priority (history pulled only
  in part) gets that change appended at the ticket's ``updated_at``, so the clock never
  runs on a status the ticket no longer has;
* unknown values in old rows (a status from a newer Outpost) are skipped, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sync.domain.priority import Priority
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import TicketType
from sync.sla.clock import compute_sla_status
from sync.sla.selection import SlaConfig, SlaSubject
from sync.sla.status import SlaStatus

__all__ = [
    "FactParts",
    "TicketSlaFacts",
    "compute_ticket_sla",
    "fact_parts",
    "facts_from_rows",
    "parse_stored_time",
]

_STATUSES = {status.value: status for status in TicketStatus}
_PRIORITIES = {str(int(priority)): priority for priority in Priority}
_TYPES = {kind.value: kind for kind in TicketType}
_Time = TypeVar("_Time")


@dataclass(frozen=True, slots=True)
class TicketSlaFacts:
    ticket_id: str
    created_at: datetime
    priority: Priority  # at creation
    initial_status: TicketStatus
    status_changes: tuple[tuple[datetime, TicketStatus], ...]
    priority_changes: tuple[tuple[datetime, Priority], ...]
    first_response_at: datetime | None
    subject: SlaSubject
    stored_due_at: str | None  # the columns as stored, to skip unchanged rows
    stored_state: str


def parse_stored_time(text: str | None) -> datetime | None:
    """A timestamp as the replica stores it (naive UTC text) as an aware UTC datetime."""
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def compute_ticket_sla(facts: TicketSlaFacts, config: SlaConfig, now: datetime) -> SlaStatus:
    """The ticket's SLA status at ``now`` under ``config`` (pure)."""
    return compute_sla_status(
        created_at=facts.created_at,
        priority=facts.priority,
        status_changes=facts.status_changes,
        first_response_at=facts.first_response_at,
        policy=config.select_policy(facts.subject),
        calendars=config.calendars,
        now=now,
        priority_changes=facts.priority_changes,
        initial_status=facts.initial_status,
    )


def facts_from_rows(
    tickets: Sequence[Any],
    changes: Sequence[Any],
    *,
    parse: Callable[[Any], datetime] = datetime.fromisoformat,
) -> list[TicketSlaFacts]:
    """Facts from raw rows, in the order of ``tickets``: ticket rows as :data:`_TICKET_COLUMNS`
    selects them, ``changes`` as ``(ticket id, field, old, new, at with offset)`` in the order
    applied. Also used by the demo generator on rows it has not written yet.

    ``parse`` turns each time value of the rows into an aware datetime: ISO text with an
    offset by default; a reader that already holds aware datetimes passes one that returns
    them as they are (no text round trip)."""
    parts = fact_parts(tickets, changes, parse)
    return [
        TicketSlaFacts(
            ticket_id=row[0],
            created_at=created,
            priority=priority,
            initial_status=initial_status,
            status_changes=tuple(statuses),
            priority_changes=tuple(priorities),
            first_response_at=first_response,
            subject=subject,
            stored_due_at=row[9],
            stored_state=row[10],
        )
        for row, created, priority, initial_status, statuses, priorities, first_response, subject in parts
    ]


#: One ticket's facts as :func:`fact_parts` yields them: (its row, created, priority at
#: creation, status at creation, status changes, priority changes, first response, subject).
FactParts = tuple[
    Any,
    _Time,
    Priority,
    TicketStatus,
    list[tuple[_Time, TicketStatus]],
    list[tuple[_Time, Priority]],
    _Time | None,
    SlaSubject,
]


def fact_parts(
    tickets: Sequence[Any], changes: Sequence[Any], parse: Callable[[Any], _Time]
) -> Iterator[FactParts[_Time]]:
    """The facts of each ticket row (in order) by the rules of the module docstring, with
    every time as ``parse`` makes it: the one builder behind :func:`facts_from_rows` and the
    bulk recompute (which parses straight to POSIX seconds and builds no objects). Rows are
    as for :func:`facts_from_rows`; a ticket row may carry more columns after those."""
    by_ticket: dict[str, list[Any]] = {}
    for row in changes:
        found = by_ticket.get(row[0])
        if found is None:
            by_ticket[row[0]] = [row]
        else:
            found.append(row)
    subjects: dict[tuple[Any, ...], SlaSubject] = {}
    for row in tickets:
        tid = row[0]
        created = row[1]
        priority = row[2]
        status = row[3]
        first_response = row[7]
        statuses: list[tuple[_Time, TicketStatus]] = []
        priorities: list[tuple[_Time, Priority]] = []
        first_status: TicketStatus | None = None
        first_priority: Priority | None = None
        for _tid, field, old, new, at in by_ticket.get(tid, ()):
            if field == "status":
                if not statuses:
                    first_status = _STATUSES.get(old)
                target = _STATUSES.get(new)
                if target is not None:
                    statuses.append((parse(at), target))
            else:
                if not priorities:
                    first_priority = _PRIORITIES.get(old)
                value = _PRIORITIES.get(new)
                if value is not None:
                    priorities.append((parse(at), value))
        current_status = _STATUSES.get(status, TicketStatus.OPEN)
        current_priority = _PRIORITIES.get(str(priority), Priority.LOW)
        # A ticket whose log is incomplete (e.g. pulled without its full history) still ends
        # in its current status and priority: the missing change counts from its last update.
        if statuses and statuses[-1][1] is not current_status:
            statuses.append((parse(row[11]), current_status))
        if priorities and priorities[-1][1] is not current_priority:
            priorities.append((parse(row[11]), current_priority))
        key = (row[4], row[5], row[6], row[8])
        subject = subjects.get(key)
        if subject is None:
            queue_id, category, kind, group = key
            subject = subjects[key] = SlaSubject(
                queue=queue_id,
                category=category or None,
                ticket_type=_TYPES.get(kind),
                requester_groups=frozenset({group}) if group else frozenset(),
            )
        yield (
            row,
            parse(created),
            first_priority or current_priority,
            first_status or (current_status if not statuses else TicketStatus.NEW),
            statuses,
            priorities,
            None if first_response is None else parse(first_response),
            subject,
        )
