"""The tickets one report is computed from, loaded once from one side (replica or server).

A :class:`ReportSide` says where the records are (:class:`ReportTables`), how the report's
query becomes SQL conditions there, and which SLA configuration counts business time. The
replica's side is :data:`sync.reports.replica_side.REPLICA`; the server builds its own
(``sync.server.reports.report_side``) with the caller's scope as one more condition. This module
and the reports themselves import no client code (replica, services, search), so the
server can use them. Everything downstream of
:func:`load_report_data` is the same code for both.

Business time is the SLA clock's (:func:`sync.sla.compute_sla_status`): the ticket's
policy, the calendar of the priority in force, pending statuses and resolved periods not
counted. :meth:`ReportData.clock_at` runs that clock up to an instant, memoised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from sync.reports.request import ReportRequest
from sync.reports.ticket_facts import (
    ReportTables,
    Resolution,
    TicketFacts,
    load_ticket_facts,
    relevant_condition,
)
from sync.sla import SlaClock, SlaConfig, SlaStatus
from sync.sla.ticket_facts import compute_ticket_sla

__all__ = ["ReportData", "ReportSide", "desk_time_zone", "load_report_data"]

Conditions = Callable[[Session, ReportRequest, datetime], list[ColumnElement[bool]]]


@dataclass(frozen=True)
class ReportSide:
    tables: ReportTables
    conditions: Conditions
    sla_config: Callable[[Session], SlaConfig]
    #: Satisfaction (csat_report): the ratings table (``ticket_id``, ``score``, ``at``) and
    #: the portal's deflections (``at``); None on a side that does not keep them.
    ratings: Any = None
    deflections: Any = None


@dataclass
class ReportData:
    """The facts of every ticket that can count in the request's window, plus what is needed
    to name things (queue and people names) and to run SLA clocks."""

    request: ReportRequest
    tickets: list[TicketFacts]
    config: SlaConfig
    now: datetime
    queue_names: dict[str, str]
    people_names: dict[str, str]
    session: Session
    side: ReportSide
    #: The condition that selected ``tickets`` (for reading their work logs and links).
    selected: ColumnElement[bool]
    _clocks: dict[tuple[str, datetime], SlaStatus] = field(default_factory=dict)
    _resolution_clocks: dict[tuple[str, datetime, int], SlaStatus] = field(default_factory=dict)

    def selected_ids(self) -> Any:
        """A scalar subquery of the ids of :attr:`tickets` (for reading their other records)."""
        t = self.side.tables.ticket
        return select(t.id).where(self.selected).scalar_subquery()

    def by_id(self) -> dict[str, TicketFacts]:
        return {t.ticket_id: t for t in self.tickets}

    def final_clock(self, ticket: TicketFacts) -> SlaStatus:
        """The clocks at the end of the request's range. A stopped clock never changes
        afterwards, so this one also answers for any earlier moment after its stop."""
        return self.clock_at(ticket, self.request.end_at)

    def response_business_seconds(self, ticket: TicketFacts, reply: datetime) -> int:
        """What the first-response clock counted until ``reply`` (or until an earlier stop)."""
        final = self.final_clock(ticket).first_response
        if final.met_at is not None and final.met_at.timestamp() <= int(reply.timestamp()):
            return final.elapsed_seconds
        return self.clock_at(ticket, reply).first_response.elapsed_seconds

    def resolution_clock(self, ticket: TicketFacts, resolution: Resolution) -> SlaClock:
        """The resolution clock as it stopped at ``resolution`` (the final clock when that is
        the stop it still holds; otherwise run on the history up to the resolution)."""
        final = self.final_clock(ticket).resolution
        if (
            resolution is ticket.resolutions[-1]
            and final.met_at is not None
            and final.met_at.timestamp() == int(resolution.at.timestamp())
        ):
            return final
        return self.clock_at_resolution(ticket, resolution).resolution

    def clock_at_resolution(self, ticket: TicketFacts, resolution: Resolution) -> SlaStatus:
        """The ticket's SLA clocks just after ``resolution``: its history up to and including
        that change (a reopening at the same instant, listed after it, not yet applied)."""
        key = (ticket.ticket_id, resolution.at, resolution.changes)
        found = self._resolution_clocks.get(key)
        if found is None:
            facts = replace(ticket.sla, status_changes=ticket.sla.status_changes[: resolution.changes])
            found = compute_ticket_sla(facts, self.config, min(resolution.at, self.now))
            self._resolution_clocks[key] = found
        return found

    def clock_at(self, ticket: TicketFacts, moment: datetime) -> SlaStatus:
        """The ticket's SLA clocks as they stood at ``moment`` (never later than now)."""
        moment = min(moment, self.now)
        key = (ticket.ticket_id, moment)
        found = self._clocks.get(key)
        if found is None:
            found = self._clocks[key] = compute_ticket_sla(ticket.sla, self.config, moment)
        return found


def load_report_data(
    session: Session,
    request: ReportRequest,
    *,
    side: ReportSide,
    extra_conditions: Sequence[ColumnElement[bool]] = (),
    with_previous: bool = False,
    now: datetime | None = None,
) -> ReportData:
    """Read the request's tickets (and, ``with_previous``, those of the period before it)."""
    now = now or datetime.now(UTC)
    start = request.previous().start_at if with_previous else request.start_at
    conditions = [*side.conditions(session, request, now), *extra_conditions]
    tickets = load_ticket_facts(session, side.tables, conditions, start, request.end_at)
    tables = side.tables
    queue_names = {str(i): str(n) for i, n in session.execute(select(tables.queue.id, tables.queue.name))}
    person = tables.person
    people = {
        str(i): str(n)
        for i, n in session.execute(select(person.id, person.name).where(person.role != "requester"))
    }
    selected = relevant_condition(tables, conditions, start, request.end_at)
    config = side.sla_config(session)
    return ReportData(request, tickets, config, now, queue_names, people, session, side, selected)


def desk_time_zone(config: SlaConfig) -> str:
    """The desk's time zone: that of the first SLA calendar not in UTC, else "UTC".

    Reports count days in it unless told otherwise (the built-in 24/7 calendar is UTC;
    the office-hours calendar carries the desk's zone)."""
    for calendar in config.calendars.values():
        if calendar.time_zone != "UTC":
            return calendar.time_zone
    return "UTC"
