"""Backlog: tickets open at the end of each bucket, and the age of those open at the end.

Open at the end of a bucket: during its last instant — created (or reopened) before the
end and not resolved or closed before it (periods are half-open: a ticket created at
00:00 belongs to the new day, one resolved at 00:00 was open at the end of the day
before). Age: from creation to the end of the range, in the bands 0–1 d, 1–3 d, 3–7 d,
7–30 d and over 30 d (lower bound included: a ticket exactly 1 day old is in "1-3d").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sync.reports.grouping import group_label
from sync.reports.lazy_ids import LazyIds
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.summary_report import range_json

__all__ = ["AGE_BANDS", "Backlog", "BacklogRow", "backlog_of"]

#: (label, lower bound in days, upper bound in days or None).
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1d", 0, 1),
    ("1-3d", 1, 3),
    ("3-7d", 3, 7),
    ("7-30d", 7, 30),
    ("30d+", 30, None),
)


@dataclass(frozen=True)
class BacklogRow:
    bucket: str
    group: str
    open: int

    def to_json(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "group": self.group, "open": self.open}


@dataclass(frozen=True)
class Backlog:
    """``tickets``: ``open:<bucket>:<group>`` per row, ``open_at_end`` and ``age:<band>``."""

    request: ReportRequest
    rows_: tuple[BacklogRow, ...]
    ages: tuple[tuple[str, int], ...]
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "backlog",
            "range": range_json(self.request),
            "open_at_end": len(self.tickets["open_at_end"]),
            "age": {label: count for label, count in self.ages},
            "rows": [r.to_json() for r in self.rows_],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows_]


def backlog_of(data: ReportData) -> Backlog:
    """Counts by one sweep: each open period of each ticket adds 1 to the buckets whose end
    falls inside it; the ids behind a cell are listed when asked for (:class:`LazyIds`)."""
    request = data.request
    end = request.end_at
    buckets = request.buckets()
    ends = [b.end_at for b in buckets]
    counts: dict[str, list[int]] = {}
    for t in data.tickets:
        for opened, closed in t.open_periods:
            first = bisect_right(ends, opened)  # the first bucket ending after the opening
            last = len(ends) if closed is None else bisect_right(ends, closed)  # ends up to the closing
            if first < last:
                row = counts.setdefault(group_label(data, t, request.by), [0] * (len(ends) + 1))
                row[first] += 1
                row[last] -= 1
    groups = sorted(counts) if request.by else [""]
    rows: list[BacklogRow] = []
    keys: list[str] = []
    for group in groups:
        running, cells = 0, counts.get(group, [0] * (len(ends) + 1))
        for index, bucket in enumerate(buckets):
            running += cells[index]
            rows.append(BacklogRow(bucket.label, group, running))
            keys.append(f"open:{bucket.label}:{group}")
    rows.sort(key=lambda r: (r.bucket, r.group))  # bucket by bucket, as volume lists them
    at_end = [t for t in data.tickets if t.open_at_end(end)]
    eager: dict[str, tuple[str, ...]] = {"open_at_end": tuple(t.ticket_id for t in at_end)}
    ages = []
    for label, low, high in AGE_BANDS:
        ids = tuple(
            t.ticket_id
            for t in at_end
            if end - t.created_at >= timedelta(days=low)
            and (high is None or end - t.created_at < timedelta(days=high))
        )
        eager[f"age:{label}"] = ids
        ages.append((label, len(ids)))
    swept: dict[str, tuple[str, ...]] = {}

    def open_ids(key: str) -> tuple[str, ...]:
        """Every cell's ids from one sweep on the first request (a chart drills into any
        day, so listing them all costs the open days of the tickets, not days x tickets)."""
        if key in eager:
            return eager[key]
        if not swept:
            swept.update(_open_cells(data, buckets, ends))
            swept[""] = ()  # swept, even when no ticket was open at any end
        return swept.get(key, ())

    return Backlog(request, tuple(rows), tuple(ages), LazyIds([*keys, *eager], open_ids))


def _open_cells(data: ReportData, buckets: list[Any], ends: list[Any]) -> dict[str, tuple[str, ...]]:
    """``open:<bucket>:<group>`` -> the tickets open at that bucket's end, in ticket order;
    the same rule as the counts above (a bucket counts a period when its end is inside)."""
    by = data.request.by
    found: dict[str, list[str]] = {}
    for t in data.tickets:
        group = group_label(data, t, by)
        for opened, closed in t.open_periods:
            first = bisect_right(ends, opened)
            last = len(ends) if closed is None else bisect_right(ends, closed)
            for index in range(first, last):
                found.setdefault(f"open:{buckets[index].label}:{group}", []).append(t.ticket_id)
    return {key: tuple(ids) for key, ids in found.items()}
