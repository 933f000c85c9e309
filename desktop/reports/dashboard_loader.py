"""Computing the dashboard: ``sync.reports`` figures turned into :class:`Dashboard` records.

:func:`load_dashboard` runs on the database thread (never the UI thread). In one read
session it loads the range's tickets once (:func:`sync.reports.load_report_data`, with the
previous period for the cards' changes) and runs the ``sync.reports`` computations on them
(:data:`sync.reports.REPORTS`): summary, volume and backlog per day, volume split by queue
and by category, agents, and SLA. Days are counted in the desk's time zone, as
``outpost report`` counts them, so the app and the CLI give the same numbers. This module
only chooses, orders and words the figures, and collects the ticket ids behind each.

A filter that does not parse raises :class:`~sync.errors.ValidationError` from
``sync.reports`` (the view shows it under the filter box).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desktop.reports.dashboard_data import (
    Bar,
    BarChartData,
    Dashboard,
    LineChartData,
    LineSeries,
    SlaChartData,
    SlaRow,
)
from desktop.reports.report_range import ReportRange
from desktop.reports.summary_cards import summary_cards
from sync.replica.replica import Replica
from sync.reports import REPORTS, ReportRequest, desk_time_zone, load_report_data
from sync.reports.replica_side import REPLICA
from sync.services.sla_service import load_sla_config

__all__ = ["MAX_BARS", "desk_zone", "load_dashboard"]

#: Bars shown per chart; the smaller groups are summed into one "Other" bar (which drills too).
MAX_BARS = 8


def desk_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def load_dashboard(
    replica: Replica, report_range: ReportRange, query: str, *, tz: tzinfo | None = None
) -> Dashboard:
    """The dashboard for ``report_range`` (days, inclusive) and ``query`` (search language).

    ``tz``: the zone of the days; by default the desk's (from its SLA calendars).
    """
    now = replica.clock()
    with replica.read() as session:
        zone = tz or desk_zone(desk_time_zone(load_sla_config(session)))
        request = ReportRequest(report_range.start, report_range.end, query=query.strip(), tz=zone)
        data = load_report_data(session, request, side=REPLICA, with_previous=True, now=now)

        def run(name: str, by: str | None = None) -> Any:
            split = (
                data if by is None else dataclasses.replace(data, request=dataclasses.replace(request, by=by))
            )
            return REPORTS[name][1](split)

        head = run("summary")
        volume, backlog = run("volume"), run("backlog")
        by_queue, by_category = run("volume", "queue"), run("volume", "category")
        people, sla = run("agents"), run("sla")
    return Dashboard(
        range=report_range,
        query=request.query,
        cards=summary_cards(head),
        volume=LineChartData(
            "volume",
            "Created and resolved per day",
            (
                LineSeries(
                    "Created",
                    tuple((_day(r.bucket), float(r.created)) for r in volume.rows_),
                    tuple(volume.tickets[f"created:{r.bucket}:"] for r in volume.rows_),
                ),
                LineSeries(
                    "Resolved",
                    tuple((_day(r.bucket), float(r.resolved)) for r in volume.rows_),
                    tuple(volume.tickets[f"resolved:{r.bucket}:"] for r in volume.rows_),
                ),
            ),
        ),
        backlog=LineChartData(
            "backlog",
            "Open at the end of each day",
            (
                LineSeries(
                    "Open",
                    tuple((_day(r.bucket), float(r.open)) for r in backlog.rows_),
                    # One sweep lists every day's open tickets (sync.reports.backlog_report).
                    tuple(backlog.tickets[f"open:{r.bucket}:"] for r in backlog.rows_),
                ),
            ),
        ),
        bar_charts=(
            _split_bars("queue", "Created by queue", by_queue),
            _split_bars("category", "Created by category", by_category),
            _agent_bars(people),
            _age_bars(backlog),
        ),
        sla=_sla_chart(sla.tickets),
        computed_at=datetime.now(UTC),
        notes=(f"Days are counted in the {zone} time zone.",),
    )


def _day(bucket: str) -> date:
    return date.fromisoformat(bucket)


def _top(bars: list[Bar]) -> tuple[Bar, ...]:
    """Largest first (ties by name); beyond :data:`MAX_BARS`, the rest summed as one bar."""
    bars = sorted((b for b in bars if b.value), key=lambda b: (-b.value, b.label.casefold()))
    if len(bars) <= MAX_BARS:
        return tuple(bars)
    head, rest = bars[: MAX_BARS - 1], bars[MAX_BARS - 1 :]
    ids = tuple(i for b in rest for i in (b.ticket_ids or ()))
    return (*head, Bar(f"Other ({len(rest)})", sum(b.value for b in rest), ids))


def _split_bars(key: str, title: str, volume: Any) -> BarChartData:
    """Tickets created in the range per group, from a volume report split ``by`` a field."""
    groups: dict[str, list[str]] = {}
    for name, ids in volume.tickets.items():
        kind, _, rest = name.partition(":")
        if kind == "created" and rest:
            _bucket, _, group = rest.partition(":")
            groups.setdefault(group, []).extend(ids)
    return BarChartData(
        key, title, "Created", _top([Bar(g, float(len(ids)), tuple(ids)) for g, ids in groups.items()])
    )


def _agent_bars(people: Any) -> BarChartData:
    bars = [
        Bar(row.name, float(row.resolved), tuple(people.tickets.get(f"resolved:{row.agent_id or ''}", ())))
        for row in people.agents
    ]
    return BarChartData("agent", "Resolved by agent", "Resolved", _top(bars))


def _age_bars(backlog: Any) -> BarChartData:
    labels = {
        "0-1d": "under 1 day",
        "1-3d": "1–3 days",
        "3-7d": "3–7 days",
        "7-30d": "7–30 days",
        "30d+": "over 30 days",
    }
    bars = tuple(
        Bar(labels.get(band, band), float(count), tuple(backlog.tickets.get(f"age:{band}", ())))
        for band, count in backlog.ages
    )
    return BarChartData("age", "Age of the tickets open at the end", "Open", bars)


def _sla_chart(tickets: Mapping[str, tuple[str, ...]]) -> SlaChartData:
    rows = tuple(
        SlaRow(
            label,
            len(tickets.get(f"{clock}:met", ())),
            len(tickets.get(f"{clock}:breached", ())),
            tuple(tickets.get(f"{clock}:met", ())),
            tuple(tickets.get(f"{clock}:breached", ())),
        )
        for clock, label in (("first_response", "First response"), ("resolution", "Resolution"))
    )
    return SlaChartData("sla", "SLA met vs breached", rows)
