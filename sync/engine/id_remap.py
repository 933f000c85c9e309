"""Adopting the server's ids for a replica's local queues and people.

A standalone replica made its own queues ("IT", "Facilities"...) and its own first agent,
none of which exist on the server under those ids. When it connects, the server's records
arrive and the replica's same-named ones must become them, or every ticket filed in a
local queue would be refused. The rules:

- the signed-in person: the replica's local current user *is* the server user
  (:func:`adopt_current_user`, at sign-in);
- queues with the same name (case-insensitive), agents with the same user name: the local
  record is replaced by the server's when the server's arrives in a pull
  (:func:`resolve_name_clash`), if the local one was never synced;
- everything that points at the old id is rewritten in the same transaction: tickets,
  memberships, authorship, the activity log, and the *pending* journal payloads (ids are
  quoted UUIDs in JSON text, so a textual replacement of ``"old"`` is exact).

A synced record (``version > 0``) holding a name the server now gives another record was
renamed on the server; it only steps aside (gets a placeholder name) until its own newer
record arrives, possibly in the same page.

All functions run inside the caller's transaction on the engine connection.
"""

from __future__ import annotations

import sqlite3

__all__ = ["adopt_current_user", "remap_person", "remap_queue", "resolve_name_clash"]

_PERSON_REFS = (
    ("tickets", "assignee_id"),
    ("tickets", "requester_id"),
    ("comments", "author_id"),
    ("work_logs", "author_id"),
    ("attachments", "added_by_id"),
    ("activity", "actor_id"),
    ("articles", "author_id"),
    ("article_revisions", "author_id"),
    ("journal", "actor_id"),
)


def _rewrite_journal(conn: sqlite3.Connection, old: str, new: str) -> None:
    conn.execute(
        "UPDATE journal SET payload = replace(payload, ?, ?) "
        "WHERE state = 'pending' AND instr(payload, ?) > 0",
        (f'"{old}"', f'"{new}"', old),
    )
    conn.execute("UPDATE journal SET entity_id = ? WHERE state = 'pending' AND entity_id = ?", (new, old))


def remap_queue(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Make every reference to local queue ``old`` point at ``new`` and drop the local row."""
    conn.execute("UPDATE tickets SET queue_id = ? WHERE queue_id = ?", (new, old))
    conn.execute("UPDATE OR IGNORE queue_members SET queue_id = ? WHERE queue_id = ?", (new, old))
    conn.execute("DELETE FROM queue_members WHERE queue_id = ?", (old,))
    _rewrite_journal(conn, old, new)
    conn.execute("DELETE FROM queues WHERE id = ?", (old,))


def remap_person(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Make every reference to local person ``old`` point at ``new``; keep one row, under ``new``."""
    for table, column in _PERSON_REFS:
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old))
    conn.execute("UPDATE OR IGNORE queue_members SET person_id = ? WHERE person_id = ?", (new, old))
    conn.execute("DELETE FROM queue_members WHERE person_id = ?", (old,))
    conn.execute(
        "UPDATE replica_settings SET value = ? WHERE key = 'current_user_id' AND value = ?", (new, old)
    )
    _rewrite_journal(conn, old, new)
    if conn.execute("SELECT 1 FROM people WHERE id = ?", (new,)).fetchone():
        conn.execute("DELETE FROM people WHERE id = ?", (old,))
    else:
        conn.execute("UPDATE people SET id = ? WHERE id = ?", (new, old))


def adopt_current_user(conn: sqlite3.Connection, server_user_id: str) -> str | None:
    """The replica's current user becomes ``server_user_id``; return the old local id if changed."""
    row = conn.execute("SELECT value FROM replica_settings WHERE key = 'current_user_id'").fetchone()
    local = None if row is None else str(row[0])
    if local is None:
        conn.execute(
            "INSERT INTO replica_settings (key, value) VALUES ('current_user_id', ?)", (server_user_id,)
        )
        return None
    if local == server_user_id:
        return None
    remap_person(conn, local, server_user_id)
    return local


def resolve_name_clash(
    conn: sqlite3.Connection, table: str, column: str, incoming_id: str, value: str
) -> None:
    """Before upserting server record ``incoming_id`` with ``column == value``, free that value.

    ``table`` is ``queues`` (column ``name``, compared case-insensitively) or ``people``
    (column ``username``).
    """
    rows = conn.execute(
        f"SELECT id, version FROM {table} WHERE lower({column}) = lower(?) AND id != ?", (value, incoming_id)
    ).fetchall()
    for local_id, version in rows:
        if int(version) == 0:
            (remap_queue if table == "queues" else remap_person)(conn, local_id, incoming_id)
        else:
            conn.execute(
                f"UPDATE {table} SET {column} = {column} || ' ~' || substr(id, 1, 8) WHERE id = ?",
                (local_id,),
            )
