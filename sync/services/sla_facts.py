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
tickets costs two queries and no ORM objects. The bulk recompute reads pages in the table's
rowid order (:func:`load_scan_rows`): the ticket rows in one range scan of the table, and a
batch's writes land on neighbouring pages rather than all over the file. Unknown
values in old activity rows (a status from a newer Outpost) are skipped, never fatal.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from sync.sla.ticket_facts import TicketSlaFacts, compute_ticket_sla, facts_from_rows, parse_stored_time

__all__ = [
    "TicketSlaFacts",
    "compute_ticket_sla",
    "facts_from_rows",
    "load_facts",
    "load_facts_page",
    "load_scan_rows",
    "parse_stored_time",
]

# Timestamps get their UTC offset in SQL, so fromisoformat returns aware datetimes directly.
_TICKET_COLUMNS = (
    "t.id, t.created_at || '+00:00', t.priority, t.status, t.queue_id, t.category, t.type, "
    "t.first_response_at || '+00:00', p.group_name, t.due_at, t.sla_state, t.updated_at || '+00:00'"
)
_TICKET_SQL = f"SELECT {_TICKET_COLUMNS} FROM tickets t LEFT JOIN people p ON p.id = t.requester_id"
_MIN_ROWID = -(2**63)
_ACTIVITY_SQL = (
    "SELECT entity_id, field, old_value, new_value, at || '+00:00' FROM activity "
    "WHERE entity_type = 'ticket' AND field IN ('status', 'priority') AND "
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


def load_scan_rows(
    conn: Connection | sqlite3.Connection, after_rowid: int | None, limit: int
) -> tuple[list[Any], list[Any]]:
    """The raw rows of up to ``limit`` tickets with rowids after ``after_rowid`` (None: from
    the first), in rowid order, and their status and priority changes in the order applied: the ticket rows as
    :func:`~sync.sla.ticket_facts.facts_from_rows` takes them with the rowid added as a
    last column (pass the last rowid of one page to get the next); ``([], [])`` at the end.
    Two queries: a range scan of the table, and the activity index probed once per ticket."""
    # The first page starts at the smallest rowid SQLite allows (rowids may be negative).
    after, low = (">=", _MIN_ROWID) if after_rowid is None else (">", after_rowid)
    cursor = _cursor(conn)
    try:
        tickets = cursor.execute(
            f"SELECT {_TICKET_COLUMNS}, t.rowid FROM tickets t LEFT JOIN people p ON p.id = t.requester_id "
            f"WHERE t.rowid {after} ? ORDER BY t.rowid LIMIT ?",
            (low, limit),
        ).fetchall()
        if not tickets:
            return [], []
        changes = cursor.execute(
            f"{_ACTIVITY_SQL} entity_id IN (SELECT id FROM tickets WHERE rowid {after} ? AND rowid <= ?) "
            "ORDER BY rowid",
            (low, tickets[-1][-1]),
        ).fetchall()
    finally:
        cursor.close()
    return tickets, changes


def _cursor(conn: Connection | sqlite3.Connection) -> Any:
    """A DBAPI cursor in the caller's transaction (SQLAlchemy connection or plain sqlite3)."""
    return conn.cursor() if isinstance(conn, sqlite3.Connection) else conn.connection.cursor()
