"""The replica's side of the reports: its tables, the search's own filters, its SLA document.

Client code (it reads the replica's models and the search's SQL filters), kept apart from
the report definitions so the server can import those without it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from sync.replica import models as replica_models
from sync.replica.kb_models import ArticleFeedback, ArticleTicketLink
from sync.replica.models import ReplicaSetting
from sync.replica.rating_models import Rating
from sync.reports.report_data import ReportSide
from sync.reports.report_filter import replica_conditions
from sync.reports.request import ReportRequest
from sync.reports.ticket_facts import ReportTables
from sync.services.sla_service import load_sla_config

__all__ = ["REPLICA"]


def _replica_conditions(session: Session, request: ReportRequest, now: datetime) -> list[ColumnElement[bool]]:
    me = session.execute(select(ReplicaSetting.value).where(ReplicaSetting.key == "current_user_id")).scalar()
    return replica_conditions(session, request.query, me=me, now=now, tz=request.tz)


REPLICA = ReportSide(
    tables=ReportTables(
        ticket=replica_models.Ticket,
        activity=replica_models.Activity,
        comment=replica_models.Comment,
        person=replica_models.Person,
        queue=replica_models.Queue,
        work_log=replica_models.WorkLog,
        has_groups=True,
        article=replica_models.Article,
        article_link=ArticleTicketLink,
        article_feedback=ArticleFeedback,
    ),
    conditions=_replica_conditions,
    sla_config=load_sla_config,
    ratings=Rating,  # deflections stay on the server (docs/reports.md, "Satisfaction")
)
