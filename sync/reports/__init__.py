"""Reports: how the desk is doing, computed from the replica (offline) or on the server.

Qt-free; every metric is defined once here and used by the app, the CLI and the server.
``docs/reports.md`` states each rule so a manager can check a number by hand.

API (call on the database thread; ``session`` is a read session of the replica, e.g.
``with replica.read() as s``)::

    request = ReportRequest(start=date(2026, 3, 1), end=date(2026, 3, 31),   # inclusive
                            query="queue:IT priority:<=2",                     # search language
                            interval="week", by="category", tz=ZoneInfo("Europe/Paris"))
    s = summary(session, request)      # -> Summary   (headline figures + previous period)
    v = volume(session, request)       # -> Volume    (created/resolved per bucket [and group])
    b = backlog(session, request)      # -> Backlog   (open at each bucket's end, age profile)
    sla(...) agents(...) work(...) knowledge(...) csat(...)   # same arguments
    d = dashboard(session, request)    # -> Dashboard (summary, volume, backlog, sla; one read)
    run_report(session, request, "sla")                       # by name (REPORTS)
    ids = drill(session, request, "summary", "resolved")   # ticket ids behind a figure

Every result has ``to_json()`` (the JSON of ``outpost report ... --json``, see
``docs/cli-json.md``), ``rows()`` (the table as dicts, for CSV) and ``tickets``: a mapping
from each drillable figure's key to the ticket ids behind it, whose length is the number
shown. :func:`drill` recomputes a report and returns one key's ids.

Durations are in minutes (median, p90, mean; business and wall clock); rates and SLA
compliance are percentages with one decimal; a figure with nothing to measure is
``None`` (JSON ``null``), never 0. ``csat`` is ``None`` with ``csat_note`` "no ratings
yet" until satisfaction ratings exist.

The server computes the same reports from its own tables (``sync.server.reports.report_side``)
through :func:`sync.reports.report_runner.run_report_on` with its :class:`ReportSide`: the
per-ticket facts are read by the same SQLAlchemy Core statements on SQLite and
PostgreSQL, and aggregated by the same Python. Everything except this package's
``__init__``, ``replica_side`` and ``report_filter`` imports no client code (replica,
services, search), so the server may use it.

Errors: :class:`~sync.errors.ValidationError` for a bad range, interval, split or query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import ValidationError
from sync.reports.backlog_report import AGE_BANDS, Backlog, backlog_of
from sync.reports.csat_report import CsatReport
from sync.reports.knowledge_report import KnowledgeReport
from sync.reports.people_report import AgentsReport
from sync.reports.replica_side import REPLICA
from sync.reports.report_data import ReportData, ReportSide, desk_time_zone, load_report_data
from sync.reports.report_runner import REPORTS, run_report_on
from sync.reports.request import BY_FIELDS, INTERVALS, Bucket, Interval, ReportRequest
from sync.reports.sla_report import SlaReport, sla_of
from sync.reports.stats import DurationStats
from sync.reports.summary_report import NO_RATINGS, PeriodSummary, Summary, summarize
from sync.reports.volume_report import Volume, VolumeRow, volume_of
from sync.reports.work_report import WorkReport

__all__ = [
    "AGE_BANDS",
    "BY_FIELDS",
    "INTERVALS",
    "NO_RATINGS",
    "REPLICA",
    "REPORTS",
    "AgentsReport",
    "Backlog",
    "Bucket",
    "CsatReport",
    "Dashboard",
    "DurationStats",
    "Interval",
    "KnowledgeReport",
    "PeriodSummary",
    "ReportData",
    "ReportRequest",
    "ReportSide",
    "SlaReport",
    "Summary",
    "Volume",
    "VolumeRow",
    "WorkReport",
    "agents",
    "backlog",
    "csat",
    "dashboard",
    "desk_time_zone",
    "drill",
    "knowledge",
    "load_report_data",
    "run_report",
    "sla",
    "summary",
    "volume",
    "work",
]


def run_report(
    session: Session,
    request: ReportRequest,
    report: str,
    *,
    side: ReportSide = REPLICA,
    now: datetime | None = None,
) -> Any:
    """The report named ``report`` (a key of :data:`REPORTS`)."""
    return run_report_on(side, session, request, report, now=now)


def summary(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> Summary:
    result: Summary = run_report(session, request, "summary", side=side, now=now)
    return result


def volume(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> Volume:
    result: Volume = run_report(session, request, "volume", side=side, now=now)
    return result


def backlog(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> Backlog:
    result: Backlog = run_report(session, request, "backlog", side=side, now=now)
    return result


def sla(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> SlaReport:
    result: SlaReport = run_report(session, request, "sla", side=side, now=now)
    return result


def agents(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> AgentsReport:
    result: AgentsReport = run_report(session, request, "agents", side=side, now=now)
    return result


def work(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> WorkReport:
    result: WorkReport = run_report(session, request, "work", side=side, now=now)
    return result


def knowledge(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> KnowledgeReport:
    result: KnowledgeReport = run_report(session, request, "knowledge", side=side, now=now)
    return result


def csat(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> CsatReport:
    result: CsatReport = run_report(session, request, "csat", side=side, now=now)
    return result


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows, from one read of the tickets: the summary (with the
    previous period), volume, backlog and SLA of the same request."""

    summary: Summary
    volume: Volume
    backlog: Backlog
    sla: SlaReport

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary.to_json(),
            "volume": self.volume.to_json(),
            "backlog": self.backlog.to_json(),
            "sla": self.sla.to_json(),
        }


def dashboard(
    session: Session, request: ReportRequest, *, side: ReportSide = REPLICA, now: datetime | None = None
) -> Dashboard:
    """The dashboard's four reports, sharing one load (cheaper than calling them one by one)."""
    data = load_report_data(session, request, side=side, with_previous=True, now=now)
    return Dashboard(summarize(data), volume_of(data), backlog_of(data), sla_of(data))


def drill(
    session: Session,
    request: ReportRequest,
    report: str,
    key: str,
    *,
    side: ReportSide = REPLICA,
    now: datetime | None = None,
) -> tuple[str, ...]:
    """The ids of the tickets behind figure ``key`` of ``report`` (see each result's ``tickets``)."""
    result = run_report(session, request, report, side=side, now=now)
    if key not in result.tickets:
        raise ValidationError(f"The {report} report has no figure '{key}'.")
    ids: tuple[str, ...] = result.tickets[key]  # computed on demand for some reports
    return ids
