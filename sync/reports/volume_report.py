"""Volume: tickets created and resolved per bucket (day, week or month), optionally split.

Created counts by creation instant; resolved by the ticket's last resolution in the
*range* (:mod:`sync.reports.period_figures`), so the buckets add up to the summary's
``resolved``. A split (``by``) uses each ticket's current value of the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.reports.grouping import group_label
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.summary_report import range_json

__all__ = ["Volume", "VolumeRow", "volume_of"]


@dataclass(frozen=True)
class VolumeRow:
    bucket: str
    group: str
    created: int
    resolved: int

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "group": self.group,
            "created": self.created,
            "resolved": self.resolved,
        }


@dataclass(frozen=True)
class Volume:
    """``rows``: one per bucket (and group, with a split; groups with no ticket in a bucket
    are left out). ``tickets``: ``created:<bucket>:<group>`` / ``resolved:<bucket>:<group>``
    (group empty without a split) and the totals ``created`` / ``resolved``."""

    request: ReportRequest
    rows_: tuple[VolumeRow, ...]
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "volume",
            "range": range_json(self.request),
            "created": len(self.tickets["created"]),
            "resolved": len(self.tickets["resolved"]),
            "rows": [r.to_json() for r in self.rows_],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows_]


def volume_of(data: ReportData) -> Volume:
    request = data.request
    buckets = request.buckets()
    start, end = request.start_at, request.end_at
    cells: dict[tuple[int, str], tuple[list[str], list[str]]] = {}
    created_all: list[str] = []
    resolved_all: list[str] = []

    def cell(index: int, group: str) -> tuple[list[str], list[str]]:
        return cells.setdefault((index, group), ([], []))

    for t in data.tickets:
        group = group_label(data, t, request.by)
        if start <= t.created_at < end:
            created_all.append(t.ticket_id)
            cell(_bucket_index(buckets, t.created_at), group)[0].append(t.ticket_id)
        at = t.last_resolution_in(start, end)
        if at is not None:
            resolved_all.append(t.ticket_id)
            cell(_bucket_index(buckets, at), group)[1].append(t.ticket_id)
    rows: list[VolumeRow] = []
    tickets: dict[str, tuple[str, ...]] = {"created": tuple(created_all), "resolved": tuple(resolved_all)}
    for index, bucket in enumerate(buckets):
        groups = sorted(g for (i, g) in cells if i == index) if request.by else [""]
        for group in groups:
            made, done = cells.get((index, group), ([], []))
            rows.append(VolumeRow(bucket.label, group, len(made), len(done)))
            tickets[f"created:{bucket.label}:{group}"] = tuple(made)
            tickets[f"resolved:{bucket.label}:{group}"] = tuple(done)
    return Volume(request, tuple(rows), tickets)


def _bucket_index(buckets: list[Any], moment: Any) -> int:
    """Index of the bucket holding ``moment`` (which lies in the range)."""
    lo, hi = 0, len(buckets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if buckets[mid].start_at <= moment:
            lo = mid
        else:
            hi = mid - 1
    return lo
