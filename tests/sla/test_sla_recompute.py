"""Configuration changes and the batched, resumable recompute of every ticket's SLA columns."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select
from support.clocks import DeviceClock

from sync.errors import PermissionDeniedError, ValidationError
from sync.replica.models import Mutation, Ticket
from sync.replica.replica import Replica
from sync.services.config_documents import apply_config_change
from sync.services.directory import Directory
from sync.services.sla_recompute import RecomputeProgress, SlaRecompute, recompute_tickets
from sync.services.sla_service import SlaService
from sync.services.ticket_service import NewTicket, TicketService
from sync.sla import BusinessCalendar, SlaConfig, default_sla_config, default_sla_policy


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def config_with_holiday(holiday: date) -> SlaConfig:
    """The built-in configuration, with a holiday in the office-hours calendar."""
    return SlaConfig(
        calendars=[
            BusinessCalendar.always_open("24/7"),
            BusinessCalendar.weekdays("office-hours", "UTC", time(8), time(18), holidays=[holiday]),
        ],
        policies=[default_sla_policy()],
        rules=[],
        default_policy="standard",
    )


def dues(replica: Replica) -> dict[str, datetime | None]:
    with replica.read() as s:
        return {tid: due for tid, due in s.execute(select(Ticket.id, Ticket.due_at))}


def make_tickets(replica: Replica, clock: DeviceClock, queue: str, count: int) -> list[str]:
    service = TicketService(replica)
    ids = []
    for n in range(count):
        clock.set(2, 16, n)  # Monday afternoons, P3: respond within 4 office hours
        ids.append(service.create_ticket(NewTicket(f"Ticket {n}", queue, impact=2, urgency=2)).entity_id)
    return ids


def test_a_holiday_moves_deadlines_after_the_recompute(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    [tid] = make_tickets(replica, clock, it_queue, 1)
    assert dues(replica)[tid] == at(3, 10)  # 2 h on Monday, 2 h on Tuesday
    SlaService(replica).save_config(config_with_holiday(date(2026, 3, 3)))
    recompute = SlaRecompute(replica)
    assert recompute.pending()  # stored columns are stale until the recompute
    assert dues(replica)[tid] == at(3, 10)
    result = recompute.run(at(2, 17))
    assert result == RecomputeProgress(done=1, total=1, changed=1, finished=True)
    assert dues(replica)[tid] == at(4, 10)  # Tuesday is a holiday
    assert not recompute.pending()
    with replica.read() as s:
        ops = s.execute(select(Mutation.op, Mutation.payload).where(Mutation.op == "config.sla")).all()
    assert len(ops) == 1 and ops[0][1]["document"] == config_with_holiday(date(2026, 3, 3)).to_dict()


def test_recompute_reports_progress_cancels_between_batches_and_resumes(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    make_tickets(replica, clock, it_queue, 25)
    SlaService(replica).save_config(config_with_holiday(date(2026, 3, 3)))
    seen: list[RecomputeProgress] = []
    recompute = SlaRecompute(replica, batch_size=10)
    first = recompute.run(at(2, 17), progress=seen.append, cancelled=lambda: len(seen) >= 1)
    assert first == RecomputeProgress(done=10, total=25, changed=10, finished=False)
    assert recompute.pending()
    # A new run (say, after the app restarted) resumes after the first ten.
    rest = SlaRecompute(replica, batch_size=10).run(at(2, 17), progress=seen.append)
    assert rest == RecomputeProgress(done=25, total=25, changed=25, finished=True)
    assert [p.done for p in seen] == [10, 20, 25, 25]
    assert set(dues(replica).values()) == {at(4, 10, n) for n in range(25)}  # after the holiday
    assert not recompute.pending()


def test_a_configuration_change_during_a_scan_restarts_it(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    make_tickets(replica, clock, it_queue, 12)
    service = SlaService(replica)
    service.save_config(config_with_holiday(date(2026, 3, 3)))
    SlaRecompute(replica, batch_size=5).run(at(2, 17), cancelled=iter([False, True]).__next__)
    service.save_config(default_sla_config())  # the holiday is withdrawn mid-scan
    result = SlaRecompute(replica, batch_size=5).run(at(2, 17))
    assert result.done == 12 and result.finished
    assert all(due is not None and due.day == 3 for due in dues(replica).values())


def test_only_admins_change_the_sla_configuration_and_bad_documents_are_refused(
    replica: Replica, clock: DeviceClock
) -> None:
    with pytest.raises(ValidationError, match="invalid"):
        SlaService(replica).save_config({"calendars": [], "policies": [], "default_policy": "x"})
    agent = Directory(replica).add_requester("Rita Requester").entity_id
    replica.set_setting("current_user_id", agent)
    with pytest.raises(PermissionDeniedError):
        SlaService(replica).save_config(default_sla_config("Europe/Berlin"))
    assert SlaService(replica).config() == default_sla_config()


def test_the_sync_engine_refreshes_pulled_tickets_on_its_own_connection(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    [tid] = make_tickets(replica, clock, it_queue, 1)  # Monday 16:00, P3
    conn = sqlite3.connect(replica.path, isolation_level=None)
    try:  # a pull: another device put the ticket on hold at 16:30 (device time)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE tickets SET status = 'pending_third_party' WHERE id = ?", (tid,))
        conn.execute(
            "INSERT INTO activity (id, entity_type, entity_id, actor_id, field, old_value, new_value,"
            " note, at, version) VALUES ('a1', 'ticket', ?, NULL, 'status', 'new',"
            " 'pending_third_party', '', '2026-03-02 16:30:00.000000', 3)",
            (tid,),
        )
        assert recompute_tickets(conn, [tid], at(2, 18)) == 1
        conn.execute("COMMIT")
    finally:
        conn.close()
    with replica.read() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None and (ticket.due_at, ticket.sla_state) == (None, "paused")


def test_an_unreadable_synced_configuration_never_blocks_writes(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    with replica.write() as s:  # as if pulled from a newer Outpost
        apply_config_change(s, "config.sla", {"document": {"calendars": "from the future"}})
    [tid] = make_tickets(replica, clock, it_queue, 1)
    assert dues(replica)[tid] == at(3, 10)  # the built-in configuration still counts
    assert SlaRecompute(replica).run(at(2, 17)).finished
