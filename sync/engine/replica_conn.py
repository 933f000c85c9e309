"""The engine's own SQLite connection to a replica, its transactions, and its sync settings.

The engine writes through a dedicated ``sqlite3`` connection (not the ORM pool): pulled
pages are bulk upserts where the DBAPI is several times faster, and a page is applied with
foreign-key enforcement off, because a replica holds only the caller's scope and a record
may legitimately point at one outside it (a ticket merged into a ticket in a queue you
cannot see). Every transaction takes the write lock up front (``BEGIN IMMEDIATE``), like
:meth:`Replica.write`, and runs with ``synchronous=FULL``: a committed page or outcome
survives a power cut.

Sync settings are ``replica_settings`` rows with keys starting ``sync.``; see :data:`KEYS`.

Threading: a connection belongs to the thread that opened it (one sync round).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.replica import sqlite_driver

__all__ = ["KEYS", "get_setting", "open_engine_connection", "set_setting", "transaction"]

#: The sync engine's replica settings.
KEYS = {
    "server_url": "sync.server_url",
    "server_id": "sync.server_id",
    "epoch": "sync.epoch",
    "cursor": "sync.cursor",
    "watermark": "sync.watermark",  # highest server version applied (detects a restored server)
    "user_id": "sync.user_id",
    "username": "sync.username",
    "user_role": "sync.user_role",  # the signed-in user's role as the replica checks it
    "asset_manager": "sync.asset_manager",  # "1": the signed-in user may edit assets/locations
    "seq_base": "sync.seq_base",  # journal seq of the last row sent under an earlier client id
    "resync": "sync.resync",  # "1" while re-bootstrapping after a restore: sweep at the end
    "last_success_at": "sync.last_success_at",
    "last_attempt_at": "sync.last_attempt_at",
    "last_error": "sync.last_error",
    "last_error_kind": "sync.last_error_kind",
    "blocked": "sync.blocked",  # why the outbox cannot drain (e.g. the server is too old)
    "token_store": "sync.token_store",
    "keyring_account": "sync.keyring_account",  # the token's keyring entry (session.keyring_account)
    "allow_insecure_http": "sync.allow_insecure_http",  # "1": plain http:// to this server is allowed
    # "1": the server requires encrypted replicas (ServerInfo of the last hello or pull page)
    "encryption_required": "sync.encryption_required",
}


def open_engine_connection(path: Path, key: bytes | None = None) -> sqlite3.Connection:
    """The engine's connection; ``key`` is the replica's raw SQLCipher key when it is encrypted
    (:attr:`Replica.db_key`). The file must exist: a missing one (a wiped replica) raises
    the driver's ``OperationalError`` rather than being created empty."""
    conn = sqlite_driver.connect(
        path, key, create=False, isolation_level=None, timeout=30.0, check_same_thread=True
    )
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: commits if the block succeeds, rolls back entirely otherwise."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def get_setting(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT value FROM replica_settings WHERE key = ?", (KEYS.get(name, name),)).fetchone()
    return None if row is None else str(row[0])


def set_setting(conn: sqlite3.Connection, name: str, value: str | None) -> None:
    key = KEYS.get(name, name)
    if value is None:
        conn.execute("DELETE FROM replica_settings WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO replica_settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
