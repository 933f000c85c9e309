"""Satisfaction (CSAT): average rating and response rate, by queue and by agent; deflections.

Rules (``docs/reports.md``):

* **requests**: the tickets resolved in the range (last resolution in it: the summary's rule);
* **responses**: those of them the requester rated (the ticket's one rating, whenever it
  was given up to now; a new rating replaces the old);
* **average**: the mean score (1-5, two decimals) of the responses; **response rate**:
  responses / requests in percent. Both are null when there is nothing to measure, and the
  note says "no ratings yet" (none on this side at all) or "no ratings in this range";
* **by queue**: the ticket's queue now; **by agent**: its assignee at the resolution (as
  the agents report counts "resolved");
* **scores**: how many responses gave each score;
* **deflections**: "this solved it" in the portal in the range (no ticket was made). They
  are kept on the server only; without them (a replica) or with a query (a deflection is
  not a ticket, so no ticket filter applies to it) the figure is null and
  ``deflections_note`` says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.reports.rating_rows import (
    NO_RATINGS,
    count_deflections,
    csat_figures,
    loaded_ratings,
    rating_average,
)
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.stats import percent
from sync.reports.summary_report import range_json

__all__ = ["CsatGroup", "CsatReport", "csat_of"]

DEFLECTIONS_ON_SERVER = "deflections are counted on the server (outpost-server reports)"
DEFLECTIONS_NOT_FILTERED = "deflections are not tickets: shown only without a query"
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class CsatGroup:
    """One queue's or agent's figures (``key`` its id; "" for unassigned)."""

    key: str
    name: str
    requests: int
    responses: int
    average: float | None
    response_rate: float | None

    def to_json(self, id_name: str) -> dict[str, Any]:
        return {
            id_name: self.key or None,
            "name": self.name,
            "requests": self.requests,
            "responses": self.responses,
            "average": self.average,
            "response_rate": self.response_rate,
        }


@dataclass(frozen=True)
class CsatReport:
    """``tickets``: ``requests``, ``responses``, ``score:<1-5>``, ``queue:<id>`` and
    ``agent:<id>`` (the rated ones of each group)."""

    request: ReportRequest
    requests: int
    responses: int
    average: float | None
    response_rate: float | None
    note: str
    scores: Mapping[int, int] = field(default_factory=dict)
    by_queue: tuple[CsatGroup, ...] = ()
    by_agent: tuple[CsatGroup, ...] = ()
    deflections: int | None = None
    deflections_note: str = DEFLECTIONS_ON_SERVER
    tickets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "csat",
            "range": range_json(self.request),
            "requests": self.requests,
            "responses": self.responses,
            "average": self.average,
            "response_rate": self.response_rate,
            "note": self.note,
            "scores": {str(score): self.scores.get(score, 0) for score in range(1, 6)},
            "by_queue": [g.to_json("queue_id") for g in self.by_queue],
            "by_agent": [g.to_json("agent_id") for g in self.by_agent],
            "deflections": self.deflections,
            "deflections_note": self.deflections_note,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row for the whole range, then one per queue and per agent (the CSV export)."""
        out = [
            {
                "group": "all",
                "name": "",
                "requests": self.requests,
                "responses": self.responses,
                "average": self.average,
                "response_rate": self.response_rate,
            }
        ]
        for kind, groups in (("queue", self.by_queue), ("agent", self.by_agent)):
            for g in groups:
                out.append(
                    {
                        "group": kind,
                        "name": g.name,
                        "requests": g.requests,
                        "responses": g.responses,
                        "average": g.average,
                        "response_rate": g.response_rate,
                    }
                )
        return out


def _group(key: str, name: str, requests: list[str], rated: dict[str, int]) -> CsatGroup:
    scores = [rated[t] for t in requests if t in rated]
    return CsatGroup(
        key, name, len(requests), len(scores), rating_average(scores), percent(len(scores), len(requests))
    )


def csat_of(data: ReportData) -> CsatReport:
    request = data.request
    start, end = request.start_at, request.end_at
    resolved: list[str] = []
    by_queue: dict[str, list[str]] = {}
    by_agent: dict[str, list[str]] = {}
    for t in data.tickets:
        found = t.resolution_in(start, end)
        if found is None:
            continue
        resolved.append(t.ticket_id)
        by_queue.setdefault(t.queue_id, []).append(t.ticket_id)
        by_agent.setdefault(t.assignee_at(found.at) or "", []).append(t.ticket_id)
    ratings = loaded_ratings(data) or {}
    rated = {t: ratings[t].score for t in resolved if t in ratings}
    figures = csat_figures(data, tuple(resolved), ratings)
    tickets: dict[str, tuple[str, ...]] = {"requests": tuple(resolved), "responses": tuple(rated)}
    counts: dict[int, int] = {}
    for score in range(1, 6):
        tickets[f"score:{score}"] = tuple(t for t, s in rated.items() if s == score)
        counts[score] = len(tickets[f"score:{score}"])
    queues = []
    for key, ids in by_queue.items():
        queues.append(_group(key, data.queue_names.get(key, key), ids, rated))
        tickets[f"queue:{key}"] = tuple(t for t in ids if t in rated)
    agents = []
    for key, ids in by_agent.items():
        agents.append(_group(key, data.people_names.get(key, key or UNASSIGNED), ids, rated))
        tickets[f"agent:{key}"] = tuple(t for t in ids if t in rated)
    queues.sort(key=lambda g: g.name.casefold())
    agents.sort(key=lambda g: (not g.key, g.name.casefold()))
    deflections: int | None = None
    deflections_note = DEFLECTIONS_ON_SERVER
    if data.side.deflections is not None:
        if request.query.strip():
            deflections_note = DEFLECTIONS_NOT_FILTERED
        else:
            deflections = count_deflections(data.session, data.side.deflections, start, end)
            deflections_note = ""
    return CsatReport(
        request,
        len(resolved),
        len(rated),
        figures.average,
        None if figures.note == NO_RATINGS else percent(len(rated), len(resolved)),
        figures.note,
        counts,
        tuple(queues),
        tuple(agents),
        deflections,
        deflections_note,
        tickets,
    )
