"""Round-robin and least-loaded assignment within a queue, respecting shifts."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from sync.automation.assignment import Assignment, Strategy
from sync.automation.rule_store import RuleStore
from sync.automation.shifts import ShiftStore
from sync.errors import ValidationError
from sync.replica.replica import Replica
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from tests.automation.conftest import DeviceClock

WEEKDAYS_9_TO_5 = [[(time(9), time(17))]] * 5 + [[], []]


def new(replica: Replica, queue: str, subject: str = "Help") -> str:
    return TicketService(replica).create_ticket(NewTicket(subject, queue)).entity_id


def assignee(replica: Replica, ticket_id: str) -> str | None:
    return TicketQueries(replica).detail(ticket_id).assignee_id


def test_round_robin_cycles_through_the_queue_in_a_fixed_order(
    replica: Replica, it_queue: str, agents: dict[str, str]
) -> None:
    assign = Assignment(replica)
    chosen = []
    for _ in range(4):
        tid = new(replica, it_queue)
        assign.assign_next(tid, Strategy.ROUND_ROBIN)
        chosen.append(assignee(replica, tid))
    assert chosen == [agents["ana"], agents["bob"], agents["cleo"], agents["ana"]]


def test_agents_off_shift_are_passed_over_in_their_own_time_zone(
    replica: Replica, clock: DeviceClock, it_queue: str, agents: dict[str, str]
) -> None:
    shifts = ShiftStore(replica)
    shifts.set_shift(agents["bob"], "Europe/Berlin", WEEKDAYS_9_TO_5)  # 08:00-16:00 UTC in March
    shifts.set_shift(agents["cleo"], "America/New_York", WEEKDAYS_9_TO_5)  # 14:00-22:00 UTC
    clock.set(2, 7, 30)  # 08:30 in Berlin, 02:30 in New York: only Ana (no shift: always on)
    assert [a.name for a in Assignment(replica).on_shift(it_queue)] == ["Ana Admin"]
    clock.set(2, 9)
    assert [a.name for a in Assignment(replica).on_shift(it_queue)] == ["Ana Admin", "Bob Builder"]
    clock.set(2, 15)
    assert [a.name for a in Assignment(replica).on_shift(it_queue)] == [
        "Ana Admin",
        "Bob Builder",
        "Cleo Coder",
    ]
    clock.set(7, 15)  # Saturday: only Ana
    tid = new(replica, it_queue)
    Assignment(replica).assign_next(tid)
    assert assignee(replica, tid) == agents["ana"]


def test_least_loaded_takes_the_agent_with_fewest_open_tickets(
    replica: Replica, it_queue: str, agents: dict[str, str]
) -> None:
    service = TicketService(replica)
    for owner, count in (("ana", 2), ("bob", 1), ("cleo", 3)):
        for _ in range(count):
            service.assign(new(replica, it_queue), agents[owner])
    done = new(replica, it_queue)
    service.assign(done, agents["bob"])
    service.change_status(done, "resolved", resolution="Fixed.")  # resolved work is not load
    tid = new(replica, it_queue)
    Assignment(replica).assign_next(tid, Strategy.LEAST_LOADED)
    assert assignee(replica, tid) == agents["bob"]


def test_nobody_on_shift_leaves_the_ticket_unassigned_with_a_reason(
    replica: Replica, clock: DeviceClock, it_queue: str, agents: dict[str, str]
) -> None:
    shifts = ShiftStore(replica)
    for name in ("ana", "bob", "cleo"):
        shifts.set_shift(agents[name], "UTC", WEEKDAYS_9_TO_5)
    clock.set(2, 20)
    tid = new(replica, it_queue)
    with pytest.raises(ValidationError, match="Nobody"):
        Assignment(replica).assign_next(tid)
    RuleStore(replica).save(
        {"name": "Spread", "event": "created", "actions": [{"kind": "assign_round_robin"}]}
    )
    late = new(replica, it_queue)
    detail = TicketQueries(replica).detail(late)
    assert detail.assignee_id is None
    assert [(a.new_value, "on shift" in a.note) for a in detail.activity if a.field == "automation"] == [
        ("skipped", True)
    ]
    clock.set(3, 10)
    assert assignee(replica, new(replica, it_queue)) == agents["ana"]  # the rule assigns in hours


def test_a_rule_assigns_new_tickets_round_robin(
    replica: Replica, it_queue: str, agents: dict[str, str]
) -> None:
    RuleStore(replica).save(
        {
            "name": "Spread IT",
            "event": "created",
            "conditions": [{"field": "queue", "op": "is", "value": it_queue}],
            "actions": [{"kind": "assign_round_robin"}],
        }
    )
    owners = [assignee(replica, new(replica, it_queue)) for _ in range(3)]
    assert owners == [agents["ana"], agents["bob"], agents["cleo"]]
    assert {row.status for row in TicketQueries(replica).rows(TicketFilter())} == {
        "open"
    }  # assigning a new ticket opens it


def test_shift_documents_are_validated_and_manager_only(replica: Replica, agents: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        ShiftStore(replica).set_shift(agents["bob"], "Mars/Olympus", WEEKDAYS_9_TO_5)
    ShiftStore(replica).set_shift(agents["bob"], "UTC", WEEKDAYS_9_TO_5)
    shift = ShiftStore(replica).get(agents["bob"])
    assert shift is not None and shift.is_on(datetime(2026, 3, 2, 10, tzinfo=UTC))
    ShiftStore(replica).clear(agents["bob"])
    assert ShiftStore(replica).get(agents["bob"]) is None
