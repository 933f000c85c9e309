"""The seeded demo generator, on real replica files."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.cli.main import run
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.errors import ValidationError
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.services.article_service import ArticleService
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _dump(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path / REPLICA_FILENAME) as c:
        rows: list[tuple[object, ...]] = []
        for table in ("tickets", "comments", "work_logs", "activity", "articles", "people"):
            rows += c.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        return rows


def test_same_seed_same_replica_other_seed_differs(tmp_path: Path) -> None:
    spec = DemoSpec(tickets=120, articles=10, seed=3, now=NOW)
    build_demo_replica(tmp_path / "a", spec)
    build_demo_replica(tmp_path / "b", spec)
    build_demo_replica(tmp_path / "c", DemoSpec(tickets=120, articles=10, seed=4, now=NOW))
    assert _dump(tmp_path / "a") == _dump(tmp_path / "b")
    assert _dump(tmp_path / "a") != _dump(tmp_path / "c")


def test_demo_is_a_believable_working_help_desk(tmp_path: Path) -> None:
    summary = build_demo_replica(tmp_path, DemoSpec(tickets=500, articles=40, now=NOW))
    assert summary.tickets == 500 and summary.articles == 40
    r = open_replica(tmp_path)
    q = TicketQueries(r)
    rows = q.rows(TicketFilter(), limit=1000)
    assert len(rows) == 500
    statuses = Counter(row.status for row in rows)
    assert set(statuses) == {
        "new",
        "open",
        "in_progress",
        "pending_requester",
        "pending_third_party",
        "resolved",
        "closed",
    }
    assert {row.queue for row in rows} == {"IT", "Facilities", "HR"}
    ages = [(NOW - row.updated_at).days for row in rows]
    assert max(ages) <= 95 and min(ages) <= 2
    assert "{" not in "".join(row.subject for row in rows)  # every slot was filled
    me = r.current_user_id
    assert me is not None and q.count(TicketFilter.open_tickets(assignee_id=me)) > 0
    # resolved tickets carry a resolution, replies and logged work
    resolved = [row for row in rows if row.status == "resolved"][:20]
    details = [q.detail(row.id) for row in resolved]
    assert all(d.resolution and d.resolved_at for d in details)
    assert sum(len(d.comments) for d in details) > 20 and sum(d.minutes_logged for d in details) > 0
    assert any(c.kind == "note" for d in details for c in d.comments)
    assert any(c.from_requester for d in details for c in d.comments)
    # the articles are real and some are drafts
    arts = ArticleService(r).articles()
    assert {a.state for a in arts} == {"draft", "published"}
    assert all(len(ArticleService(r).detail(a.id).body) > 300 for a in arts[:10])
    # and the demo is writable by its agent like any replica
    queue = Directory(r).queue_by_name("IT").id
    new = TicketService(r).create_ticket(NewTicket(subject="Demo call", queue_id=queue)).entity_id
    TicketWork(r).reply(new, "On it")
    assert q.detail(new).local_number == 501
    r.close()


def test_existing_replica_is_not_overwritten(tmp_path: Path) -> None:
    build_demo_replica(tmp_path, DemoSpec(tickets=5, articles=2, now=NOW))
    with pytest.raises(ValidationError, match="--replace"):
        build_demo_replica(tmp_path, DemoSpec(tickets=5, now=NOW))
    r = open_replica(tmp_path)
    TicketService(r).update_ticket(TicketQueries(r).resolve_ref("L1"), {"subject": "My unsynced edit"})
    r.close()
    with pytest.raises(ValidationError, match="unsynced"):
        build_demo_replica(tmp_path, DemoSpec(tickets=5, now=NOW), replace=True)
    r = open_replica(tmp_path)
    assert TicketQueries(r).detail(TicketQueries(r).resolve_ref("L1")).subject == "My unsynced edit"
    r.close()


def test_demo_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["--data-dir", str(tmp_path), "demo", "--tickets", "30", "--articles", "5", "--seed", "9"]) == 0
    )
    assert "30 tickets, 5 articles" in capsys.readouterr().out
    assert run(["--data-dir", str(tmp_path), "demo", "--tickets", "30"]) == 1
    assert "--replace" in capsys.readouterr().err
    assert run(["--data-dir", str(tmp_path), "demo", "--tickets", "40", "--replace"]) == 0
    assert run(["--data-dir", str(tmp_path), "ticket", "list", "--status", "all", "--limit", "1000"]) == 0
    assert capsys.readouterr().out.count("\n") == 40 + 2  # header + rows + summary line of the demo command


#: Every timestamp the demo writes, as (table, column, the ticket it belongs to or NULL).
_DEMO_TIMES = (
    ("tickets", "created_at", "id"),
    ("tickets", "updated_at", "id"),
    ("tickets", "first_response_at", "id"),
    ("tickets", "resolved_at", "id"),
    ("tickets", "closed_at", "id"),
    ("comments", "created_at", "ticket_id"),
    ("work_logs", "logged_at", "ticket_id"),
    ("activity", "at", "entity_id"),
    ("articles", "created_at", "NULL"),
    ("articles", "updated_at", "NULL"),
    ("article_revisions", "created_at", "NULL"),
)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 16, 6, 0, tzinfo=UTC),  # Monday, before office hours
        datetime(2026, 11, 16, 9, 0, tzinfo=UTC),  # Monday morning
        datetime(2026, 11, 18, 0, 0, tzinfo=UTC),  # Wednesday midnight
        datetime(2026, 11, 18, 12, 0, tzinfo=UTC),  # Wednesday noon
        datetime(2026, 11, 18, 21, 0, tzinfo=UTC),  # Wednesday evening
        datetime(2026, 11, 21, 3, 0, tzinfo=UTC),  # Saturday night
        datetime(2026, 11, 22, 15, 0, tzinfo=UTC),  # Sunday afternoon
    ],
)
def test_no_demo_timestamp_is_after_now_or_before_its_ticket(tmp_path: Path, now: datetime) -> None:
    build_demo_replica(tmp_path, DemoSpec(tickets=300, articles=12, seed=3, now=now))
    limit = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(tmp_path / REPLICA_FILENAME) as c:
        for table, column, ticket in _DEMO_TIMES:
            late = c.execute(
                f"SELECT count(*), max({column}) FROM {table} WHERE {column} > ?", (limit,)
            ).fetchone()
            assert late[0] == 0, f"{table}.{column}: {late[0]} after {limit}, latest {late[1]}"
            if ticket != "NULL" and table != "tickets":
                early = c.execute(
                    f"SELECT count(*) FROM {table} x JOIN tickets t ON t.id = x.{ticket} "
                    f"WHERE x.{column} < t.created_at"
                ).fetchone()[0]
                assert early == 0, f"{table}.{column}: {early} before their ticket was created"
        newest = c.execute("SELECT max(created_at) FROM tickets").fetchone()[0]
    # the demo still reaches up to ``now``: its newest ticket is under a day old
    assert (now.replace(tzinfo=None) - datetime.fromisoformat(newest)).days < 3


def test_demo_tickets_came_in_by_a_believable_mix_of_channels(tmp_path: Path) -> None:
    build_demo_replica(tmp_path, DemoSpec(tickets=400, articles=2, now=NOW))
    with sqlite3.connect(tmp_path / "replica.db") as c:
        counts = dict(c.execute("SELECT channel, count(*) FROM tickets GROUP BY channel").fetchall())
    assert set(counts) == {"phone", "walk_in", "email", "portal", "agent"}
    assert max(counts, key=lambda k: counts[k]) == "phone" and counts["agent"] < counts["email"]
