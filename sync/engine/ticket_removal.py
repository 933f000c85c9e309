"""Removing a ticket from the replica: deleted on the server, out of scope, or refused.

A ticket is removed with everything hanging off it (tags, comments, work logs, attachment
rows, links either way, activity, its rating). Its journal entries are never touched: pending ones
are still pushed and their outcome is recorded like any other. Attachment files stay in
the content-addressed store (another record may share them).

When a ticket leaves the person's scope, a :class:`~sync.replica.sync_models.SyncNotice`
says which one and how many unsynced changes to it are still on their way.

All functions run inside the caller's transaction on the engine connection.
"""

from __future__ import annotations

import sqlite3

from sync.ids import new_id

__all__ = ["left_scope", "remove_ticket", "ticket_label"]


def ticket_label(conn: sqlite3.Connection, ticket_id: str) -> str:
    row = conn.execute(
        "SELECT number, local_number, subject FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    if row is None:
        return f"ticket {ticket_id[:8]}"
    number, local_number, subject = row
    ref = f"#{number}" if number is not None else f"L{local_number}"
    return f"{ref} {subject}"


def remove_ticket(conn: sqlite3.Connection, ticket_id: str) -> None:
    for table in ("ticket_tags", "comments", "work_logs", "attachments", "ratings"):
        conn.execute(f"DELETE FROM {table} WHERE ticket_id = ?", (ticket_id,))
    conn.execute("DELETE FROM ticket_links WHERE ticket_id = ? OR other_id = ?", (ticket_id, ticket_id))
    conn.execute("DELETE FROM activity WHERE entity_type = 'ticket' AND entity_id = ?", (ticket_id,))
    conn.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))


def left_scope(conn: sqlite3.Connection, ticket_id: str, now: str) -> None:
    """Remove a ticket the person may no longer see, and leave them a notice."""
    exists = conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is not None
    pending = int(
        conn.execute(
            "SELECT count(*) FROM journal WHERE state = 'pending' AND entity_id = ?", (ticket_id,)
        ).fetchone()[0]
    )
    if not exists and not pending:
        return
    label = ticket_label(conn, ticket_id)
    message = f"{label} moved out of your queues, so it was removed from this computer."
    if pending:
        message += (
            f" Your {pending} unsynced change{'s' if pending != 1 else ''} to it "
            f"{'are' if pending != 1 else 'is'} still sent to the server; the outcome appears in conflicts."
        )
    remove_ticket(conn, ticket_id)
    conn.execute(
        "INSERT INTO sync_notices "
        "(id, kind, entity_type, entity_id, label, message, pending_count, created_at) "
        "VALUES (?, 'left_scope', 'ticket', ?, ?, ?, ?, ?)",
        (new_id(), ticket_id, label, message, pending, now),
    )
