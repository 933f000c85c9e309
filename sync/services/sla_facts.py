"""The facts a ticket's SLA clocks are computed from, read from the replica in bulk.

Per ticket (see :func:`sync.sla.compute_sla_status` for how they are used):

* ``created_at`` and ``first_response_at`` (the device time of the first public reply by
  an agent) from the ticket row;
* the **status** and **priority** changes from the activity log, with the device time of
  each action (``activity.at``), in the order they were applied on this replica (rowid
  order, which is also the order the clock expects for skewed device clocks);
* the status and priority at creation: the ``old_value`` of the first such change, or the
  current value when the field never changed;
* the policy-selection subject: queue id, category, type and the requester's group.

A log that does not end in the ticket's current status or priority (history pulled only in
part) gets that change appended at the ticket's ``updated_at``, so the clock never runs
on a status the ticket no longer has.

Reads use the DBAPI cursor of the caller's connection (a session's ``connection()``, a bulk
transaction, or the sync engine's plain ``sqlite3`` connection), so a page of 5,000
tickets costs two queries and no ORM objects. Unknown
values in old activity rows (a status from a newer Outpost) are skipped, never fatal.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from sync.domain.priority import Priority
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import TicketType
from sync.sla import SlaConfig, SlaStatus, SlaSubject, compute_sla_status

__all__ = [
    "TicketSlaFacts",
    "compute_ticket_sla",
    "facts_from_rows",
    "load_facts",
    "load_facts_page",
    "parse_stored_time",
]

# Timestamps get their UTC offset in SQL, so fromisoformat returns aware datetimes directly.
_TICKET_COLUMNS = (
    "t.id, t.created_at || '+00:00', t.priority, t.status, t.queue_id, t.category, t.type, "
    "t.first_response_at || '+00:00', p.group_name, t.due_at, t.sla_state, t.updated_at || '+00:00'"
)
_TICKET_SQL = f"SELECT {_TICKET_COLUMNS} FROM tickets t LEFT JOIN people p ON p.id = t.requester_id"
_ACTIVITY_SQL = (
    "SELECT entity_id, field, old_value, new_value, at || '+00:00' FROM activity "
    "WHERE entity_type = 'ticket' AND field IN ('status', 'priority') AND "
)
_STATUSES = {status.value: status for status in TicketStatus}
_PRIORITIES = {str(int(priority)): priority for priority in Priority}
_TYPES = {kind.value: kind for kind in TicketType}


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


def load_facts(conn: Connection | sqlite3.Connection, ticket_ids: Sequence[str]) -> dict[str, TicketSlaFacts]:
    """Facts of the given tickets (unknown ids are left out). Flush the session first."""
    if not ticket_ids:
        return {}
    marks = ", ".join("?" * len(ticket_ids))
    ids = tuple(ticket_ids)
    cursor = _cursor(conn)
    try:
        tickets = cursor.execute(f"{_TICKET_SQL} WHERE t.id IN ({marks})", ids).fetchall()
        changes = cursor.execute(f"{_ACTIVITY_SQL} entity_id IN ({marks}) ORDER BY rowid", ids).fetchall()
    finally:
        cursor.close()
    return {facts.ticket_id: facts for facts in facts_from_rows(tickets, changes)}


def load_facts_page(conn: Connection | sqlite3.Connection, after_id: str, limit: int) -> list[TicketSlaFacts]:
    """Facts of up to ``limit`` tickets with ids after ``after_id``, in id order (a resumable
    scan: pass the last id of one page to get the next)."""
    cursor = _cursor(conn)
    try:
        tickets = cursor.execute(
            f"{_TICKET_SQL} WHERE t.id > ? ORDER BY t.id LIMIT ?", (after_id, limit)
        ).fetchall()
        if not tickets:
            return []
        changes = cursor.execute(
            f"{_ACTIVITY_SQL} entity_id > ? AND entity_id <= ? ORDER BY rowid", (after_id, tickets[-1][0])
        ).fetchall()
    finally:
        cursor.close()
    return facts_from_rows(tickets, changes)


def _cursor(conn: Connection | sqlite3.Connection) -> Any:
    """A DBAPI cursor in the caller's transaction (SQLAlchemy connection or plain sqlite3)."""
    return conn.cursor() if isinstance(conn, sqlite3.Connection) else conn.connection.cursor()


def facts_from_rows(tickets: Sequence[Any], changes: Sequence[Any]) -> list[TicketSlaFacts]:
    """Facts from raw rows, in the order of ``tickets``: ticket rows as :data:`_TICKET_COLUMNS`
    selects them, ``changes`` as ``(ticket id, field, old, new, at with offset)`` in the order
    applied. Also used by the demo generator on rows it has not written yet."""
    parse = datetime.fromisoformat
    by_ticket: dict[str, list[Any]] = {}
    for row in changes:
        found = by_ticket.get(row[0])
        if found is None:
            by_ticket[row[0]] = [row]
        else:
            found.append(row)
    subjects: dict[tuple[Any, ...], SlaSubject] = {}
    out = []
    for row in tickets:
        (
            tid,
            created,
            priority,
            status,
            queue_id,
            category,
            kind,
            first_response,
            group,
            due,
            state,
            updated,
        ) = row
        statuses: list[tuple[datetime, TicketStatus]] = []
        priorities: list[tuple[datetime, Priority]] = []
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
            statuses.append((parse(updated), current_status))
        if priorities and priorities[-1][1] is not current_priority:
            priorities.append((parse(updated), current_priority))
        key = (queue_id, category, kind, group)
        subject = subjects.get(key)
        if subject is None:
            subject = subjects[key] = SlaSubject(
                queue=queue_id,
                category=category or None,
                ticket_type=_TYPES.get(kind),
                requester_groups=frozenset({group}) if group else frozenset(),
            )
        out.append(
            TicketSlaFacts(
                ticket_id=tid,
                created_at=parse(created),
                priority=first_priority or current_priority,
                initial_status=first_status or (current_status if not statuses else TicketStatus.NEW),
                status_changes=tuple(statuses),
                priority_changes=tuple(priorities),
                first_response_at=None if first_response is None else parse(first_response),
                subject=subject,
                stored_due_at=due,
                stored_state=state,
            )
        )
    return out
