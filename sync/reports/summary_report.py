"""The dashboard's headline figures for a range, with the previous period beside them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sync.reports.period_figures import PeriodFigures, period_figures
from sync.reports.rating_rows import NO_RATINGS, csat_figures, loaded_ratings
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.stats import DurationStats, duration_stats, percent

__all__ = ["NO_RATINGS", "PeriodSummary", "Summary", "summarize"]


@dataclass(frozen=True)
class PeriodSummary:
    created: int
    resolved: int
    open_at_end: int
    first_response_business: DurationStats
    first_response_wall: DurationStats
    resolution_business: DurationStats
    resolution_wall: DurationStats
    sla_first_response_met_pct: float | None
    sla_resolution_met_pct: float | None
    reopen_rate: float | None
    first_contact_resolution_rate: float | None
    csat: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "resolved": self.resolved,
            "open_at_end": self.open_at_end,
            "first_response_minutes": {
                "business": self.first_response_business.to_json(),
                "wall_clock": self.first_response_wall.to_json(),
            },
            "resolution_minutes": {
                "business": self.resolution_business.to_json(),
                "wall_clock": self.resolution_wall.to_json(),
            },
            "sla_first_response_met_pct": self.sla_first_response_met_pct,
            "sla_resolution_met_pct": self.sla_resolution_met_pct,
            "reopen_rate": self.reopen_rate,
            "first_contact_resolution_rate": self.first_contact_resolution_rate,
            "csat": self.csat,
        }


@dataclass(frozen=True)
class Summary:
    """Headline figures of ``request``'s range and of the period before it.

    ``tickets`` maps each drillable figure (:data:`DRILL_KEYS`) to the ids behind it, in
    the range (not the previous period); ``len(tickets[key])`` is the number shown.
    """

    request: ReportRequest
    current: PeriodSummary
    previous: PeriodSummary
    tickets: Mapping[str, tuple[str, ...]]
    csat_note: str = NO_RATINGS

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "summary",
            "range": range_json(self.request),
            **self.current.to_json(),
            "csat_note": self.csat_note,
            "previous": {"range": range_json(self.request.previous()), **self.previous.to_json()},
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per figure: name, value, previous value (the CSV export)."""
        out = []
        now, before = _flat(self.current.to_json()), _flat(self.previous.to_json())
        for key, value in now.items():
            out.append({"figure": key, "value": value, "previous": before.get(key)})
        return out


def range_json(request: ReportRequest) -> dict[str, Any]:
    return {
        "from": request.start.isoformat(),
        "to": request.end.isoformat(),
        "tz": str(request.tz),
        "query": request.query,
        "interval": request.interval,
        "by": request.by,
    }


def _flat(doc: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _period(f: PeriodFigures) -> PeriodSummary:
    resolved = len(f.resolved)
    return PeriodSummary(
        created=len(f.created),
        resolved=resolved,
        open_at_end=len(f.open_at_end),
        first_response_business=duration_stats(f.first_response_business),
        first_response_wall=duration_stats(f.first_response_wall),
        resolution_business=duration_stats(f.resolution_business),
        resolution_wall=duration_stats(f.resolution_wall),
        sla_first_response_met_pct=percent(len(f.sla_first_response_met), len(f.sla_first_response)),
        sla_resolution_met_pct=percent(len(f.sla_resolution_met), resolved),
        reopen_rate=percent(len(f.reopened), resolved),
        first_contact_resolution_rate=percent(len(f.first_contact), resolved),
        csat=None,
    )


def summarize(data: ReportData) -> Summary:
    """The summary of ``data`` (loaded ``with_previous=True``)."""
    request = data.request
    before = request.previous()
    now = period_figures(data, request.start_at, request.end_at)
    prev = period_figures(data, before.start_at, before.end_at)
    tickets = {
        "created": now.created,
        "resolved": now.resolved,
        "open_at_end": now.open_at_end,
        "first_response": now.first_response,
        "sla_first_response": now.sla_first_response,
        "sla_first_response_met": now.sla_first_response_met,
        "sla_first_response_breached": now.sla_first_response_breached,
        "sla_resolution_met": now.sla_resolution_met,
        "sla_resolution_breached": now.sla_resolution_breached,
        "reopened": now.reopened,
        "first_contact_resolution": now.first_contact,
    }
    ratings = loaded_ratings(data)
    csat_now = csat_figures(data, tuple(now.resolved), ratings)
    csat_before = csat_figures(data, tuple(prev.resolved), ratings)
    return Summary(
        request,
        replace(_period(now), csat=csat_now.average),
        replace(_period(prev), csat=csat_before.average),
        tickets,
        csat_note=csat_now.note,
    )
