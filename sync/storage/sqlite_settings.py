"""The connection settings of every SQLite database Outpost opens (the replica, the server's
SQLite file): one definition, so the two cannot drift.

Each new connection gets WAL journaling, ``synchronous=FULL`` (a committed change survives
a power cut), foreign keys, and a 30 s busy timeout; SQLAlchemy takes over transaction
control from the ``sqlite3`` module, so a read session is one real snapshot and a write
session can start ``BEGIN IMMEDIATE`` (execution option ``sqlite_begin``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event

__all__ = ["install_sqlite_settings"]


def install_sqlite_settings(engine: Engine, *, cache_kib: int | None = None) -> None:
    """Apply the settings to every connection ``engine`` opens; ``cache_kib`` sizes the page
    cache (SQLite's default when None)."""
    pragmas = [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ]
    if cache_kib is not None:
        pragmas.append(f"PRAGMA cache_size=-{int(cache_kib)}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transaction control is the begin hook's
        cur = dbapi_conn.cursor()
        for pragma in pragmas:
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
