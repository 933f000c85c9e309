"""Satisfaction (CSAT): average rating and response rate, once ratings exist.

Rule (ready for the portal's ratings): requests are the tickets resolved in the range
(the summary's rule); a response is a rating of one of them; the average is the mean of
the ratings (1-5), shown only together with the response rate (responses / requests).
Outpost keeps no ratings yet, so :func:`csat_of` reports ``average`` and
``response_rate`` as null with the note "no ratings yet", never zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.summary_report import NO_RATINGS, range_json

__all__ = ["CsatReport", "csat_of"]


@dataclass(frozen=True)
class CsatReport:
    request: ReportRequest
    requests: int
    responses: int
    average: float | None
    response_rate: float | None
    note: str
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
        }

    def rows(self) -> list[dict[str, Any]]:
        doc = self.to_json()
        return [{k: doc[k] for k in ("requests", "responses", "average", "response_rate", "note")}]


def csat_of(data: ReportData) -> CsatReport:
    request = data.request
    resolved = tuple(
        t.ticket_id
        for t in data.tickets
        if t.last_resolution_in(request.start_at, request.end_at) is not None
    )
    return CsatReport(request, len(resolved), 0, None, None, NO_RATINGS, {"requests": resolved})
