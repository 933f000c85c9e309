"""Opening, creating, refusing and upgrading replica files (real SQLite files)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from support.encrypted_replica import prepare_data_dir

from sync.errors import DiskFullError, ReplicaCorruptError, SchemaTooNewError
from sync.replica import schema_upgrade
from sync.replica.models import Mutation, Ticket
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService

FIXTURE = Path(__file__).parent / "fixtures" / "schema1" / REPLICA_FILENAME


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_replica_is_versioned_wal_and_full_sync(tmp_path: Path, replica_mode: str) -> None:
    r = open_replica(prepare_data_dir(tmp_path, replica_mode))
    with r.engine.connect() as c:
        assert c.execute(text("PRAGMA user_version")).scalar() == schema_upgrade.SCHEMA_VERSION
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert len(r.client_id) == 36 and r.mode == "standalone" and r.current_user_id is None
    client = r.client_id
    r.close()
    reopened = open_replica(tmp_path)
    assert reopened.client_id == client and reopened.encrypted == (replica_mode == "encrypted")
    reopened.close()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / REPLICA_FILENAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {schema_upgrade.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(SchemaTooNewError, match="newer Outpost"):
        open_replica(tmp_path)
    assert _digest(path) == before


@pytest.mark.parametrize("content", [b"hello, not a database at all" * 10, b"\x00" * 4096])
def test_non_database_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / REPLICA_FILENAME
    path.write_bytes(content)
    with pytest.raises(ReplicaCorruptError, match="not an Outpost replica"):
        open_replica(tmp_path)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / REPLICA_FILENAME)
    conn.execute("CREATE TABLE somebody_elses (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ReplicaCorruptError, match="not made by Outpost"):
        open_replica(tmp_path)


def test_checked_in_schema1_replica_opens_with_its_unsynced_work(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)
    r = open_replica(tmp_path)
    with r.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        ops = [m.op for m in s.execute(select(Mutation).order_by(Mutation.seq)).scalars()]
        assert s.execute(select(func.count()).select_from(Ticket)).scalar() == 2
    assert ops[:3] == ["person.create", "ticket.create", "ticket.comment"]
    assert all(m == "pending" for m in _states(r))
    ticket = TicketQueries(r).detail(TicketQueries(r).resolve_ref("L1"))
    assert ticket.status == "resolved" and ticket.requester == "Nia Okafor" and ticket.minutes_logged == 20
    # and it is still writable: the next local number continues
    new = TicketService(r).create_ticket(NewTicket(subject="x", queue_id=ticket.queue_id)).entity_id
    assert TicketQueries(r).detail(new).local_number == 3


def _states(r: object) -> list[str]:
    with r.read() as s:  # type: ignore[attr-defined]
        return list(s.execute(select(Mutation.state)).scalars())


def test_upgrade_backs_up_then_steps_in_transactions_keeping_the_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE tickets ADD COLUMN upgraded_marker TEXT DEFAULT 'yes'")

    monkeypatch.setattr(schema_upgrade, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(schema_upgrade.UPGRADE_STEPS, 2, add_column)
    r = open_replica(tmp_path)
    assert r.upgraded_from == 1
    backups = list(tmp_path.glob("replica.schema1.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as b:
        assert b.execute("PRAGMA user_version").fetchone()[0] == 1
        assert b.execute("SELECT count(*) FROM journal").fetchone()[0] == 8
    with r.read() as s:
        assert s.execute(text("PRAGMA user_version")).scalar() == 2
        assert s.execute(text("SELECT count(*) FROM tickets WHERE upgraded_marker = 'yes'")).scalar() == 2
    assert len(_states(r)) == 8


def test_failing_upgrade_step_leaves_file_at_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM journal")
        raise RuntimeError("step failed half-way")

    monkeypatch.setattr(schema_upgrade, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(schema_upgrade.UPGRADE_STEPS, 2, broken)
    with pytest.raises(RuntimeError):
        open_replica(tmp_path)
    with sqlite3.connect(tmp_path / REPLICA_FILENAME) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 1
        assert c.execute("SELECT count(*) FROM journal").fetchone()[0] == 8


def test_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path, replica_mode: str) -> None:
    r = open_replica(prepare_data_dir(tmp_path, replica_mode))
    set_up_standalone(r, name="A", username="a")
    queue = Directory(r).queue_by_name("IT").id
    first = TicketService(r).create_ticket(NewTicket(subject="kept", queue_id=queue)).entity_id
    r.engine.dispose()

    @event.listens_for(r.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _rec: object) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    with pytest.raises(DiskFullError, match="disk is full"):
        for _ in range(200):
            big = NewTicket(subject="x" * 250, queue_id=queue, description="y" * 4000)
            TicketService(r).create_ticket(big)
    event.remove(r.engine, "connect", _cap)
    r.engine.dispose()
    assert TicketQueries(r).detail(first).subject == "kept"
    with r.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        tickets = s.execute(select(func.count()).select_from(Ticket)).scalar()
        creates = s.execute(select(func.count()).where(Mutation.op == "ticket.create")).scalar()
    assert tickets == creates  # every saved ticket has its journal entry, and no more
