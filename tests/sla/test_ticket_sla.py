"""SLA clocks of real tickets on a real replica, kept in step by every write.

The built-in configuration counts P2-P4 in office hours, Monday to Friday 08:00-18:00 UTC
(P2: respond 1 h, resolve 8 h; P3: 4 h / 30 h; P4: 10 h / 50 h); 2026-03-02 is a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from support.clocks import DeviceClock

from sync.domain.priority import Priority
from sync.ids import new_id
from sync.replica.models import Activity, Ticket
from sync.replica.replica import Replica
from sync.services.sla_recompute import SlaRecompute
from sync.services.sla_service import SlaService
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork
from sync.sla import SlaState


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def stored(replica: Replica, ticket_id: str) -> tuple[datetime | None, str]:
    with replica.read() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.due_at, ticket.sla_state


def new_ticket(replica: Replica, queue: str, impact: int = 2, urgency: int = 2) -> str:
    return (
        TicketService(replica)
        .create_ticket(NewTicket("Projector dead", queue, impact=impact, urgency=urgency))
        .entity_id
    )


def test_a_new_ticket_stores_its_first_deadline_in_the_create_transaction(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue)  # P3 at Monday 09:00
    assert stored(replica, tid) == (at(2, 13), "ok")  # respond within 4 office hours
    sla = TicketQueries(replica).detail(tid).sla
    assert sla is not None and sla.policy == "standard"
    assert (sla.first_response_due_at, sla.resolution_due_at) == (at(2, 13), at(5, 9))


def test_pause_over_a_weekend_stops_the_clock_and_resuming_continues_it(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    clock.set(6, 16)  # Friday 16:00
    tid = new_ticket(replica, it_queue)
    work, service = TicketWork(replica), TicketService(replica)
    clock.set(6, 16, 30)
    work.reply(tid, "Can you send a photo of the error?")
    clock.set(6, 17)
    service.change_status(tid, "pending_requester")
    assert stored(replica, tid) == (None, "paused")  # no deadline while waiting on the requester
    clock.set(9, 10)  # Monday 10:00: the weekend and Monday 08-10 did not count
    service.change_status(tid, "open")
    # 1 h counted on Friday; 29 h left of 30: Mon 8 h, Tue 10 h, Wed 10 h, Thu 1 h.
    assert stored(replica, tid) == (at(12, 9), "ok")
    status = SlaService(replica).ticket_status(tid, at(9, 12))
    assert status.resolution.elapsed_seconds == 3 * 3600
    assert status.first_response.state is SlaState.MET


def test_reopening_continues_the_resolution_clock_from_where_it_stopped(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue, impact=1, urgency=2)  # P2: resolve in 8 office hours
    service = TicketService(replica)
    clock.set(2, 9, 30)
    TicketWork(replica).reply(tid, "Looking at it now.")
    clock.set(2, 12)
    service.change_status(tid, "resolved", resolution="Replaced the lamp.")
    assert stored(replica, tid) == (None, "met")
    clock.set(3, 9)  # the requester answers the next morning: reopened
    TicketWork(replica).add_comment(tid, "reply", "Still flickering.", from_requester=True)
    # 3 h counted before resolving; 5 h left from Tuesday 09:00. Time resolved never counts.
    assert stored(replica, tid) == (at(3, 14), "ok")


def test_a_missed_first_response_is_breached_and_filterable(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue, impact=1, urgency=2)  # P2: respond within 1 h
    other = new_ticket(replica, it_queue, impact=3, urgency=3)  # P4
    clock.set(2, 10, 30)
    TicketWork(replica).note(tid, "Waiting for the spare lamp.")  # any write refreshes the clock
    assert stored(replica, tid) == (at(2, 10), "breached")
    queries = TicketQueries(replica)
    from sync.services.ticket_queries import TicketFilter

    assert [r.id for r in queries.rows(TicketFilter(sla_states=("breached",)))] == [tid]
    assert [r.id for r in queries.rows(TicketFilter(due_before=clock.now))] == [tid]
    counts = SlaService(replica).due_counts(clock.now, within=timedelta(hours=8))
    assert (counts.overdue, counts.due_soon) == (1, 0)
    assert stored(replica, other)[1] == "ok"


def test_a_priority_raise_switches_targets_and_can_breach_at_once(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue, impact=3, urgency=3)  # P4: respond within 10 h
    assert stored(replica, tid) == (at(3, 9), "ok")
    clock.set(2, 11)
    TicketService(replica).update_ticket(tid, {"priority": 2}, reason="Exam room projector")
    # Two office hours have passed; P2's 1 h target was reached at 10:00.
    status = SlaService(replica).ticket_status(tid, clock.now)
    assert status.priority is Priority.HIGH
    assert stored(replica, tid) == (at(2, 10), "breached")


def test_device_time_counts_not_the_time_a_change_arrives(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue)  # P3 at 09:00: respond by 13:00
    clock.set(2, 10, 5)  # offline in the basement
    TicketWork(replica).reply(tid, "Replaced the fuse.")
    late = SlaService(replica).ticket_status(tid, at(2, 16))  # read at 16:00, after syncing
    assert late.first_response.met_at == at(2, 10, 5)
    assert late.first_response.state is SlaState.MET
    # A status change made on another device at 10:05 that only reaches this replica at
    # 16:00 (written as a pull would: the ticket row and its activity with the device time).
    with replica.write() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None
        ticket.status = "pending_third_party"
        s.add(
            Activity(
                id=new_id(),
                entity_type="ticket",
                entity_id=tid,
                actor_id=None,
                field="status",
                old_value="open",
                new_value="pending_third_party",
                note="",
                at=at(2, 10, 5),
            )
        )
    SlaRecompute(replica).run(at(2, 16))
    status = SlaService(replica).ticket_status(tid, at(2, 16))
    assert status.resolution.elapsed_seconds == 65 * 60  # paused since 10:05, not 16:00
    assert stored(replica, tid) == (None, "paused")


def test_every_write_kind_refreshes_the_stored_state(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    tid = new_ticket(replica, it_queue, impact=1, urgency=2)  # P2: respond by 10:00
    work = TicketWork(replica)
    for minute, write in (
        (45, lambda: work.log_work(tid, 15, note="diagnosis")),
        (50, lambda: TicketService(replica).link(tid, new_ticket(replica, it_queue))),
    ):
        clock.set(2, 9, minute)
        write()
        assert stored(replica, tid)[1] == "warning"  # past 75 % of the hour
    clock.set(2, 10, 1)
    TicketService(replica).assign(tid, replica.current_user_id)
    assert stored(replica, tid)[1] == "breached"
    with replica.read() as s:
        assert s.execute(select(Ticket.sla_state).where(Ticket.id == tid)).scalar_one() == "breached"
