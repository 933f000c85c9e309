"""Recording the server's decision on each pushed mutation, in one transaction per answer.

For every :class:`~sync.protocol.MutationOutcome` the journal row gets its final state and
the outcome itself (``result``), and then:

- ``applied`` / ``conflict``: the server's ticket number is adopted (the provisional
  number stays as ``local_number``) and the record versions it reports are raised to;
- ``conflict``: a :class:`~sync.replica.sync_models.SyncConflict` is stored for a person
  to decide, and fields the server kept are set back to the server's value;
- ``applied`` with overwritten values: a notice (your value replaced a colleague's);
- ``rejected``: a ``SyncConflict`` of kind ``rejected`` keeps the reason and the whole
  payload (never silently dropped), and the local change is undone
  (:mod:`sync.engine.local_revert`).

Refused and conflicting mutations also drop the provisional side rows of the records they
touched (activity lines, a merge's notes), which the server may never send again.

Re-recording the same outcome (a replay after a lost answer, or a re-send after the
server was restored) is harmless: the state is set again and an existing conflict entry
is left as it is — a person may already have resolved it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sync import protocol
from sync.engine.errors import SyncProtocolError
from sync.engine.local_revert import revert_kept_server, revert_rejected
from sync.engine.rebase import PendingMutation, load_pending, sweep_provisional
from sync.engine.replica_conn import transaction
from sync.engine.ticket_removal import ticket_label
from sync.engine.wire_rows import TABLE_FOR
from sync.ids import new_id
from sync.protocol.ops import Op

__all__ = ["JournalRow", "OutcomeCounts", "record_outcomes"]

_VERSIONED = frozenset(t for t in TABLE_FOR.values() if t not in ("queue_members", "article_revisions"))


@dataclass(frozen=True)
class JournalRow:
    seq: int
    id: str
    op: str
    entity_type: str
    entity_id: str
    payload: dict[str, Any]
    device_time: str  # as stored: naive UTC text
    actor_id: str | None
    state: str


@dataclass
class OutcomeCounts:
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0

    def add(self, other: OutcomeCounts) -> None:
        self.applied += other.applied
        self.conflicts += other.conflicts
        self.rejected += other.rejected


def record_outcomes(
    conn: sqlite3.Connection,
    rows: dict[int, JournalRow],
    response: protocol.PushResponse,
    seq_base: int,
    now: str,
) -> OutcomeCounts:
    """Store ``response``'s outcomes for the pushed ``rows`` (keyed by local seq)."""
    counts = OutcomeCounts()
    with transaction(conn):
        settled: set[str] = set()
        for outcome in response.outcomes:
            row = rows.get(outcome.seq + seq_base)
            if row is None:
                continue  # a replay of something not in this batch: nothing to learn
            if row.id != outcome.id:
                raise SyncProtocolError(
                    f"The server answered mutation {outcome.seq} with another mutation's id; "
                    "this replica's journal and the server disagree. Nothing was changed."
                )
            _record(conn, row, outcome, now)
            if outcome.status == "applied":
                counts.applied += 1
            else:
                counts.conflicts += outcome.status == "conflict"
                counts.rejected += outcome.status == "rejected"
                settled |= _refs(row)
        _sweep_settled(conn, settled)
    return counts


def _refs(row: JournalRow) -> set[str]:
    return PendingMutation(row.seq, row.op, row.entity_id, row.payload, row.device_time).refs


def _sweep_settled(conn: sqlite3.Connection, settled: set[str]) -> None:
    """Drop provisional side rows the server will not replace (see :mod:`sync.engine.rebase`).

    After a refusal, or a conflict the server resolved its way, the server may not send the
    record again, so nothing else would remove the side rows (activity lines, a merge's
    notes) the local change made. Records other pending mutations still refer to keep them.
    """
    if not settled:
        return
    busy: set[str] = set()
    for m in load_pending(conn):
        busy |= m.refs
    marks = ", ".join("?" * len(settled))
    tickets = {r[0] for r in conn.execute(f"SELECT id FROM tickets WHERE id IN ({marks})", sorted(settled))}
    sweep_provisional(conn, tickets - busy, settled - tickets - busy)


def _record(conn: sqlite3.Connection, row: JournalRow, o: protocol.MutationOutcome, now: str) -> None:
    conn.execute(
        "UPDATE journal SET state = ?, result = ?, attempts = attempts + 1 WHERE seq = ?",
        (o.status, json.dumps(o.model_dump(mode="json"), sort_keys=True, separators=(",", ":")), row.seq),
    )
    if o.status == "rejected":
        label = _label(conn, row)
        _store_conflict(conn, row, o, "rejected", label, now)
        revert_rejected(conn, row.op, row.entity_id, row.payload)
        return
    if o.ticket_number is not None and row.op == Op.TICKET_CREATE:
        conn.execute(
            "UPDATE tickets SET number = NULL, local_number = -1000000000 - rowid "
            "WHERE number = ? AND id != ?",
            (o.ticket_number, row.entity_id),
        )
        conn.execute("UPDATE tickets SET number = ? WHERE id = ?", (o.ticket_number, row.entity_id))
    for v in o.versions:
        table = TABLE_FOR.get(v.entity_type)
        if table in _VERSIONED:
            conn.execute(f"UPDATE {table} SET version = max(version, ?) WHERE id = ?", (v.version, v.id))
    if o.status == "conflict":
        _store_conflict(conn, row, o, "conflict", _label(conn, row), now)
        revert_kept_server(conn, row.op, row.entity_id, row.payload, o.conflicts)
    elif o.conflicts:
        fields = ", ".join(c.field for c in o.conflicts)
        conn.execute(
            "INSERT INTO sync_notices "
            "(id, kind, entity_type, entity_id, label, message, pending_count, created_at) "
            "VALUES (?, 'overwrote', ?, ?, ?, ?, 0, ?)",
            (
                new_id(),
                row.entity_type,
                row.entity_id,
                _label(conn, row),
                f"Your change to {fields} replaced a colleague's newer value; "
                "theirs is kept in the activity log.",
                now,
            ),
        )


def _store_conflict(
    conn: sqlite3.Connection, row: JournalRow, o: protocol.MutationOutcome, kind: str, label: str, now: str
) -> None:
    fields = {"conflicts": [c.model_dump(mode="json") for c in o.conflicts]}
    conn.execute(
        "INSERT INTO sync_conflicts (id, mutation_id, mutation_seq, kind, op, entity_type, entity_id, label, "
        "reason_kind, reason, fields, payload, device_time, created_at, resolution) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '') ON CONFLICT(mutation_id) DO NOTHING",
        (
            new_id(),
            row.id,
            row.seq,
            kind,
            row.op,
            row.entity_type,
            row.entity_id,
            label,
            o.kind or "",
            o.reason,
            json.dumps(fields, sort_keys=True),
            json.dumps(row.payload, sort_keys=True),
            row.device_time,
            now,
        ),
    )


def _label(conn: sqlite3.Connection, row: JournalRow) -> str:
    if row.entity_type == "ticket":
        if conn.execute("SELECT 1 FROM tickets WHERE id = ?", (row.entity_id,)).fetchone():
            return ticket_label(conn, row.entity_id)
        subject = row.payload.get("ticket", {}).get("subject")
        return f"ticket {subject!r}" if subject else f"ticket {row.entity_id[:8]}"
    if row.entity_type == "article":
        found = conn.execute("SELECT title FROM articles WHERE id = ?", (row.entity_id,)).fetchone()
        title = found[0] if found else row.payload.get("article", {}).get("title", row.entity_id[:8])
        return f"article {title!r}"
    for key in ("queue", "person"):
        if key in row.payload:
            return f"{key} {row.payload[key].get('name', '')!r}"
    return f"{row.entity_type} {row.entity_id[:8]}"
