"""Schema versions of the replica file and the ordered steps between them.

The version lives in ``PRAGMA user_version``. A new file gets the current schema in one
transaction. An older file is first copied aside with SQLite's online backup API, then
upgraded one step at a time, each step and its version bump in one transaction, so a
crash mid-upgrade leaves the file at a whole version. Steps must never drop rows of the
journal: unsynced work survives every upgrade. A file from a newer Outpost is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sync.errors import ReplicaCorruptError, SchemaTooNewError
from sync.replica.models import Base

__all__ = ["MIN_UPGRADABLE_VERSION", "SCHEMA_VERSION", "UPGRADE_STEPS", "prepare_replica_file"]

#: The schema this code writes. Bump it together with a new entry in UPGRADE_STEPS.
SCHEMA_VERSION = 1
#: The oldest version this code can upgrade from.
MIN_UPGRADABLE_VERSION = 1

#: UPGRADE_STEPS[n] upgrades a file at version n-1 to version n.
UPGRADE_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {}

_SQLITE_HEADER = b"SQLite format 3\x00"


def prepare_replica_file(path: Path) -> int | None:
    """Create or upgrade the replica at ``path``; return the version upgraded from, if any."""
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        with path.open("rb") as fh:
            if fh.read(16) != _SQLITE_HEADER:
                raise ReplicaCorruptError(
                    f"{path} is not an Outpost replica (not an SQLite database). "
                    "Move it aside or restore a backup; Outpost will not overwrite it."
                )
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:  # pragma: no cover - permissions, path errors
        raise ReplicaCorruptError(f"Cannot open {path}: {exc}") from exc
    try:
        version = _user_version(conn)
        if version == 0:
            if _has_tables(conn):
                raise ReplicaCorruptError(
                    f"{path} holds tables but no Outpost schema version; it was not made by Outpost."
                )
            _create_current(conn)
            return None
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"This replica was written by a newer Outpost (schema {version}; this version "
                f"understands up to {SCHEMA_VERSION}). Install the newer Outpost to open it; "
                "the file was left untouched."
            )
        if version == SCHEMA_VERSION:
            return None
        if version < MIN_UPGRADABLE_VERSION:
            raise SchemaTooNewError(
                f"This replica's schema {version} is too old to upgrade directly; "
                "open it with an intermediate Outpost release first."
            )
        backup_replica(conn, path, version)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            _run_step(conn, target)
        return version
    except sqlite3.DatabaseError as exc:
        raise ReplicaCorruptError(f"{path} is damaged ({exc}). Restore a backup from its folder.") from exc
    finally:
        conn.close()


def backup_replica(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the live database (consistently, WAL included) beside it and return the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.schema{version}.{stamp}.bak")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def _run_step(conn: sqlite3.Connection, target: int) -> None:
    step = UPGRADE_STEPS[target]
    conn.execute("BEGIN IMMEDIATE")
    try:
        step(conn)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _create_current(conn: sqlite3.Connection) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = create_engine("sqlite://").dialect
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in Base.metadata.sorted_tables:
            conn.execute(str(CreateTable(table).compile(dialect=dialect)))
            for index in table.indexes:
                conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) > 0
