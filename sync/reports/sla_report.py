"""SLA compliance: met and breached per clock, and the breaches listed.

Per clock, in the range (rules of :mod:`sync.reports.period_figures`):

* **first response**: clocks that stopped in the range (first public reply, or a
  resolution before any), met or breached (stopped after the deadline);
* **resolution**: tickets resolved in the range, met or breached at their resolution
  instant;
* **open breached**: tickets open at the end of the range whose clock was still running
  and past its deadline then.

``met_pct`` is met / (met + breached); open breached tickets are listed, not in the %.
With a split, the counts are per group (the ticket's current value of the field).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync.reports.grouping import group_label
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.stats import percent
from sync.reports.summary_report import range_json
from sync.sla import SlaState

__all__ = ["Breach", "SlaReport", "SlaRow", "sla_of"]

CLOCKS = ("first_response", "resolution")


@dataclass(frozen=True)
class SlaRow:
    clock: str
    group: str
    met: int
    breached: int
    open_breached: int

    @property
    def met_pct(self) -> float | None:
        return percent(self.met, self.met + self.breached)

    def to_json(self) -> dict[str, Any]:
        return {
            "clock": self.clock,
            "group": self.group,
            "met": self.met,
            "breached": self.breached,
            "met_pct": self.met_pct,
            "open_breached": self.open_breached,
        }


@dataclass(frozen=True)
class Breach:
    ticket_id: str
    number: int | None
    clock: str
    due_at: datetime
    stopped_at: datetime | None  # None: still running (open breached)
    priority: int
    group: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "number": self.number,
            "clock": self.clock,
            "due_at": _utc_text(self.due_at),
            "stopped_at": None if self.stopped_at is None else _utc_text(self.stopped_at),
            "priority": self.priority,
            "group": self.group,
        }


@dataclass(frozen=True)
class SlaReport:
    """``tickets``: ``<clock>:met|breached|open_breached`` and the same with ``:<group>``."""

    request: ReportRequest
    rows_: tuple[SlaRow, ...]
    breaches: tuple[Breach, ...]
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "sla",
            "range": range_json(self.request),
            "rows": [r.to_json() for r in self.rows_],
            "breaches": [b.to_json() for b in self.breaches],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows_]


def sla_of(data: ReportData) -> SlaReport:
    request = data.request
    start, end = request.start_at, request.end_at
    cells: dict[str, list[str]] = {}
    breaches: list[Breach] = []

    def add(clock: str, outcome: str, group: str, tid: str) -> None:
        cells.setdefault(f"{clock}:{outcome}", []).append(tid)
        if request.by is not None:
            cells.setdefault(f"{clock}:{outcome}:{group}", []).append(tid)

    for t in data.tickets:
        if t.created_at >= end:
            continue
        group = group_label(data, t, request.by)
        at_end = data.final_clock(t)
        fr = at_end.first_response
        if fr.met_at is not None and start <= fr.met_at < end:
            late = fr.state is not SlaState.MET
            add("first_response", "breached" if late else "met", group, t.ticket_id)
            if late:
                breaches.append(
                    Breach(t.ticket_id, t.number, "first_response", fr.due_at, fr.met_at, t.priority, group)
                )
        elif fr.met_at is None and fr.state is SlaState.BREACHED:
            add("first_response", "open_breached", group, t.ticket_id)
            breaches.append(
                Breach(t.ticket_id, t.number, "first_response", fr.due_at, None, t.priority, group)
            )
        found = t.resolution_in(start, end)
        if found is not None:
            resolved_at = found.at
            res = data.resolution_clock(t, found)
            late = res.state is not SlaState.MET
            add("resolution", "breached" if late else "met", group, t.ticket_id)
            if late:
                breaches.append(
                    Breach(t.ticket_id, t.number, "resolution", res.due_at, resolved_at, t.priority, group)
                )
        elif t.open_at_end(end) and at_end.resolution.state is SlaState.BREACHED:
            res = at_end.resolution
            add("resolution", "open_breached", group, t.ticket_id)
            breaches.append(Breach(t.ticket_id, t.number, "resolution", res.due_at, None, t.priority, group))
    groups = sorted({k.split(":", 2)[2] for k in cells if k.count(":") >= 2}) if request.by else [""]
    rows = []
    tickets: dict[str, tuple[str, ...]] = {}
    for clock in CLOCKS:
        for outcome in ("met", "breached", "open_breached"):
            tickets[f"{clock}:{outcome}"] = tuple(cells.get(f"{clock}:{outcome}", ()))
        for group in groups:
            suffix = f":{group}" if request.by else ""
            ids = {
                o: tuple(cells.get(f"{clock}:{o}{suffix}", ())) for o in ("met", "breached", "open_breached")
            }
            if request.by:
                for outcome, outcome_ids in ids.items():
                    tickets[f"{clock}:{outcome}:{group}"] = outcome_ids
            rows.append(
                SlaRow(clock, group, len(ids["met"]), len(ids["breached"]), len(ids["open_breached"]))
            )
    breaches.sort(key=lambda b: (b.clock, b.due_at, b.ticket_id))
    return SlaReport(request, tuple(rows), tuple(breaches), tickets)


def _utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as every ``--json`` time (docs/cli-json.md)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
