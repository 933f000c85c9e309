"""Schema step 4 (a smaller file): the checked-in schema-3 replica, made by the code of that
version with its search index caught up, upgrades with its journal and tags intact and
still finds what it found before."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.search.search_service import SearchService
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import TicketService

FIXTURE = Path(__file__).parent / "fixtures" / "schema3" / REPLICA_FILENAME


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute(sql).fetchall()


def test_schema3_replica_upgrades_keeps_journal_and_tags_and_search_still_finds(tmp_path: Path) -> None:
    path = tmp_path / REPLICA_FILENAME
    shutil.copy(FIXTURE, path)
    journal = _rows(path, "SELECT seq, id, op, entity_id, payload, state FROM journal ORDER BY seq")
    tags = _rows(path, "SELECT ticket_id, tag FROM ticket_tags ORDER BY 1, 2")
    assert len(tags) == 3 and len(journal) == 9
    r = open_replica(tmp_path)
    assert r.upgraded_from == 3
    [backup] = tmp_path.glob("replica.schema3.*.bak")
    assert _rows(backup, "PRAGMA user_version") == [(3,)]
    with r.read() as s:
        assert s.execute(text("PRAGMA user_version")).scalar() >= 4  # later steps may follow
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        ddl = s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ticket_tags'")).scalar_one()
        assert "WITHOUT ROWID" in ddl
    assert _rows(path, "SELECT seq, id, op, entity_id, payload, state FROM journal ORDER BY seq") == journal
    assert _rows(path, "SELECT ticket_id, tag FROM ticket_tags ORDER BY 1, 2") == tags
    search = SearchService(r)
    assert [h.display_number for h in search.search("bitlocker").tickets] == ["L1"]
    assert [h.display_number for h in search.search("toner jammed").tickets] == ["L2"]  # a comment's words
    assert [h.display_number for h in search.search("printer tag:printer").tickets] == ["L2"]
    assert [a.title for a in search.search("bitlocker").articles]
    queries = TicketQueries(r)
    [laptop] = queries.rows(TicketFilter(tags=("laptop",)), limit=10)
    detail = queries.detail(laptop.id)
    assert [c.body for c in detail.comments] == [
        "Bring it to the service desk, please.",
        "BitLocker recovery likely",
    ]
    assert detail.minutes_logged == 20
    TicketService(r).update_ticket(laptop.id, {"tags": ["laptop", "urgent"]})  # the rebuilt table is writable
    assert {row.id for row in queries.rows(TicketFilter(tags=("urgent",)), limit=10)} == {laptop.id}
    r.close()


def test_new_replica_stores_tags_without_a_second_copy_of_their_key(tmp_path: Path) -> None:
    open_replica(tmp_path).close()
    rows = _rows(
        tmp_path / REPLICA_FILENAME, "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'ticket_tags'"
    )
    assert "WITHOUT ROWID" in dict(rows)["ticket_tags"]
    columns = _rows(tmp_path / REPLICA_FILENAME, "PRAGMA index_info('ix_comments_ticket')")
    assert [c[2] for c in columns] == ["ticket_id"]
