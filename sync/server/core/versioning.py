"""Stamping a write transaction with the next commit version, and the change log.

Why versions are in commit order on both engines
    A writer calls :func:`stamp` as the *last* step before commit. It increments the single
    ``server_state`` row (``UPDATE ... RETURNING``), which row-locks it until the commit. A
    concurrent writer blocks on that row and, under READ COMMITTED, re-reads it after the
    first one committed, so it gets the next number. Hence version *v+1* is only handed out
    once version *v* is committed and visible, and a pull that has read up to *v* can never
    later find a newly committed change numbered ≤ *v*. SQLite has one writer at a time, so
    the same code gives the same guarantee. The lock is held for the stamping and the commit
    only: every row lock a transaction needs is taken before (callers lock records first),
    which also means the counter can never be part of a lock cycle.

A transaction touches records through a :class:`Touched` set; ``stamp`` writes one change
log row per record (upserting, so each record appears once, at its newest version) and may
hand out ticket numbers from the same row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync.server.core.change_scope import touched_keys
from sync.server.db.change_board import ORIGIN_INFO, STAMPS_INFO
from sync.server.db.state_models import ChangeLog, ScopeLog, ServerState

__all__ = ["NOTIFY_CHANNEL", "Stamp", "Touched", "stamp"]

#: PostgreSQL channel on which every stamped commit is announced (see change_listener)
NOTIFY_CHANNEL = "outpost_changes"
_NOTIFY_MAX = 7900  # PostgreSQL refuses payloads of 8000 bytes or more


@dataclass
class Touched:
    """Records written by one transaction: ``(entity_type, id) -> scope ticket id``."""

    records: dict[tuple[str, str], str | None] = field(default_factory=dict)
    deleted: set[tuple[str, str]] = field(default_factory=set)
    #: tickets whose scope (queue or assignee) changed: ticket id -> (old queue, old assignee)
    moved: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: tickets that need a number (in the order they were created)
    numbering: list[str] = field(default_factory=list)

    def add(self, entity_type: str, entity_id: str, ticket_id: str | None = None) -> None:
        self.records[(entity_type, entity_id)] = ticket_id

    def delete(self, entity_type: str, entity_id: str, ticket_id: str | None = None) -> None:
        self.records[(entity_type, entity_id)] = ticket_id
        self.deleted.add((entity_type, entity_id))

    def move(self, ticket_id: str, old_queue_id: str | None, old_assignee_id: str | None) -> None:
        self.moved.setdefault(ticket_id, (old_queue_id, old_assignee_id))

    def __bool__(self) -> bool:
        return bool(self.records)


@dataclass(frozen=True)
class Stamp:
    version: int
    numbers: dict[str, int]


def stamp(session: Session, touched: Touched) -> Stamp:
    """Take the next version (and ticket numbers) and log every touched record under it.

    Must be the last thing the transaction does before commit (see the module docstring).
    A moved ticket re-logs all its children at the new version, so someone who can now see
    the ticket receives its whole history on their next pull.
    """
    session.flush()  # every row lock (and FK check) before the counter lock, never after
    count = len(touched.numbering)
    row = session.execute(
        update(ServerState)
        .where(ServerState.id == 1)
        .values(
            last_version=ServerState.last_version + 1,
            last_ticket_number=ServerState.last_ticket_number + count,
        )
        .returning(ServerState.last_version, ServerState.last_ticket_number)
    ).one()
    version, last_number = int(row[0]), int(row[1])
    numbers = {tid: last_number - count + i + 1 for i, tid in enumerate(touched.numbering)}
    for ticket_id, (old_queue, old_assignee) in touched.moved.items():
        session.add(
            ScopeLog(
                version=version, ticket_id=ticket_id, old_queue_id=old_queue, old_assignee_id=old_assignee
            )
        )
        session.execute(update(ChangeLog).where(ChangeLog.ticket_id == ticket_id).values(version=version))
    rows = [
        {
            "entity_type": entity_type,
            "entity_id": entity_id,
            "version": version,
            "ticket_id": ticket_id,
            "deleted": (entity_type, entity_id) in touched.deleted,
        }
        for (entity_type, entity_id), ticket_id in touched.records.items()
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 1000):
        stmt = insert(ChangeLog).values(rows[start : start + 1000])
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["entity_type", "entity_id"],
                set_={
                    "version": stmt.excluded.version,
                    "deleted": stmt.excluded.deleted,
                    "ticket_id": stmt.excluded.ticket_id,
                },
            )
        )
    session.flush()
    _announce(session, version, touched_keys(session, touched.records, touched.moved))
    return Stamp(version=version, numbers=numbers)


def _announce(session: Session, version: int, keys: frozenset[str]) -> None:
    """Queue the change for this process's board and, on PostgreSQL, NOTIFY the others:
    ``pg_notify`` inside the transaction is delivered only if (and when) it commits."""
    origin = session.info.get(ORIGIN_INFO)
    session.info.setdefault(STAMPS_INFO, []).append((version, keys, origin))
    if session.get_bind().dialect.name == "postgresql":
        head = f"{version} {origin or '-'}"
        payload = f"{head} {' '.join(sorted(keys))}"
        if len(payload.encode()) > _NOTIFY_MAX:
            payload = f"{head} *"
        session.execute(select(func.pg_notify(NOTIFY_CHANNEL, payload)))
