"""Schema step 7 (the standalone office's mail tables): a replica made by older code upgrades
to the same office-mail tables and indexes a new replica gets, with its journal intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sync.replica.replica import REPLICA_FILENAME, open_replica

FIXTURE = Path(__file__).parents[1] / "replica" / "fixtures" / "schema4" / REPLICA_FILENAME
_TABLES = ("office_mail_messages", "office_mail_thread_refs", "office_mail_outbox")


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute(sql).fetchall()


def _shape(path: Path) -> dict[str, object]:
    shape: dict[str, object] = {}
    for table in _TABLES:
        shape[table] = _rows(path, f"PRAGMA table_info('{table}')")
        for _seq, name, unique, *_rest in _rows(path, f"PRAGMA index_list('{table}')"):
            shape[f"{table}.{name}"] = (unique, _rows(path, f"PRAGMA index_info('{name}')"))
    return shape


def test_an_older_replica_upgrades_to_the_office_mail_tables_of_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / REPLICA_FILENAME
    shutil.copy(FIXTURE, path)
    journal = _rows(path, "SELECT seq, id, op, payload FROM journal ORDER BY seq")
    open_replica(tmp_path).close()
    open_replica(tmp_path / "new").close()
    assert _rows(path, "PRAGMA user_version") == _rows(
        tmp_path / "new" / REPLICA_FILENAME, "PRAGMA user_version"
    )
    upgraded, new = _shape(path), _shape(tmp_path / "new" / REPLICA_FILENAME)
    assert all(upgraded[t] for t in _TABLES)  # the tables exist
    assert upgraded == new
    assert _rows(path, "SELECT seq, id, op, payload FROM journal ORDER BY seq") == journal
