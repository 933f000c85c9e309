"""Keeping the person's unsynced work visible on top of what the server sent.

After a pulled page overwrites a ticket or an article with the server's copy, the
changes still waiting in the journal are played again on top of it (a rebase), in
journal order, so the person never sees their own pending edit vanish:

- ``ticket.update``: its ``changes`` are set again; tags are merged the way the server
  will merge them (``server − (base − yours) ∪ (yours − base)``);
- ``ticket.merge``: the source is closed and points at the target again;
- ``ticket.comment``: an agent's reply sets ``first_response_at`` if unset; a
  requester's reply reopens a resolved ticket;
- ``article.update`` / ``article.set_state``: the fields / state are set again.

Append-only records of pending mutations (comments, work logs, attachments, links) keep
their own rows with ``version = 0`` and are not touched by pulls.

Provisional rows: the services also write side records that the server makes again with
its own ids (activity entries, a merge's notes and link). Once a ticket or article has no
pending mutation left and the server's copy has arrived, its ``version = 0`` side rows are
stale duplicates and :func:`sweep_provisional` removes them.

All functions run inside the caller's transaction on the engine connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sync.engine.wire_rows import SPECS, wire_time
from sync.protocol.ops import Op

__all__ = ["PendingMutation", "load_pending", "rebase", "sweep_provisional", "ticket_value"]

_TICKET_COLUMNS = frozenset(SPECS["tickets"].names) - {"id", "number", "version"}
_TICKET_TIMES = frozenset({"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at"})
_ARTICLE_FIELDS = frozenset({"title", "body", "category", "tags", "kind"})


@dataclass(frozen=True)
class PendingMutation:
    seq: int
    op: str
    entity_id: str
    payload: dict[str, Any]
    device_time: str

    @property
    def refs(self) -> set[str]:
        """Every record id this mutation will change on the server."""
        ids = {self.entity_id}
        if self.op == Op.TICKET_MERGE:
            ids.add(str(self.payload.get("target_id", "")))
        elif self.op == Op.TICKET_LINK:
            ids.add(str(self.payload.get("link", {}).get("other_id", "")))
        return ids


def load_pending(conn: sqlite3.Connection) -> list[PendingMutation]:
    rows = conn.execute(
        "SELECT seq, op, entity_id, payload, device_time FROM journal WHERE state = 'pending' ORDER BY seq"
    )
    return [PendingMutation(int(s), op, eid, json.loads(p), str(t)) for s, op, eid, p, t in rows]


def rebase(
    conn: sqlite3.Connection, pending: list[PendingMutation], tickets: set[str], articles: set[str]
) -> None:
    """Re-apply the pending mutations that target ``tickets`` / ``articles``, in journal order."""
    for m in pending:
        if m.entity_id in tickets:
            _rebase_ticket(conn, m)
        elif m.entity_id in articles:
            _rebase_article(conn, m)


def _rebase_ticket(conn: sqlite3.Connection, m: PendingMutation) -> None:
    p = m.payload
    if m.op == Op.TICKET_UPDATE:
        changes = p.get("changes", {})
        sets = {k: v for k, v in changes.items() if k in _TICKET_COLUMNS}
        _set(conn, "tickets", m.entity_id, {k: ticket_value(k, v) for k, v in sets.items()})
        if "tags" in changes:
            _merge_tags(conn, m.entity_id, list(p.get("base", {}).get("tags", [])), list(changes["tags"]))
    elif m.op == Op.TICKET_MERGE:
        _set(
            conn,
            "tickets",
            m.entity_id,
            {"merged_into_id": p.get("target_id"), "status": "closed", "closed_at": m.device_time},
        )
    elif m.op == Op.TICKET_COMMENT:
        c = p.get("comment", {})
        if c.get("kind") == "reply" and not c.get("from_requester"):
            conn.execute(
                "UPDATE tickets SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL",
                (wire_time(c.get("created_at")), m.entity_id),
            )
        elif c.get("from_requester"):
            conn.execute(
                "UPDATE tickets SET status = 'open', resolved_at = NULL WHERE id = ? AND status = 'resolved'",
                (m.entity_id,),
            )


def _rebase_article(conn: sqlite3.Connection, m: PendingMutation) -> None:
    if m.op == Op.ARTICLE_UPDATE:
        changes = m.payload.get("changes", {})
        _set(conn, "articles", m.entity_id, {k: v for k, v in changes.items() if k in _ARTICLE_FIELDS})
    elif m.op == Op.ARTICLE_SET_STATE:
        _set(conn, "articles", m.entity_id, {"state": m.payload.get("state")})


def ticket_value(name: str, value: Any) -> Any:
    """A ticket field's wire value as the replica stores it."""
    if name in _TICKET_TIMES:
        return wire_time(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _set(conn: sqlite3.Connection, table: str, record_id: str, values: dict[str, Any]) -> None:
    if not values:
        return
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*values.values(), record_id))


def _merge_tags(conn: sqlite3.Connection, ticket_id: str, base: list[str], yours: list[str]) -> None:
    current = {r[0] for r in conn.execute("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))}
    merged = (current - (set(base) - set(yours))) | (set(yours) - set(base))
    conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))
    conn.executemany(
        "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)", [(ticket_id, t) for t in sorted(merged)]
    )


def sweep_provisional(conn: sqlite3.Connection, tickets: Iterable[str], articles: Iterable[str]) -> None:
    """Drop the ``version = 0`` side rows of records that have no pending mutation any more."""
    ticket_ids = [(t,) for t in tickets]
    if ticket_ids:
        for table in ("comments", "work_logs", "attachments", "ticket_links"):
            conn.executemany(f"DELETE FROM {table} WHERE ticket_id = ? AND version = 0", ticket_ids)
        conn.executemany(
            "DELETE FROM activity WHERE entity_type = 'ticket' AND entity_id = ? AND version = 0", ticket_ids
        )
    article_ids = [(a,) for a in articles]
    if article_ids:
        conn.executemany(
            "DELETE FROM activity WHERE entity_type = 'article' AND entity_id = ? AND version = 0",
            article_ids,
        )
        # A local revision the server did not keep (it stored a conflicting one instead).
        conn.executemany(
            "DELETE FROM article_revisions WHERE article_id = ?1 "
            "AND revision > (SELECT revision FROM articles WHERE id = ?1)",
            article_ids,
        )
