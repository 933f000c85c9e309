"""Work: minutes logged and parts used, split by a ticket field.

Work logs count by their own time (``logged_at`` in the range), on the report's tickets.
The split (``by``, default ``category``) is the ticket's current value; ``asset`` and
``location`` are the ticket's text fields. Parts are read from each log's parts text
(:func:`sync.reports.extra_rows.parse_parts`: ``2x HDMI cable`` is 2 of "HDMI cable"),
grouped by item case-insensitively (the first spelling seen is shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.reports.extra_rows import load_work, parse_parts
from sync.reports.grouping import group_label
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.summary_report import range_json

__all__ = ["PartRow", "WorkReport", "WorkRow", "work_of"]


@dataclass(frozen=True)
class WorkRow:
    group: str
    minutes: int
    travel_minutes: int
    logs: int
    tickets: int

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "minutes": self.minutes,
            "travel_minutes": self.travel_minutes,
            "logs": self.logs,
            "tickets": self.tickets,
        }


@dataclass(frozen=True)
class PartRow:
    item: str
    quantity: int
    tickets: int

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item, "quantity": self.quantity, "tickets": self.tickets}


@dataclass(frozen=True)
class WorkReport:
    """``tickets``: ``work:<group>`` (tickets with work logged) and ``part:<item>``."""

    request: ReportRequest
    split: str
    rows_: tuple[WorkRow, ...]
    parts: tuple[PartRow, ...]
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "work",
            "range": range_json(self.request),
            "split": self.split,
            "minutes": sum(r.minutes for r in self.rows_),
            "rows": [r.to_json() for r in self.rows_],
            "parts": [p.to_json() for p in self.parts],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [r.to_json() for r in self.rows_]


def work_of(data: ReportData) -> WorkReport:
    request = data.request
    split = request.by or "category"
    by_id = data.by_id()
    minutes: dict[str, list[int]] = {}
    ticket_ids: dict[str, dict[str, None]] = {}
    parts: dict[str, list[Any]] = {}  # key -> [shown name, quantity, {ticket ids}]
    for w in load_work(
        data.session, data.side.tables.work_log, data.selected_ids(), request.start_at, request.end_at
    ):
        t = by_id.get(w.ticket_id)
        if t is None:
            continue
        if split == "asset":
            group = t.asset or "(none)"
        elif split == "location":
            group = t.location or "(none)"
        else:
            group = group_label(data, t, split)
        cell = minutes.setdefault(group, [0, 0, 0])
        cell[0] += w.minutes
        cell[1] += w.travel_minutes
        cell[2] += 1
        ticket_ids.setdefault(group, {})[w.ticket_id] = None
        for item, quantity in parse_parts(w.parts):
            found = parts.setdefault(item.casefold(), [item, 0, {}])
            found[1] += quantity
            found[2][w.ticket_id] = None
    rows = tuple(
        WorkRow(g, c[0], c[1], c[2], len(ticket_ids[g]))
        for g, c in sorted(minutes.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )
    part_rows = tuple(
        PartRow(v[0], v[1], len(v[2])) for v in sorted(parts.values(), key=lambda v: (-v[1], v[0].casefold()))
    )
    tickets: dict[str, tuple[str, ...]] = {f"work:{g}": tuple(ids) for g, ids in ticket_ids.items()}
    tickets.update({f"part:{v[0]}": tuple(v[2]) for v in parts.values()})
    return WorkReport(request, split, rows, part_rows, tickets)
