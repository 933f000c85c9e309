"""The headline figures of one period, ticket by ticket: the rules ``docs/reports.md`` states.

For a period [start, end) (instants; a report's range or its previous period):

* **created**: created in the period.
* **resolved**: resolved at least once in the period; a ticket's *resolution instant* is
  its last resolution in the period (a ticket resolved, reopened and resolved again in
  the period counts once, at the second).
* **open at end**: open during the period's last instant: created (or reopened) before
  ``end`` and not resolved or closed before it.
* **first response**: tickets whose first public agent reply is in the period; wall-clock
  time from creation to it, business time as the SLA first-response clock counted it.
* **resolution time**: the resolved tickets, from creation to the resolution instant;
  business time as the SLA resolution clock counted it up to then (pauses and resolved
  periods excluded, a reopened ticket's reopened time included).
* **SLA first response**: tickets whose first-response clock stopped in the period (the
  first public reply, or a resolution before any); met when it stopped on time.
* **SLA resolution**: the resolved tickets; met when the resolution clock at the
  resolution instant was within target.
* **reopened**: resolved tickets reopened at least once before their resolution (earlier
  in the history, even at the same instant).
* **first contact resolution**: resolved tickets never reopened, with at most one public
  agent reply, handled by one agent only (exactly one agent ever assigned, and assigned at
  the resolution) and never escalated (no tier or queue change), all before the
  resolution instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sync.reports.report_data import ReportData
from sync.reports.ticket_facts import TicketFacts
from sync.sla import SlaState

__all__ = ["PeriodFigures", "period_figures"]


@dataclass(frozen=True)
class PeriodFigures:
    """Ticket ids behind each figure, and the measured durations in seconds."""

    created: tuple[str, ...]
    resolved: tuple[str, ...]
    open_at_end: tuple[str, ...]
    first_response: tuple[str, ...]
    first_response_wall: tuple[float, ...]
    first_response_business: tuple[float, ...]
    resolution_wall: tuple[float, ...]
    resolution_business: tuple[float, ...]
    sla_first_response: tuple[str, ...]
    sla_first_response_met: tuple[str, ...]
    sla_first_response_breached: tuple[str, ...]
    sla_resolution_met: tuple[str, ...]
    sla_resolution_breached: tuple[str, ...]
    reopened: tuple[str, ...]
    first_contact: tuple[str, ...]


def period_figures(data: ReportData, start: datetime, end: datetime) -> PeriodFigures:
    created: list[str] = []
    resolved: list[str] = []
    open_end: list[str] = []
    responded: list[str] = []
    fr_wall: list[float] = []
    fr_business: list[float] = []
    res_wall: list[float] = []
    res_business: list[float] = []
    sla_fr: list[str] = []
    sla_fr_met: list[str] = []
    sla_fr_late: list[str] = []
    sla_res_met: list[str] = []
    sla_res_late: list[str] = []
    reopened: list[str] = []
    first_contact: list[str] = []
    for t in data.tickets:
        tid = t.ticket_id
        if start <= t.created_at < end:
            created.append(tid)
        if t.open_at_end(end):
            open_end.append(tid)
        reply = t.first_response_at
        if reply is not None and start <= reply < end:
            responded.append(tid)
            fr_wall.append(max(0.0, (reply - t.created_at).total_seconds()))
            fr_business.append(float(data.response_business_seconds(t, reply)))
        if t.created_at < end:
            clock = data.final_clock(t).first_response  # stopped clocks never change
            if clock.met_at is not None and start <= clock.met_at < end:
                sla_fr.append(tid)
                (sla_fr_met if clock.state is SlaState.MET else sla_fr_late).append(tid)
        found = t.resolution_in(start, end)
        if found is None:
            continue
        at = found.at
        resolved.append(tid)
        res_wall.append(max(0.0, (at - t.created_at).total_seconds()))
        stopped = data.resolution_clock(t, found)
        res_business.append(float(stopped.elapsed_seconds))
        (sla_res_met if stopped.state is SlaState.MET else sla_res_late).append(tid)
        if found.after_reopen:
            reopened.append(tid)
        elif _first_contact(t, at):
            first_contact.append(tid)
    return PeriodFigures(
        created=tuple(created),
        resolved=tuple(resolved),
        open_at_end=tuple(open_end),
        first_response=tuple(responded),
        first_response_wall=tuple(fr_wall),
        first_response_business=tuple(fr_business),
        resolution_wall=tuple(res_wall),
        resolution_business=tuple(res_business),
        sla_first_response=tuple(sla_fr),
        sla_first_response_met=tuple(sla_fr_met),
        sla_first_response_breached=tuple(sla_fr_late),
        sla_resolution_met=tuple(sla_res_met),
        sla_resolution_breached=tuple(sla_res_late),
        reopened=tuple(reopened),
        first_contact=tuple(first_contact),
    )


def _first_contact(t: TicketFacts, resolved_at: datetime) -> bool:
    """Resolved at ``resolved_at`` on first contact (the caller checked "never reopened")."""
    if t.replies_before(resolved_at) > 1:
        return False
    agents = {who for at, who in t.assignees if at <= resolved_at and who is not None}
    if len(agents) != 1 or t.assignee_at(resolved_at) is None:
        return False
    if any(at <= resolved_at for at, _old, _new in t.tier_changes):
        return False
    return not any(at <= resolved_at for at in t.queue_changes)
