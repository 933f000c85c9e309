"""Computing the dashboard: ``sync.reports`` figures turned into :class:`Dashboard` records.

:func:`load_dashboard` runs on the database thread (never the UI thread): it opens one read
session on the replica, asks ``sync.reports`` for the summary, volume, backlog, per-group
and SLA figures of the range (in the user's local calendar), and returns plain frozen data
the widgets draw. The figures are exactly those of ``sync.reports`` (and so of
``outpost report``): this module only chooses, orders and words them.

A filter that does not parse raises :class:`~sync.errors.ValidationError` from
``sync.reports`` (the view shows it under the filter box).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QTimeZone

from desktop.reports.dashboard_data import Dashboard, LineChartData, SlaChartData, SlaRow
from desktop.reports.report_range import ReportRange
from desktop.reports.summary_cards import summary_cards
from sync.replica.replica import Replica
from sync.reports import ReportRequest, summary

__all__ = ["load_dashboard", "local_zone"]

log = logging.getLogger(__name__)


def local_zone() -> tzinfo:
    """The computer's time zone as an IANA zone (so DST changes inside a range count right)."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.debug("no IANA zone %r; using the current UTC offset", name)
        return datetime.now().astimezone().tzinfo or UTC


def load_dashboard(
    replica: Replica, report_range: ReportRange, query: str, *, tz: tzinfo | None = None
) -> Dashboard:
    """The dashboard for ``report_range`` (local days, inclusive) and ``query`` (search language)."""
    request = ReportRequest(report_range.start, report_range.end, query=query.strip(), tz=tz or local_zone())
    with replica.read() as session:
        head = summary(session, request)
    tickets = head.tickets
    sla = SlaChartData(
        "sla",
        "SLA met vs breached",
        (
            SlaRow(
                "First response",
                len(tickets["sla_first_response_met"]),
                len(tickets["sla_first_response_breached"]),
                tuple(tickets["sla_first_response_met"]),
                tuple(tickets["sla_first_response_breached"]),
            ),
            SlaRow(
                "Resolution",
                len(tickets["sla_resolution_met"]),
                len(tickets["sla_resolution_breached"]),
                tuple(tickets["sla_resolution_met"]),
                tuple(tickets["sla_resolution_breached"]),
            ),
        ),
    )
    return Dashboard(
        range=report_range,
        query=request.query,
        cards=summary_cards(head, report_range.days),
        volume=LineChartData("volume", "Created and resolved per day", ()),
        backlog=LineChartData("backlog", "Open at the end of each day", ()),
        bar_charts=(),
        sla=sla,
        computed_at=datetime.now(UTC),
    )
