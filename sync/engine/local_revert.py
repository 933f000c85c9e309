"""Putting the replica back to the server's state when the server decided against a change.

The person saw their change the moment they made it. When the server refuses it
(``rejected``) or keeps its own value for a field (``kept_server``), the local copy must
follow the server — the protocol has no "fetch this one record" route, and the server does
not re-send a record it did not change, so the engine reverts locally:

- a refused create removes the record it created (the payload stays in the conflict entry,
  so nothing typed is lost); a refused comment / work log / attachment / link removes its row;
- a refused ``ticket.update`` puts back its ``base`` values, field by field, where the
  local value is still the one this mutation set (a later pending edit wins);
- a refused merge, article edit or state change puts back the values the local activity
  log recorded as "old" when the change was made;
- a ``kept_server`` field takes the server's value from the outcome; a refused or lost
  status also takes back the timestamps it stamped (``resolved_at``, ``closed_at``).

If the server changed the record meanwhile, the pull that follows brings its copy anyway.
All functions run inside the caller's transaction on the engine connection.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sync import protocol
from sync.engine import asset_records
from sync.engine.rebase import ticket_value
from sync.engine.ticket_removal import remove_ticket
from sync.protocol.ops import Op

__all__ = ["revert_kept_server", "revert_rejected"]

_CHILD_ROWS: dict[str, tuple[str, str]] = {
    Op.TICKET_COMMENT: ("comments", "comment"),
    Op.TICKET_WORK_LOG: ("work_logs", "entry"),
    Op.TICKET_ATTACH: ("attachments", "attachment"),
    Op.TICKET_LINK: ("ticket_links", "link"),
}
_STAMPS_OF = {"status": ("resolved_at", "closed_at")}


def revert_rejected(conn: sqlite3.Connection, op: str, entity_id: str, payload: dict[str, Any]) -> None:
    if op == Op.TICKET_CREATE:
        remove_ticket(conn, entity_id)
    elif op == Op.ARTICLE_CREATE:
        conn.execute("DELETE FROM article_revisions WHERE article_id = ?", (entity_id,))
        conn.execute("DELETE FROM activity WHERE entity_type = 'article' AND entity_id = ?", (entity_id,))
        conn.execute("DELETE FROM articles WHERE id = ? AND version = 0", (entity_id,))
    elif op in _CHILD_ROWS:
        table, key = _CHILD_ROWS[op]
        conn.execute(f"DELETE FROM {table} WHERE id = ? AND version = 0", (payload.get(key, {}).get("id"),))
    elif op == Op.TICKET_UPDATE:
        changes, base = payload.get("changes", {}), payload.get("base", {})
        for name, yours in changes.items():
            if name in base:
                _restore_ticket_field(conn, entity_id, name, yours, base[name])
    elif op == Op.TICKET_MERGE:
        old = _old_value(conn, "ticket", entity_id, "status")
        conn.execute(
            "UPDATE tickets SET merged_into_id = NULL, status = coalesce(?, status), closed_at = NULL "
            "WHERE id = ? AND merged_into_id = ?",
            (old, entity_id, payload.get("target_id")),
        )
    elif op == Op.ARTICLE_UPDATE:
        _revert_article(conn, entity_id, payload)
    elif op == Op.ARTICLE_SET_STATE:
        old = _old_value(conn, "article", entity_id, "state")
        if old is not None:
            conn.execute(
                "UPDATE articles SET state = ? WHERE id = ? AND state = ?",
                (old, entity_id, payload.get("state")),
            )
    elif op in (Op.PERSON_CREATE, Op.QUEUE_CREATE):
        _remove_unreferenced(conn, op, entity_id)
    elif op in asset_records.OPS:
        asset_records.revert_rejected(conn, op, entity_id, payload)


def revert_kept_server(
    conn: sqlite3.Connection,
    op: str,
    entity_id: str,
    payload: dict[str, Any],
    conflicts: list[protocol.FieldConflict],
) -> None:
    """Fields resolved ``kept_server`` take the server's value (ticket updates)."""
    if op != Op.TICKET_UPDATE:
        return
    changes, base = payload.get("changes", {}), payload.get("base", {})
    for c in conflicts:
        if c.resolution != "kept_server" or c.field not in changes:
            continue
        _restore_ticket_field(conn, entity_id, c.field, changes[c.field], c.server)
        for stamp in _STAMPS_OF.get(c.field, ()):
            if stamp in changes and stamp in base:
                _restore_ticket_field(conn, entity_id, stamp, changes[stamp], base[stamp])


def _restore_ticket_field(
    conn: sqlite3.Connection, ticket_id: str, name: str, yours: Any, value: Any
) -> None:
    if name == "tags":
        current = sorted(
            r[0] for r in conn.execute("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))
        )
        if current == sorted(yours or []):
            conn.execute("DELETE FROM ticket_tags WHERE ticket_id = ?", (ticket_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)",
                [(ticket_id, t) for t in value or []],
            )
        return
    row = conn.execute(f"SELECT {name} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if row is not None and row[0] == ticket_value(name, yours):
        conn.execute(f"UPDATE tickets SET {name} = ? WHERE id = ?", (ticket_value(name, value), ticket_id))


def _old_value(conn: sqlite3.Connection, entity_type: str, entity_id: str, name: str) -> str | None:
    row = conn.execute(
        "SELECT old_value FROM activity "
        "WHERE entity_type = ? AND entity_id = ? AND field = ? AND version = 0 "
        "ORDER BY at DESC LIMIT 1",
        (entity_type, entity_id, name),
    ).fetchone()
    return None if row is None else row[0]


def _revert_article(conn: sqlite3.Connection, article_id: str, payload: dict[str, Any]) -> None:
    changes = payload.get("changes", {})
    base_revision = payload.get("base_revision")
    rev = conn.execute(
        "SELECT title, body FROM article_revisions WHERE article_id = ? AND revision = ?",
        (article_id, base_revision),
    ).fetchone()
    for name, yours in changes.items():
        if name in ("title", "body"):
            value = None if rev is None else rev[0 if name == "title" else 1]
        elif name in ("category", "tags", "kind"):
            value = _old_value(conn, "article", article_id, name)
        else:
            continue
        if value is not None:
            conn.execute(
                f"UPDATE articles SET {name} = ? WHERE id = ? AND {name} = ?", (value, article_id, yours)
            )
    if isinstance(base_revision, int):
        conn.execute(
            "DELETE FROM article_revisions WHERE article_id = ? AND revision = ? AND "
            "(SELECT revision FROM articles WHERE id = ?) = ?",
            (article_id, base_revision + 1, article_id, base_revision + 1),
        )
        conn.execute(
            "UPDATE articles SET revision = ? WHERE id = ? AND revision = ?",
            (base_revision, article_id, base_revision + 1),
        )


def _remove_unreferenced(conn: sqlite3.Connection, op: str, entity_id: str) -> None:
    if op == Op.QUEUE_CREATE:
        used = conn.execute("SELECT 1 FROM tickets WHERE queue_id = ? LIMIT 1", (entity_id,)).fetchone()
        if not used:
            conn.execute("DELETE FROM queue_members WHERE queue_id = ?", (entity_id,))
            conn.execute("DELETE FROM queues WHERE id = ? AND version = 0", (entity_id,))
        return
    used = conn.execute(
        "SELECT 1 FROM tickets WHERE requester_id = ? OR assignee_id = ? LIMIT 1", (entity_id, entity_id)
    ).fetchone()
    if not used:
        conn.execute("DELETE FROM people WHERE id = ? AND version = 0", (entity_id,))
