"""PostgreSQL ``LISTEN/NOTIFY``: every server process learns every commit of every other.

Each stamped write transaction sends ``NOTIFY outpost_changes, '<version> <origin> <keys…>'`` in
the transaction itself (:func:`sync.server.core.versioning.stamp`), so PostgreSQL delivers it
exactly when — and only if — the transaction commits, in commit order. No broker of our
own: the database that orders the versions also carries the news.

:class:`ChangeListener` is one daemon thread per server process with its **own**
connection (autocommit, outside the pool). It ``LISTEN``\\ s first and only then reads the
newest version and rebases the board on it, so no commit falls between the two. If the
connection is lost it marks the board not live (the feed answers 503 and the empty-pull
shortcut is off: every pull goes to the database) and reconnects with backoff, rebasing
again once listening. It also rebases when a version has waited over :data:`GAP_LIMIT`
seconds for an earlier one that never came (a writer that does not notify, such as an
older server version during an upgrade).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg

from sync.server.core.versioning import NOTIFY_CHANNEL
from sync.server.db.change_board import ChangeBoard
from sync.server.db.database import Database

__all__ = ["APPLICATION_NAME", "GAP_LIMIT", "ChangeListener", "parse_notice"]

log = logging.getLogger("outpost.server.feed")

GAP_LIMIT = 2.0
APPLICATION_NAME = "outpost-change-listener"
_POLL = 0.5  # seconds between checks of the stop flag and of gaps


def parse_notice(payload: str) -> tuple[int, frozenset[str], str | None] | None:
    """``"<version> <origin client id or -> <key> <key>…"`` -> (version, keys, origin);
    None for anything else."""
    parts = payload.split()
    try:
        version = int(parts[0])
        origin = parts[1]
    except (ValueError, IndexError):
        return None
    return version, frozenset(parts[2:]), None if origin == "-" else origin


class ChangeListener:
    """The listening thread of one server process (see the module docstring)."""

    def __init__(self, db: Database, *, retry_max: float = 5.0) -> None:
        self.db = db
        self.board: ChangeBoard = db.board
        self.retry_max = retry_max
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: psycopg.Connection[Any] | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outpost-change-listener", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _connect(self) -> psycopg.Connection[Any]:
        cargs, cparams = self.db.engine.dialect.create_connect_args(self.db.engine.url)
        params = {**cparams, "application_name": APPLICATION_NAME}  # visible in pg_stat_activity
        params.setdefault("connect_timeout", 10)  # unless the database URL names its own
        params["autocommit"] = True
        return psycopg.connect(*cargs, **params)

    def _run(self) -> None:
        delay = 0.2
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._rebase(conn)
                    delay = 0.2
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                self.board.lose()
                log.warning("change feed: listening connection lost (%s); retrying", type(exc).__name__)
            finally:
                self._conn = None
            self._stop.wait(delay)
            delay = min(delay * 2, self.retry_max)
        self.board.lose()

    def _rebase(self, conn: psycopg.Connection[Any]) -> None:
        row = conn.execute("SELECT last_version FROM server_state WHERE id = 1").fetchone()
        self.board.rebase(int(row[0]) if row else 0)

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            for notice in conn.notifies(timeout=_POLL):
                parsed = parse_notice(notice.payload)
                if parsed is not None:
                    self.board.note(*parsed)
            if self.board.gap_age() > GAP_LIMIT:
                log.warning("change feed: a version never arrived; starting again from the database")
                self._rebase(conn)
