"""The server's side of the reports: its tables, the query on them, the caller's scope.

The report definitions are :mod:`sync.reports`' (the same per-ticket facts, read by the
same SQLAlchemy Core statements, aggregated by the same Python); this module only says
where the server keeps the records and how the search language applies to its tables:

* the same filters as on the replica (status, priority, type, channel, queue, category, tag,
  requester, assignee incl. ``me``/``none``, ``#number``, ``created:``/``updated:``/
  ``resolved:``), negation included; ``due:`` and ``is:overdue`` are refused (the server
  does not store SLA deadlines);
* scope: an admin reports on every queue; a manager on the queues they belong to; other
  roles are refused (``Caller.can_report_on``, the rule of the older per-queue report);
* business time: the SLA document stored in the server setting ``config.sla`` (the JSON
  of :meth:`sync.sla.SlaConfig.to_dict`, as replicas keep it; an admin's replica pushes
  it, ``import-replica`` adopts it: :mod:`sync.server.push.sla_document`), else the built-in
  configuration in UTC.
* article links and feedback are not kept on the server: the knowledge report says
  ``available: false``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, select, true
from sqlalchemy.orm import Session

from sync.errors import ValidationError
from sync.reports.report_data import ReportSide
from sync.reports.report_query import (
    Assignee,
    AssigneeFilter,
    ChoiceFilter,
    CsatFilter,
    DateField,
    DateFilter,
    Filter,
    KindFilter,
    NumberFilter,
    OverdueFilter,
    PriorityFilter,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
    parse_report_query,
)
from sync.reports.request import ReportRequest
from sync.reports.ticket_facts import ReportTables
from sync.server.core.access import Caller
from sync.server.db import models
from sync.server.errors import Forbidden
from sync.server.portal.portal_models import PortalDeflection, PortalRating
from sync.server.push.sla_document import SLA_SETTING, server_sla_config

__all__ = ["SLA_SETTING", "server_side"]

_T = models.Ticket
TABLES = ReportTables(
    ticket=models.Ticket,
    activity=models.Activity,
    comment=models.Comment,
    person=models.Person,
    queue=models.Queue,
    work_log=models.WorkLog,
    has_groups=False,
)


def server_side(caller: Caller) -> ReportSide:
    """The side a caller's reports read: every ticket for an admin, their queues' for a manager."""
    if caller.is_admin:
        scope: ColumnElement[bool] = true()
    elif caller.role == "manager":
        scope = _T.queue_id.in_(sorted(caller.queue_ids)) if caller.queue_ids else false()
    else:
        raise Forbidden("Reports are for managers (their queues) and admins.")

    def conditions(session: Session, request: ReportRequest, now: datetime) -> list[ColumnElement[bool]]:
        out = [scope]
        if request.query.strip():
            query = parse_report_query(request.query, now=now, tz=request.tz)
            for item in query.filters:
                if isinstance(item, KindFilter):
                    continue
                cond = _condition(session, item, caller)
                out.append(not_(cond) if item.negated else cond)
        return out

    return ReportSide(
        tables=TABLES,
        conditions=conditions,
        sla_config=server_sla_config,
        ratings=PortalRating,
        deflections=PortalDeflection,  # a desk-wide count: deflections belong to no queue
    )


def _condition(session: Session, item: Filter, caller: Caller) -> ColumnElement[bool]:
    match item:
        case StatusFilter(statuses=statuses):
            return _T.status.in_(sorted(s.value for s in statuses))
        case TypeFilter(types=types):
            return _T.type.in_(sorted(t.value for t in types))
        case ChoiceFilter(field=name, values=values):  # channel:, any code field of the schema
            return getattr(_T, name).in_(sorted(values))  # type: ignore[no-any-return]
        case PriorityFilter():
            return _T.priority.in_(sorted(int(p) for p in item.matching))
        case AssigneeFilter(assignee=Assignee.NONE):
            return _T.assignee_id.is_(None)
        case AssigneeFilter(assignee=Assignee.ME):
            return and_(_T.assignee_id.is_not(None), _T.assignee_id == caller.user_id)
        case AssigneeFilter(assignee=name):
            agents = _people(session, str(name), agents_only=True)
            return and_(_T.assignee_id.is_not(None), _T.assignee_id.in_(agents))
        case TextFilter(field=TextField.QUEUE, value=value):
            key = value.casefold()
            ids = [
                q
                for q, n in session.execute(select(models.Queue.id, models.Queue.name))
                if n.casefold() == key
            ]
            return _T.queue_id.in_(ids)
        case TextFilter(field=TextField.REQUESTER, value=value):
            people = _people(session, value, agents_only=False)
            return and_(_T.requester_id.is_not(None), _T.requester_id.in_(people))
        case TextFilter(field=TextField.TAG, value=value):
            pattern = "% " + _like_escape(value.casefold()) + " %"
            return (" " + _T.tags + " ").like(pattern, escape="\\")
        case TextFilter(field=TextField.CATEGORY, value=value):
            return func.lower(_T.category) == value.lower()
        case DateFilter(field=DateField.DUE) | OverdueFilter():
            raise ValidationError(
                "The server keeps no SLA deadlines: 'due:' and 'is:overdue' work on a replica only."
            )
        case DateFilter(field=field, start=start, end=end):
            column: Any = {
                DateField.CREATED: _T.created_at,
                DateField.UPDATED: _T.updated_at,
                DateField.RESOLVED: _T.resolved_at,
            }[field]
            conds = [column.is_not(None)]
            if start is not None:
                conds.append(column >= start)
            if end is not None:
                conds.append(column < end)
            return and_(*conds)
        case NumberFilter(number=number):
            return and_(_T.number.is_not(None), _T.number == number)
        case CsatFilter(score=None):
            return not_(exists().where(PortalRating.ticket_id == _T.id))
        case CsatFilter():
            return exists().where(
                PortalRating.ticket_id == _T.id, PortalRating.score.in_(sorted(item.matching))
            )
    raise ValidationError("This filter is not available in server reports.")


def _people(session: Session, ref: str, *, agents_only: bool) -> list[str]:
    """As the replica's search resolves names (``sync.search.search_filters.resolve_people``):
    user name, e-mail, the e-mail before the ``@``, full or first name, case-insensitively."""
    key = ref.casefold()
    stmt = select(models.Person.id, models.Person.name, models.Person.username, models.Person.email)
    if agents_only:
        stmt = stmt.where(models.Person.role != "requester")
    ids = []
    for pid, name, username, email in session.execute(stmt):
        names = {(username or "").casefold(), (email or "").casefold(), (name or "").casefold()}
        names.add((email or "").casefold().split("@", 1)[0])
        names.add((name or "").casefold().split(" ", 1)[0])
        if key in names:
            ids.append(str(pid))
    return ids


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
