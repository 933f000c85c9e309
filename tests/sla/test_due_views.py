"""The "due" column: sorting and filtering by deadline, counts, notifications and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.clocks import DeviceClock

from sync.cli.main import run
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import Replica, open_replica
from sync.services.sla_recompute import SlaRecompute
from sync.services.sla_service import SlaService
from sync.services.ticket_queries import TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_service import NewTicket, TicketService


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def desk(replica: Replica, clock: DeviceClock, it_queue: str) -> dict[str, str]:
    """Four tickets created Monday 09:00: P1 (due 09:15), P2 (10:00), P4 (Tue 09:00), and a
    P3 paused on the requester (no deadline)."""
    service = TicketService(replica)
    me = replica.current_user_id
    made = {}
    for name, impact, urgency in (("p4", 3, 3), ("p1", 1, 1), ("p2", 1, 2), ("paused", 2, 2)):
        made[name] = service.create_ticket(
            NewTicket(name, it_queue, impact=impact, urgency=urgency, assignee_id=me)
        ).entity_id
    service.change_status(made["paused"], "pending_requester")
    return made


def test_due_sort_puts_the_soonest_first_and_tickets_without_a_deadline_last(
    replica: Replica, desk: dict[str, str]
) -> None:
    queries = TicketQueries(replica)
    ascending = [r.id for r in queries.rows(TicketFilter(), TicketSort("due", descending=False))]
    assert ascending == [desk["p1"], desk["p2"], desk["p4"], desk["paused"]]
    descending = [r.id for r in queries.rows(TicketFilter(), TicketSort("due", descending=True))]
    assert descending == [desk["p4"], desk["p2"], desk["p1"], desk["paused"]]
    soon = queries.rows(
        TicketFilter(due_before=at(2, 12)), TicketSort("due", False), with_sla=True, now=at(2, 9)
    )
    assert [r.id for r in soon] == [desk["p1"], desk["p2"]]
    assert soon[0].sla is not None and soon[0].sla.first_response_due_at == at(2, 9, 15)
    assert soon[0].sla.seconds_left(at(2, 9)) == 15 * 60
    assert [r.id for r in queries.rows(TicketFilter(sla_states=("paused",)))] == [desk["paused"]]


def test_due_counts_and_my_tickets_about_to_breach(replica: Replica, desk: dict[str, str]) -> None:
    service = SlaService(replica)
    now = at(2, 9, 30)  # P1's response is 15 minutes overdue; P2's is due in 30
    counts = service.due_counts(now, within=timedelta(hours=1))
    assert (counts.overdue, counts.due_soon, counts.paused) == (1, 1, 1)
    me = replica.current_user_id
    assert me is not None
    alerts = service.about_to_breach(me, now, within=timedelta(hours=1))
    assert [(a.ticket_id, a.overdue, a.seconds_left) for a in alerts] == [
        (desk["p1"], True, -15 * 60),
        (desk["p2"], False, 30 * 60),
    ]
    assert alerts[0].key != service.about_to_breach(me, now)[1].key
    assert service.about_to_breach("someone-else", now) == []


def test_cli_lists_and_shows_sla_deadlines_and_states(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "cli")
    assert run(["--data-dir", data, "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    for subject, impact in (("Server down", "1"), ("New mouse", "3")):
        assert (
            run(
                [
                    "--data-dir",
                    data,
                    "ticket",
                    "new",
                    "--queue",
                    "IT",
                    "--subject",
                    subject,
                    "--impact",
                    impact,
                    "--urgency",
                    impact,
                ]
            )
            == 0
        )
    capsys.readouterr()
    assert run(["--data-dir", data, "ticket", "list", "--sort", "due", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["tickets"]
    assert [t["subject"] for t in listed] == ["Server down", "New mouse"]
    sla = listed[0]["sla"]
    assert sla["policy"] == "standard" and sla["state"] == "ok"
    assert {"first_response_due_at", "resolution_due_at", "first_response_state", "resolution_state"} <= set(
        sla
    )
    assert run(["--data-dir", data, "ticket", "list", "--due-before", "1h", "--json"]) == 0
    assert [t["subject"] for t in json.loads(capsys.readouterr().out)["tickets"]] == ["Server down"]
    assert run(["--data-dir", data, "ticket", "list", "--sla-state", "breached,warning", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0
    assert run(["--data-dir", data, "ticket", "show", "L1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["sla"]["first_response_due_at"] == listed[0]["sla"]["first_response_due_at"]
    assert run(["--data-dir", data, "ticket", "list", "--sla-state", "late"]) == 2
    assert "Unknown SLA state" in capsys.readouterr().err


def test_the_demo_replica_has_its_sla_columns_filled_as_a_recompute_would(tmp_path: Path) -> None:
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    build_demo_replica(tmp_path, DemoSpec(tickets=300, articles=5, now=now))
    replica = open_replica(tmp_path)
    try:
        states = {r.sla_state for r in TicketQueries(replica).rows(TicketFilter(), limit=1000)}
        assert {"met", "ok", "paused"} <= states and "" not in states
        assert SlaService(replica).config().calendars["office-hours"].time_zone == "Europe/London"
        assert SlaRecompute(replica).run(now).changed == 0
    finally:
        replica.close()
