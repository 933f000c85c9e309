"""Schema step 5 (a ticket's channel): the checked-in schema-4 replica, made by the code of
that version, upgrades with its journal intact; its tickets read ``phone``; an upgraded file
and a new one have the same ``tickets`` table; new tickets take the channel they are given."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import text

from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import NewTicket, TicketService

FIXTURE = Path(__file__).parent / "fixtures" / "schema4" / REPLICA_FILENAME


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as c:
        return c.execute(sql).fetchall()


def test_schema4_replica_upgrades_its_tickets_to_phone_and_keeps_its_journal(tmp_path: Path) -> None:
    path = tmp_path / REPLICA_FILENAME
    shutil.copy(FIXTURE, path)
    assert _rows(path, "PRAGMA user_version") == [(4,)]
    journal = _rows(path, "SELECT seq, id, op, entity_id, payload, state FROM journal ORDER BY seq")
    r = open_replica(tmp_path)
    assert r.upgraded_from == 4
    [backup] = tmp_path.glob("replica.schema4.*.bak")
    assert _rows(backup, "PRAGMA user_version") == [(4,)]
    with r.read() as s:
        assert s.execute(text("PRAGMA user_version")).scalar() >= 5
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert _rows(path, "SELECT seq, id, op, entity_id, payload, state FROM journal ORDER BY seq") == journal
    queries = TicketQueries(r)
    old = queries.rows(TicketFilter(), limit=10)
    assert len(old) == 2
    assert {queries.detail(t.id).channel for t in old} == {"phone"}
    queue_id = queries.detail(old[0].id).queue_id
    made = TicketService(r).create_ticket(
        NewTicket(subject="Mail bounced", queue_id=queue_id, channel="email")
    )
    assert queries.detail(made.entity_id).channel == "email"
    r.close()


def test_upgraded_and_new_replicas_have_the_same_tickets_table(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / REPLICA_FILENAME)
    open_replica(tmp_path).close()
    open_replica(tmp_path / "new").close()
    upgraded = _rows(tmp_path / REPLICA_FILENAME, "PRAGMA table_info('tickets')")
    assert upgraded == _rows(tmp_path / "new" / REPLICA_FILENAME, "PRAGMA table_info('tickets')")
    assert ("channel", "VARCHAR(16)", 1, "'phone'") in [row[1:5] for row in upgraded]
