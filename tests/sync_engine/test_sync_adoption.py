"""Local records becoming the server's (same names), and a round cancelled half-way."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from sync import protocol
from sync.engine.errors import SyncCancelledError
from sync.engine.id_remap import resolve_name_clash
from sync.engine.progress import CancelToken, SyncProgress
from sync.engine.pull_apply import PageApplier
from sync.engine.replica_conn import get_setting, open_engine_connection, transaction
from sync.engine.sync_client import PullPage
from sync.replica.replica import open_replica
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService

MakeDesk = Callable[..., Desk]


def test_a_never_synced_local_agent_with_the_servers_user_name_becomes_the_server_record(
    tmp_path: Path,
) -> None:
    replica = open_replica(tmp_path)
    me = set_up_standalone(replica, name="Sam Local", username="sam")
    queue = next(iter(replica.engine.connect().exec_driver_sql("SELECT id FROM queues WHERE name = 'IT'")))[0]
    ticket = TicketService(replica).create_ticket(
        NewTicket(subject="Fan noise", queue_id=queue, assignee_id=me)
    )
    replica.close()
    conn = open_engine_connection(tmp_path / "replica.db")
    with transaction(conn):
        resolve_name_clash(conn, "people", "username", "server-sam", "SAM")
        resolve_name_clash(conn, "queues", "name", "server-it", "it")
    assert conn.execute("SELECT assignee_id, queue_id FROM tickets").fetchone() == ("server-sam", "server-it")
    assert (
        conn.execute("SELECT value FROM replica_settings WHERE key = 'current_user_id'").fetchone()[0]
        == "server-sam"
    )
    assert conn.execute("SELECT count(*) FROM people WHERE id = ?", (me,)).fetchone()[0] == 0
    payload = json.loads(
        conn.execute("SELECT payload FROM journal WHERE entity_id = ?", (ticket.entity_id,)).fetchone()[0]
    )
    assert payload["ticket"]["queue_id"] == "server-it" and payload["ticket"]["assignee_id"] == "server-sam"
    conn.close()


def test_a_synced_record_holding_a_name_the_server_gives_another_steps_aside(tmp_path: Path) -> None:
    open_replica(tmp_path).close()
    conn = open_engine_connection(tmp_path / "replica.db")
    with transaction(conn):
        conn.execute(
            "INSERT INTO queues (id, name, description, categories, version) VALUES ('q1', 'IT', '', '', 4)"
        )
        resolve_name_clash(conn, "queues", "name", "q2", "IT")  # the server renamed q1 and gave q2 its name
    assert conn.execute("SELECT id, name FROM queues").fetchall() == [
        ("q1", "IT ~q1")
    ]  # until q1's record comes
    conn.close()


def test_a_cancelled_round_keeps_every_committed_page_and_the_next_one_continues(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    bob = desk(server, "bob")
    bob.sync()
    for i in range(30):
        bob.new_ticket(f"Desk {i}")
    bob.sync(push_batch=1)  # one version per ticket (a pushed batch shares one), so pages can split
    a = desk(server, "alice")
    cancel = CancelToken()

    def progress(p: SyncProgress) -> None:
        if p.phase == "pull" and p.done >= 20:
            cancel.cancel()  # e.g. the person closed the app

    engine = a.engine(pull_limit=10)
    with pytest.raises(SyncCancelledError):
        engine.run_round(progress, cancel)
    with sqlite3.connect(a.path / "replica.db") as c:
        kept = c.execute("SELECT count(*) FROM tickets").fetchone()[0]
        assert 0 < kept < 30 and c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert a.replica.get_setting("sync.last_error_kind") == "cancelled"
    report = a.engine(pull_limit=10).run_round()
    assert report.pulled_records > 0
    with sqlite3.connect(a.path / "replica.db") as c:
        assert c.execute("SELECT count(*) FROM tickets").fetchone()[0] == 30


def _page(cursor: str, subject: str, version: int) -> PullPage:
    ticket = {
        "id": "t-1",
        "version": version,
        "number": 7,
        "local_number": None,
        "origin_client_id": None,
        "subject": subject,
        "description": "",
        "type": "incident",
        "category": "",
        "impact": 3,
        "urgency": 3,
        "priority": 4,
        "priority_overridden": False,
        "status": "new",
        "queue_id": "q",
        "assignee_id": None,
        "requester_id": None,
        "tier": 1,
        "location": "",
        "asset": "",
        "resolution": "",
        "merged_into_id": None,
        "created_at": "2026-03-02T08:00:00+00:00",
        "updated_at": "2026-03-02T08:00:00+00:00",
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "tags": ["a"],
    }
    server = protocol.ServerInfo(server_id="s", epoch=1, protocol_min=1, protocol_max=1, server_version="t")
    return PullPage(cursor, False, {"tickets": [ticket]}, [], [], False, version, server)


def test_a_stale_or_repeated_page_never_moves_the_cursor_back_nor_overwrites_newer_data(
    tmp_path: Path,
) -> None:
    open_replica(tmp_path).close()
    conn = open_engine_connection(tmp_path / "replica.db")
    applier = PageApplier(conn, tmp_path / "attachments", resync=False, now="2026-03-02 09:00:00.000000")
    assert applier.apply(_page("c1", "first", 1), None) is not None
    assert applier.apply(_page("c2", "second", 2), "c1") is not None
    assert (
        applier.apply(_page("c1-again", "first (late duplicate)", 1), None) is None
    )  # asked from an old cursor
    assert get_setting(conn, "cursor") == "c2"
    assert conn.execute("SELECT subject, version FROM tickets").fetchone() == ("second", 2)
    # Even a page accepted by the cursor check never replaces a record with an older version.
    assert applier.apply(_page("c3", "older copy", 1), "c2") is not None
    assert conn.execute("SELECT subject, version FROM tickets").fetchone() == ("second", 2)
    conn.close()
