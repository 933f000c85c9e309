"""Schema step 3 (the sync tables): the checked-in schema-1 replica upgrades without losing a
journal entry, and its unsynced standalone work then reaches a real server."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from sync.replica import schema_upgrade
from sync.replica.replica import REPLICA_FILENAME
from sync.replica.sync_models import SYNC_TABLES

FIXTURE = Path(__file__).resolve().parents[1] / "replica" / "fixtures" / "schema1" / REPLICA_FILENAME


def _journal(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        sql = "SELECT seq, id, op, entity_id, payload, device_time FROM journal ORDER BY seq"
        return c.execute(sql).fetchall()


def test_schema1_replica_upgrades_to_the_sync_tables_and_its_journal_is_pushed(
    tmp_path: Path, server: ServerUnderTest
) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / REPLICA_FILENAME)
    before = _journal(folder / REPLICA_FILENAME)
    assert len(before) == 8

    desk = Desk.create(folder, server, "fixture", connect=False)
    assert desk.replica.upgraded_from == 1
    with sqlite3.connect(folder / REPLICA_FILENAME) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == schema_upgrade.SCHEMA_VERSION >= 3
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {t.name for t in SYNC_TABLES} <= tables
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _journal(folder / REPLICA_FILENAME) == before  # not one byte of intent changed

    desk.connect()
    report = desk.sync()
    assert (report.applied, report.rejected, report.conflicts) == (8, 0, 0)
    assert desk.states() == {"applied": 8}
    with server.db.engine.connect() as c:
        from sqlalchemy import text

        subjects = sorted(r[0] for r in c.execute(text("SELECT subject FROM tickets")))
        statuses = dict(c.execute(text("SELECT subject, status FROM tickets")).all())
        articles = [r[0] for r in c.execute(text("SELECT title FROM articles"))]
    assert subjects == ["Laptop will not boot", "Printer offline on floor 2"]
    assert statuses["Laptop will not boot"] == "resolved"
    assert articles == ["Recover a BitLocker laptop"]
    desk.close()
