"""The filters of a :class:`~sync.search.SearchQuery` as SQL conditions on tickets and articles.

Every condition is *null-safe* (it is true or false, never NULL), so a negated filter
(``-assignee:me``) is exactly the rows the filter does not match: unassigned tickets are
among them. Text values compare case-insensitively: names through ``str.casefold`` in
Python (queues, people), categories and tags through SQLite's ASCII ``lower``/the tags'
stored lower case.

Which kinds a query can return: ``kind:`` says so directly; a filter that only tickets have
(status, queue, assignee, requester, priority, type, channel, number, due, resolved, overdue),
negated or not, limits the results to tickets. ``tag:``, ``category:``, ``created:`` and
``updated:`` apply to both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from sync.domain.ticket_status import OPEN_STATUSES
from sync.replica.models import Article, Person, Queue, Ticket, TicketTag
from sync.replica.rating_models import Rating
from sync.search.asset_filters import PLACE_FIELDS, asset_condition
from sync.search.query_model import (
    Assignee,
    AssigneeFilter,
    ChoiceFilter,
    CsatFilter,
    DateField,
    DateFilter,
    Filter,
    Kind,
    KindFilter,
    NumberFilter,
    OverdueFilter,
    PriorityFilter,
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
)

__all__ = [
    "FilterContext",
    "article_conditions",
    "kinds_wanted",
    "resolve_people",
    "ticket_condition",
    "ticket_conditions",
]

_BOTH_KINDS = frozenset({Kind.TICKET, Kind.ARTICLE})


@dataclass(frozen=True)
class FilterContext:
    """What the filters are evaluated against: the signed-in agent (``assignee:me``) and the
    moment ``is:overdue`` is judged at."""

    me: str | None
    now: datetime


def kinds_wanted(query: SearchQuery) -> frozenset[Kind]:
    """The kinds of result the query can match (possibly none: ``kind:ticket kind:article``)."""
    kinds = _BOTH_KINDS
    for item in query.filters:
        if isinstance(item, KindFilter):
            kinds &= (_BOTH_KINDS - {item.kind}) if item.negated else frozenset({item.kind})
        elif not _applies_to_articles(item):
            kinds &= frozenset({Kind.TICKET})
    return kinds


def ticket_conditions(session: Session, query: SearchQuery, ctx: FilterContext) -> list[ColumnElement[bool]]:
    """One condition on :class:`Ticket` per filter (``KindFilter`` excepted)."""
    return [
        ticket_condition(session, item, ctx) for item in query.filters if not isinstance(item, KindFilter)
    ]


def ticket_condition(session: Session, item: Filter, ctx: FilterContext) -> ColumnElement[bool]:
    """The condition of one filter on :class:`Ticket`, negation included."""
    cond = _ticket_condition(session, item, ctx)
    return not_(cond) if item.negated else cond


def article_conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """Conditions on :class:`Article` for the filters articles have; call only when
    :func:`kinds_wanted` includes articles."""
    out: list[ColumnElement[bool]] = []
    for item in query.filters:
        if isinstance(item, KindFilter):
            continue
        cond = _article_condition(item)
        out.append(not_(cond) if item.negated else cond)
    return out


def resolve_people(session: Session, ref: str, *, agents_only: bool) -> list[str]:
    """Ids of the people ``ref`` names: username, e-mail, the part of the e-mail before
    the ``@``, full name or first name, compared case-insensitively (Unicode-aware)."""
    key = ref.casefold()
    stmt = select(Person.id, Person.name, Person.username, Person.email)
    if agents_only:
        stmt = stmt.where(Person.role != "requester")
    if key.isascii():  # let the index-free but cheap SQL pre-filter do the work
        low = key.lower()
        stmt = stmt.where(
            or_(
                func.lower(Person.username) == low,
                func.lower(Person.email) == low,
                func.lower(Person.email).like(_like_escape(low) + "@%", escape="\\"),
                func.lower(Person.name) == low,
                func.lower(Person.name).like(_like_escape(low) + " %", escape="\\"),
            )
        )
    ids = []
    for pid, name, username, email in session.execute(stmt):
        names = {(username or "").casefold(), (email or "").casefold(), (name or "").casefold()}
        names.add((email or "").casefold().split("@", 1)[0])
        names.add((name or "").casefold().split(" ", 1)[0])
        if key in names:
            ids.append(str(pid))
    return ids


def _applies_to_articles(item: Filter) -> bool:
    if isinstance(item, TextFilter):
        return item.field in (TextField.TAG, TextField.CATEGORY)
    if isinstance(item, DateFilter):
        return item.field in (DateField.CREATED, DateField.UPDATED)
    return isinstance(item, KindFilter)


def _ticket_condition(session: Session, item: Filter, ctx: FilterContext) -> ColumnElement[bool]:
    match item:
        case StatusFilter(statuses=statuses):
            return Ticket.status.in_(sorted(s.value for s in statuses))
        case TypeFilter(types=types):
            return Ticket.type.in_(sorted(t.value for t in types))
        case TextFilter(field=field, value=value) if field in PLACE_FIELDS:
            return asset_condition(session, field, value, ctx.now.date())
        case ChoiceFilter(field=name, values=values):
            return getattr(Ticket, name).in_(sorted(values))  # type: ignore[no-any-return]
        case TextFilter(field=field, value=value):
            return _ticket_text_condition(session, field, value)
        case AssigneeFilter(assignee=Assignee.NONE):
            return Ticket.assignee_id.is_(None)
        case AssigneeFilter(assignee=Assignee.ME):
            if ctx.me is None:
                return false()
            return and_(Ticket.assignee_id.is_not(None), Ticket.assignee_id == ctx.me)
        case AssigneeFilter(assignee=name):
            agents = resolve_people(session, str(name), agents_only=True)
            return and_(Ticket.assignee_id.is_not(None), Ticket.assignee_id.in_(agents))
        case PriorityFilter():
            return Ticket.priority.in_(sorted(int(p) for p in item.matching))
        case DateFilter(field=field, start=start, end=end):
            column = {
                DateField.CREATED: Ticket.created_at,
                DateField.UPDATED: Ticket.updated_at,
                DateField.DUE: Ticket.due_at,
                DateField.RESOLVED: Ticket.resolved_at,
            }[field]
            return _within(column, start, end)
        case NumberFilter(number=number):
            return or_(
                and_(Ticket.number.is_not(None), Ticket.number == number), Ticket.local_number == number
            )
        case CsatFilter(score=None):
            return not_(exists().where(Rating.id == Ticket.id))
        case CsatFilter():
            return exists().where(Rating.id == Ticket.id, Rating.score.in_(sorted(item.matching)))
        case OverdueFilter():
            return and_(
                Ticket.status.in_(sorted(s.value for s in OPEN_STATUSES)),
                Ticket.due_at.is_not(None),
                Ticket.due_at < ctx.now,
            )
        case KindFilter():
            return true()
        case _:
            assert_never(item)


def _ticket_text_condition(session: Session, field: TextField, value: str) -> ColumnElement[bool]:
    if field is TextField.QUEUE:
        key = value.casefold()
        ids = [qid for qid, name in session.execute(select(Queue.id, Queue.name)) if name.casefold() == key]
        return Ticket.queue_id.in_(ids)
    if field is TextField.REQUESTER:
        people = resolve_people(session, value, agents_only=False)
        return and_(Ticket.requester_id.is_not(None), Ticket.requester_id.in_(people))
    if field is TextField.TAG:
        return exists().where(TicketTag.ticket_id == Ticket.id, TicketTag.tag == value.casefold())
    return func.lower(Ticket.category) == value.lower()


def _article_condition(item: Filter) -> ColumnElement[bool]:
    if isinstance(item, TextFilter) and item.field is TextField.TAG:
        pattern = "% " + _like_escape(item.value.casefold()) + " %"
        return (" " + Article.tags + " ").like(pattern, escape="\\")
    if isinstance(item, TextFilter) and item.field is TextField.CATEGORY:
        return func.lower(Article.category) == item.value.lower()
    if isinstance(item, DateFilter) and item.field in (DateField.CREATED, DateField.UPDATED):
        column = Article.created_at if item.field is DateField.CREATED else Article.updated_at
        return _within(column, item.start, item.end)
    return false()  # a ticket-only filter: kinds_wanted() already excluded articles


def _within(column: Any, start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    conds: list[ColumnElement[bool]] = [column.is_not(None)]
    if start is not None:
        conds.append(column >= start)
    if end is not None:
        conds.append(column < end)
    return and_(*conds)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
