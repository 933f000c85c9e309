"""Re-bootstrapping after the server was restored from a backup (or replaced).

Signs: the server's ``server_id`` or ``epoch`` differs from the one the replica's cursor
came from, the server refuses the cursor (``server_restored`` / ``cursor_invalid``), or
its ``high_water`` is below the highest version already applied here (its history went
backwards). Then:

1. :func:`start_resync` (one transaction): forget the cursor and the watermark, note the
   new identity, clear the seen-set and set ``sync.resync``. The journal is untouched:
   every pending mutation is still pushed, and the push re-sends from whatever sequence
   number the restored server asks for (``sequence_gap``), decided ones included.
2. The pull starts from the beginning; every record received is upserted whatever its
   version (the restored server's versions may be lower) and remembered in the seen-set.
3. :func:`finish_resync` (one transaction, after the last page): synced records
   (``version > 0``) that did not come back are gone from the server and are removed —
   except records pending mutations still refer to, which stay visible until the server
   decides on them. Records never synced (``version = 0``) are never swept.

A crash anywhere leaves ``sync.resync`` set and the seen-set filled so far: the next round
continues the same re-bootstrap from its stored cursor. Nothing local is lost on the way.
"""

from __future__ import annotations

import sqlite3

from sync import protocol
from sync.engine.rebase import load_pending
from sync.engine.replica_conn import set_setting, transaction
from sync.engine.ticket_removal import remove_ticket

__all__ = ["finish_resync", "start_resync"]

_SWEPT = (
    "queues",
    "people",
    "comments",
    "work_logs",
    "attachments",
    "ticket_links",
    "activity",
    "articles",
    "ratings",  # a rating the restored server never had goes too
)


def start_resync(conn: sqlite3.Connection, server: protocol.ServerInfo) -> None:
    with transaction(conn):
        set_setting(conn, "cursor", None)
        set_setting(conn, "watermark", "0")
        set_setting(conn, "server_id", server.server_id)
        set_setting(conn, "epoch", str(server.epoch))
        set_setting(conn, "resync", "1")
        conn.execute("DELETE FROM sync_resync_seen")


def finish_resync(conn: sqlite3.Connection) -> int:
    """Remove synced records the server no longer has; return how many were removed."""
    with transaction(conn):
        keep: set[str] = set()
        for m in load_pending(conn):
            keep |= m.refs
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS resync_keep (id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM resync_keep")
        conn.executemany("INSERT OR IGNORE INTO resync_keep (id) VALUES (?)", [(i,) for i in keep])
        removed = 0
        gone = [
            str(r[0])
            for r in conn.execute(
                "SELECT id FROM tickets WHERE version > 0 "
                "AND id NOT IN (SELECT id FROM resync_keep) AND id NOT IN "
                "(SELECT entity_id FROM sync_resync_seen WHERE entity_type = 'tickets')"
            )
        ]
        for ticket_id in gone:
            remove_ticket(conn, ticket_id)
        removed += len(gone)
        for table in _SWEPT:
            cur = conn.execute(
                f"DELETE FROM {table} WHERE version > 0 "
                "AND id NOT IN (SELECT id FROM resync_keep) AND id NOT IN "
                f"(SELECT entity_id FROM sync_resync_seen WHERE entity_type = ?)",
                (table,),
            )
            removed += cur.rowcount
        conn.execute(
            "DELETE FROM queue_members WHERE queue_id || ':' || person_id NOT IN "
            "(SELECT entity_id FROM sync_resync_seen WHERE entity_type = 'queue_members') "
            "AND queue_id IN (SELECT id FROM queues WHERE version > 0) "
            "AND person_id IN (SELECT id FROM people WHERE version > 0)"
        )
        conn.execute(
            "DELETE FROM article_revisions WHERE article_id NOT IN (SELECT id FROM articles) "
            "AND article_id NOT IN (SELECT id FROM resync_keep)"
        )
        conn.execute("DELETE FROM sync_resync_seen")
        conn.execute("DELETE FROM resync_keep")
        set_setting(conn, "resync", None)
    return removed
