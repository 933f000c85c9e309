"""Opening the server database and the two kinds of unit of work: a write and a snapshot read.

Supported URLs: ``postgresql+psycopg://...`` (teams) and ``sqlite:///path`` (a small office).

Transactions
    ``write_session`` is one transaction that commits if its block succeeds and rolls back
    entirely otherwise. On SQLite it starts with ``BEGIN IMMEDIATE`` (takes the write lock up
    front, so two writers never deadlock upgrading a read lock); on PostgreSQL it runs at READ
    COMMITTED and callers take row locks (``with_for_update``) before changing shared rows.
    ``snapshot_session`` reads one consistent snapshot: REPEATABLE READ (read only) on
    PostgreSQL, one deferred read transaction in WAL mode on SQLite.

Threading: an :class:`Database` is shared by all request threads; each session takes its
own pooled connection. SQLite runs in WAL mode with ``synchronous=FULL``: a mutation the
server acknowledged survives a power cut.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from sync.server.db.change_board import STAMPS_INFO, ChangeBoard
from sync.storage.file_modes import make_private_dir, secure_sqlite_file, tighten
from sync.storage.sqlite_settings import install_sqlite_settings

__all__ = ["Database", "open_database"]


class Database:
    """The engine plus the session factories the services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_engine: Engine
        self._read_engine: Engine
        if self.is_sqlite:
            self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        else:
            self._write_engine = engine
        self._read_engine = engine
        #: what this process knows has changed since (see :mod:`sync.server.db.change_board`);
        #: made live by the change listener (PostgreSQL) or the feed on first use (SQLite)
        self.board = ChangeBoard()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False, autoflush=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                session.info.pop(STAMPS_INFO, None)
                raise
            # After the commit, so a waiter woken now finds the change when it pulls.
            for version, keys, origin in session.info.pop(STAMPS_INFO, ()):
                self.board.note(version, keys, origin)

    @contextmanager
    def snapshot_session(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the read transaction without expiring what was
        # loaded, so callers may keep reading attributes of returned objects.
        with Session(self._read_engine, expire_on_commit=False, autoflush=False) as session:
            if not self.is_sqlite:
                # The transaction's first statement; one round trip, unlike per-connection
                # isolation options (which SQLAlchemy sets and resets on every checkout).
                session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read at the default isolation (each statement sees the latest commits): for
        single-statement lookups such as checking a token, where a snapshot buys nothing."""
        with Session(self._read_engine, expire_on_commit=False, autoflush=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, pool_size: int = 20) -> Database:
    """An engine for ``url`` (not migrated: run ``outpost-server migrate`` for that)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _secure_sqlite_location(Path(parsed.database))
        engine = create_engine(
            parsed,
            hide_parameters=True,  # errors never carry SQL parameters (ticket text) into logs
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        install_sqlite_settings(engine)
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # No pre-ping (a round trip per checkout): a dead connection surfaces as 503 and is
        # replaced; idle connections are recycled before servers or proxies drop them.
        engine = create_engine(
            parsed, hide_parameters=True, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
        )
    else:
        raise ValueError(
            f"Unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
            "use postgresql+psycopg://user@host/dbname or sqlite:///path/to/server.db"
        )
    return Database(engine)


def _secure_sqlite_location(path: Path) -> None:
    """The server's SQLite file and its ``-wal``/``-shm`` are 0600 (created so, tightened
    at open); its directory is made 0700, or tightened if it is ours and not a shared,
    world-writable one such as ``/tmp``. The log names anything that was tightened."""
    log = logging.getLogger("outpost.server")
    folder = path.parent
    if not folder.exists():
        make_private_dir(folder, log)
    elif os.name == "posix" and not folder.stat().st_mode & stat.S_IWOTH:
        tighten(folder, 0o700, log)
    secure_sqlite_file(path, log)
