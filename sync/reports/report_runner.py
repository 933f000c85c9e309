"""Every report by name, on a given side: what the server and the replica both call.

Imports no client code (see :mod:`sync.reports.report_data`); the replica's default side
is added by :mod:`sync.reports` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import ValidationError
from sync.reports.backlog_report import backlog_of
from sync.reports.csat_report import csat_of
from sync.reports.knowledge_report import knowledge_of
from sync.reports.people_report import agents_of
from sync.reports.report_data import ReportData, ReportSide, load_report_data
from sync.reports.request import ReportRequest
from sync.reports.sla_report import sla_of
from sync.reports.summary_report import summarize
from sync.reports.volume_report import volume_of
from sync.reports.work_report import work_of

__all__ = ["REPORTS", "run_report_on"]

#: Report name -> (needs the previous period, compute from loaded data).
REPORTS: dict[str, tuple[bool, Callable[[ReportData], Any]]] = {
    "summary": (True, summarize),
    "volume": (False, volume_of),
    "backlog": (False, backlog_of),
    "sla": (False, sla_of),
    "agents": (False, agents_of),
    "work": (False, work_of),
    "knowledge": (False, knowledge_of),
    "csat": (False, csat_of),
}


def run_report_on(
    side: ReportSide, session: Session, request: ReportRequest, report: str, *, now: datetime | None = None
) -> Any:
    """The report named ``report`` (a key of :data:`REPORTS`) from ``side``'s records."""
    if report not in REPORTS:
        raise ValidationError(f"Unknown report '{report}' (reports: {', '.join(REPORTS)}).")
    with_previous, compute = REPORTS[report]
    return compute(load_report_data(session, request, side=side, with_previous=with_previous, now=now))
