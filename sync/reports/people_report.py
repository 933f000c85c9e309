"""People: per agent and per tier.

Per agent (an agent is anyone the tickets or work logs name who is not a requester):

* **open assigned**: tickets open at the end of the range assigned to them then;
* **resolved**: tickets resolved in the range (last resolution in it) assigned to them
  at that instant;
* **median resolve minutes**: the wall-clock and business resolution times of those
  (the summary's rules), median;
* **minutes logged**: work-log minutes (travel not included; ``travel_minutes`` apart)
  they logged in the range on the report's tickets.

Per tier: **escalations in** (tier changes *to* that tier in the range) and **out**
(changes *from* it), on the report's tickets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.reports.extra_rows import load_work
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.stats import duration_stats
from sync.reports.summary_report import range_json

__all__ = ["AgentRow", "AgentsReport", "TierRow", "agents_of"]

UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class AgentRow:
    agent_id: str | None
    name: str
    open_assigned: int
    resolved: int
    median_resolve_minutes_business: float | None
    median_resolve_minutes_wall_clock: float | None
    minutes_logged: int
    travel_minutes_logged: int

    def to_json(self) -> dict[str, Any]:
        return {
            "agent_id": self.agent_id,
            "name": self.name,
            "open_assigned": self.open_assigned,
            "resolved": self.resolved,
            "median_resolve_minutes_business": self.median_resolve_minutes_business,
            "median_resolve_minutes_wall_clock": self.median_resolve_minutes_wall_clock,
            "minutes_logged": self.minutes_logged,
            "travel_minutes_logged": self.travel_minutes_logged,
        }


@dataclass(frozen=True)
class TierRow:
    tier: int
    escalations_in: int
    escalations_out: int

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "escalations_in": self.escalations_in,
            "escalations_out": self.escalations_out,
        }


@dataclass(frozen=True)
class AgentsReport:
    """``tickets``: ``open:<agent id>``, ``resolved:<agent id>`` ("" for unassigned),
    ``escalated_in:<tier>``, ``escalated_out:<tier>``."""

    request: ReportRequest
    agents: tuple[AgentRow, ...]
    tiers: tuple[TierRow, ...]
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "agents",
            "range": range_json(self.request),
            "agents": [a.to_json() for a in self.agents],
            "tiers": [t.to_json() for t in self.tiers],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.agents]


def agents_of(data: ReportData) -> AgentsReport:
    request = data.request
    start, end = request.start_at, request.end_at
    open_by: dict[str, list[str]] = {}
    resolved_by: dict[str, list[str]] = {}
    wall: dict[str, list[float]] = {}
    business: dict[str, list[float]] = {}
    tier_in: dict[int, list[str]] = {1: [], 2: [], 3: []}
    tier_out: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for t in data.tickets:
        if t.open_at_end(end):
            open_by.setdefault(t.assignee_at(end) or "", []).append(t.ticket_id)
        found = t.resolution_in(start, end)
        if found is not None:
            who = t.assignee_at(found.at) or ""
            resolved_by.setdefault(who, []).append(t.ticket_id)
            wall.setdefault(who, []).append(max(0.0, (found.at - t.created_at).total_seconds()))
            clock = data.resolution_clock(t, found)
            business.setdefault(who, []).append(float(clock.elapsed_seconds))
        for changed, old, new in t.tier_changes:
            if start <= changed < end and new > old:
                tier_in.setdefault(new, []).append(t.ticket_id)
                tier_out.setdefault(old, []).append(t.ticket_id)
    table = data.side.tables
    ids = data.selected_ids()
    minutes: dict[str, int] = {}
    travel: dict[str, int] = {}
    for w in load_work(data.session, table.work_log, ids, start, end):
        who = w.author_id or ""
        minutes[who] = minutes.get(who, 0) + w.minutes
        travel[who] = travel.get(who, 0) + w.travel_minutes
    everyone = set(open_by) | set(resolved_by) | set(minutes)
    rows = []
    tickets: dict[str, tuple[str, ...]] = {}
    for who in everyone:
        name = data.people_names.get(who, who or UNASSIGNED)
        rows.append(
            AgentRow(
                agent_id=who or None,
                name=name,
                open_assigned=len(open_by.get(who, ())),
                resolved=len(resolved_by.get(who, ())),
                median_resolve_minutes_business=duration_stats(business.get(who, [])).median,
                median_resolve_minutes_wall_clock=duration_stats(wall.get(who, [])).median,
                minutes_logged=minutes.get(who, 0),
                travel_minutes_logged=travel.get(who, 0),
            )
        )
        tickets[f"open:{who}"] = tuple(open_by.get(who, ()))
        tickets[f"resolved:{who}"] = tuple(resolved_by.get(who, ()))
    rows.sort(key=lambda r: (r.agent_id is None, r.name.casefold()))
    tiers = []
    for tier in sorted(set(tier_in) | set(tier_out)):
        tickets[f"escalated_in:{tier}"] = tuple(tier_in.get(tier, ()))
        tickets[f"escalated_out:{tier}"] = tuple(tier_out.get(tier, ()))
        tiers.append(TierRow(tier, len(tier_in.get(tier, ())), len(tier_out.get(tier, ()))))
    return AgentsReport(request, tuple(rows), tuple(tiers), tickets)
