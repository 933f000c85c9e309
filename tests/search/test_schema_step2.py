"""Schema step 2: the checked-in schema-1 replica upgrades with its journal intact and becomes
searchable, and an upgraded file has exactly the schema of a new one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import select, text

from sync.replica import schema_upgrade
from sync.replica.models import Mutation
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.search.search_service import SearchService

FIXTURE = Path(__file__).resolve().parents[1] / "replica" / "fixtures" / "schema1" / REPLICA_FILENAME


def _journal(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT seq, id, op, entity_id, payload, state FROM journal ORDER BY seq").fetchall()


def _schema(path: Path) -> dict[str, object]:
    """Every table's columns, indexes and foreign keys, and every trigger's and virtual table's SQL."""
    with sqlite3.connect(path) as c:
        out: dict[str, object] = {}
        for kind, name, sql in c.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name"):
            if kind == "table" and not (sql or "").startswith("CREATE VIRTUAL"):
                out[name] = (
                    c.execute(f"PRAGMA table_info('{name}')").fetchall(),
                    sorted(row[1:] for row in c.execute(f"PRAGMA index_list('{name}')")),  # not seq
                    sorted(row[2:] for row in c.execute(f"PRAGMA foreign_key_list('{name}')")),
                )
            elif kind == "index" and sql is not None:
                out[name] = c.execute(f"PRAGMA index_xinfo('{name}')").fetchall()
            elif kind in ("trigger", "table"):
                out[name] = " ".join((sql or "").split())
        out["fts config"] = c.execute(
            "SELECT * FROM ticket_fts_config UNION ALL SELECT * FROM article_fts_config"
        ).fetchall()
        return out


def test_schema1_replica_upgrades_keeps_its_journal_and_is_searchable(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)
    journal_before = _journal(tmp_path / REPLICA_FILENAME)
    r = open_replica(tmp_path)
    assert r.upgraded_from == 1
    with r.read() as s:
        assert s.execute(text("PRAGMA user_version")).scalar() == schema_upgrade.SCHEMA_VERSION >= 2
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert all(m.state == "pending" for m in s.execute(select(Mutation)).scalars())
    assert _journal(tmp_path / REPLICA_FILENAME) == journal_before  # not one byte of intent changed
    assert len(list(tmp_path.glob("replica.schema1.*.bak"))) == 1
    search = SearchService(r)
    hits = search.search("bitlocker").tickets
    assert [h.display_number for h in hits] == ["L1"]
    assert [a.title[1].text for a in search.search("bitlocker").articles] == ["BitLocker"]  # highlighted
    assert [h.display_number for h in search.search("printer offline").tickets] == ["L2"]
    r.close()


def test_upgraded_and_new_replicas_have_the_same_schema(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)
    open_replica(tmp_path).close()
    open_replica(tmp_path / "new").close()
    assert _schema(tmp_path / REPLICA_FILENAME) == _schema(tmp_path / "new" / REPLICA_FILENAME)
