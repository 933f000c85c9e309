"""An open replica: the SQLite file, its engine, and the unit-of-work boundaries.

Durability: the file runs in WAL mode with ``synchronous=FULL``. In WAL mode ``NORMAL``
may lose the last committed transactions on power loss; a technician's committed action
must survive that, and user actions are rare enough that one fsync each costs nothing
noticeable (bulk work such as a demo build or a pulled page is one transaction).

Threading: a ``Replica`` may be shared between threads; each ``read()``/``write()`` takes
its own pooled connection. Writes take SQLite's write lock up front (``BEGIN IMMEDIATE``)
so two writers never deadlock on a lock upgrade; reads never block writes (WAL).
``close()`` waits for the units of work in flight on other threads and refuses new ones
(:class:`ReplicaError`): after it returns nothing of this handle touches the file, so the
file may be deleted (a revoked device's wipe) without a late write re-creating it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from sync.errors import DiskFullError, ReplicaCorruptError, ReplicaError
from sync.replica import sqlite_driver
from sync.replica.blob_store import BlobStore
from sync.replica.encryption import ReplicaKeys, keys_for
from sync.replica.encryption_switch import recover_interrupted_switch
from sync.replica.location import REPLICA_FILENAME
from sync.replica.models import ReplicaSetting
from sync.replica.schema_upgrade import prepare_replica_file
from sync.storage.file_modes import secure_replica_dir
from sync.storage.sqlite_settings import install_sqlite_settings

__all__ = ["REPLICA_FILENAME", "Clock", "Replica", "open_replica", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Replica:
    """A handle on one replica file. Create it with :func:`open_replica`."""

    def __init__(
        self,
        data_dir: Path,
        engine: Engine,
        clock: Clock,
        upgraded_from: int | None,
        keys: ReplicaKeys | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.path = data_dir / REPLICA_FILENAME
        self.engine = engine
        self.clock = clock
        self.upgraded_from = upgraded_from
        self.keys = keys
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._gate = threading.Condition()
        self._in_flight = 0
        self._closed = False

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def encrypted(self) -> bool:
        return self.keys is not None

    @property
    def db_key(self) -> bytes | None:
        """The raw SQLCipher key for another connection to this file (None: plain SQLite)."""
        return None if self.keys is None else self.keys.db_key

    @property
    def blobs(self) -> BlobStore:
        """The attachment files (encrypted per file when the replica is)."""
        return BlobStore(self.attachments_dir, None if self.keys is None else self.keys.blob_key)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (a consistent snapshot for its duration)."""
        # Closing (not rolling back) ends the read transaction without expiring the
        # loaded objects, so callers may keep reading their attributes afterwards.
        with self._open_unit(), Session(self.engine, expire_on_commit=False) as session, _mapped_errors():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: commits if the block succeeds, rolls back entirely otherwise."""
        unit = self._open_unit()
        with unit, Session(self._write_engine, expire_on_commit=False) as session, _mapped_errors():
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def bulk_write(self) -> Iterator[Connection]:
        """One large write transaction at the Core/DBAPI level (demo builds, pulled pages)."""
        with self._open_unit(), self._write_engine.begin() as conn, _mapped_errors():
            yield conn

    @contextmanager
    def _open_unit(self) -> Iterator[None]:
        with self._gate:
            if self._closed:
                raise ReplicaError(
                    f"The help desk data in {self.data_dir} was closed (or deleted) while this was "
                    "being done, so it was not saved."
                )
            self._in_flight += 1
        try:
            yield
        finally:
            with self._gate:
                self._in_flight -= 1
                self._gate.notify_all()

    # -- settings ---------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.read() as s:
            row = s.get(ReplicaSetting, key)
            return row.value if row is not None else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.write() as s:
            set_setting(s, key, value)

    @property
    def client_id(self) -> str:
        """This replica's identity towards a server (stable for the file's life)."""
        value = self.get_setting("client_id")
        if value is None:  # pragma: no cover - set at creation
            raise ReplicaError("replica has no client id")
        return value

    @property
    def current_user_id(self) -> str | None:
        return self.get_setting("current_user_id")

    @property
    def mode(self) -> str:
        """'standalone' (no server) or 'connected'."""
        return self.get_setting("mode", "standalone") or "standalone"

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self, wait: float = 60.0) -> None:
        """Refuse new units of work, wait up to ``wait`` s for those in flight, free the pool.

        Called from inside one of this handle's own units of work it cannot wait for that
        one: it gives up after ``wait`` seconds and logs it.
        """
        with self._gate:
            self._closed = True
            if not self._gate.wait_for(lambda: self._in_flight == 0, timeout=wait):
                logging.getLogger("outpost.replica").warning(
                    "closing %s with %d unit(s) of work still running", self.path, self._in_flight
                )
        self.engine.dispose()


def set_setting(session: Session, key: str, value: str | None) -> None:
    """Set a replica setting inside an existing unit of work (None deletes it)."""
    row = session.get(ReplicaSetting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ReplicaSetting(key=key, value=value))
    else:
        row.value = value


def open_replica(data_dir: Path, *, clock: Clock = utc_now) -> Replica:
    """Open (creating or upgrading as needed) the replica in ``data_dir``.

    Raises :class:`SchemaTooNewError` for a file from a newer Outpost and
    :class:`ReplicaCorruptError` for a file that is not a readable replica; in both
    cases the file is left untouched. An encrypted replica (see :mod:`sync.replica.encryption`)
    whose key is not at hand raises :class:`ReplicaLockedError`; an interrupted
    ``outpost encrypt``/``decrypt`` is finished or undone first.
    """
    secure_replica_dir(data_dir, data_dir / REPLICA_FILENAME, logging.getLogger("outpost.replica"))
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / REPLICA_FILENAME
    recover_interrupted_switch(data_dir)
    keys = keys_for(data_dir)
    upgraded_from = prepare_replica_file(path, None if keys is None else keys.db_key)
    engine = _create_engine(path, keys)
    install_sqlite_settings(engine, cache_kib=32_000)
    replica = Replica(data_dir, engine, clock, upgraded_from, keys)
    with replica.write() as s:
        if s.get(ReplicaSetting, "client_id") is None:
            set_setting(s, "client_id", str(uuid.uuid4()))
            set_setting(s, "created_at", clock().isoformat())
    return replica


def _create_engine(path: Path, keys: ReplicaKeys | None) -> Engine:
    if keys is None:
        return create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    db_key = keys.db_key
    # The pysqlite dialect over SQLCipher's DB-API module (so its exception classes are the
    # ones SQLAlchemy wraps), each connection keyed first thing with the raw key. (The
    # pysqlcipher dialect would re-key every connection with the URL's passphrase and use a
    # per-thread pool.)
    return create_engine(
        f"sqlite:///{path}",
        module=sqlite_driver.sqlcipher_module(),
        creator=lambda: sqlite_driver.connect(path, db_key, timeout=30, check_same_thread=False),
    )


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """Turn SQLite failures a person can act on into typed errors."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if "disk is full" in text or "disk i/o" in text:
            raise DiskFullError(
                "The disk is full, so this change was not saved. Free some space and try again; "
                "nothing already saved was lost."
            ) from exc
        raise
    except DBAPIError as exc:
        text = str(exc.orig).lower()
        if "malformed" in text or "not a database" in text:
            raise ReplicaCorruptError(f"The replica file is damaged ({exc.orig}).") from exc
        raise
