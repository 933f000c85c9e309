"""The search box's query language, applied to the ticket list as a :class:`TicketFilter`.

:func:`resolve_search` parses the text (:func:`sync.search.parse_query`), looks up the
names it mentions (queues, usernames, requesters) and returns a :class:`ResolvedSearch`:
the filter, or a message for the person typing (a syntax error or an unknown name, never
an exception), plus the parts of the query the ticket list cannot apply yet (``ignored``),
so the UI can say so instead of silently showing too much.

:func:`combine_filters` ANDs two filters (view ∧ search ∧ column filters). A combination
that can match nothing is expressed as ``ticket_ids=()``.

Both are plain functions; :func:`resolve_search` reads the replica, so call it on the
database thread.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import func, or_, select

from sync.domain.priority import Priority
from sync.domain.ticket_schema import CHOICE_FIELDS
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import TicketType
from sync.replica.models import Person, Queue, Ticket
from sync.replica.replica import Replica
from sync.search import (
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
    QuerySyntaxError,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
    parse_query,
    to_text,
)
from sync.search.query_model import SearchQuery
from sync.services.ticket_queries import TicketFilter

__all__ = ["NOTHING", "ResolvedSearch", "combine_filters", "matches_nothing", "resolve_search"]

#: A filter no ticket matches.
NOTHING = TicketFilter(ticket_ids=())
_ALL_STATUSES = frozenset(s.value for s in TicketStatus)
_ALL_PRIORITIES = frozenset(int(p) for p in Priority)
_ALL_TYPES = frozenset(t.value for t in TicketType)
_T = TypeVar("_T")


@dataclass(frozen=True)
class ResolvedSearch:
    """What a search text means for the ticket list.

    ``error`` is empty when the text is usable; otherwise ``filter`` is meaningless and
    ``error_position`` is the index in the text to point at (-1 when not about one spot).
    """

    filter: TicketFilter = field(default_factory=TicketFilter)
    error: str = ""
    error_position: int = -1
    ignored: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error


def matches_nothing(flt: TicketFilter) -> bool:
    return flt.ticket_ids is not None and not flt.ticket_ids


def resolve_search(
    replica: Replica, text: str, *, me: str | None, now: datetime | None = None, tz: tzinfo = UTC
) -> ResolvedSearch:
    """Turn search-box text into a filter (database thread)."""
    if not text.strip():
        return ResolvedSearch()
    now = now or datetime.now(UTC)
    try:
        query = parse_query(text, now=now, tz=tz)
    except QuerySyntaxError as exc:
        return ResolvedSearch(error=exc.message, error_position=exc.position)
    return _Resolver(replica, me, now).resolve(query)


class _Resolver:
    def __init__(self, replica: Replica, me: str | None, now: datetime) -> None:
        self.replica = replica
        self.me = me
        self.now = now
        self.ignored: list[str] = []

    def resolve(self, query: SearchQuery) -> ResolvedSearch:
        flt = TicketFilter(text=" ".join([*query.phrases, *query.words]))
        for item in query.filters:
            try:
                part = self._filter(item)
            except _Unknown as exc:
                return ResolvedSearch(error=str(exc), error_position=-1)
            if part is None:
                self.ignored.append(to_text(SearchQuery(filters=(item,))))
            else:
                flt = combine_filters(flt, part)
        return ResolvedSearch(filter=flt, ignored=tuple(self.ignored))

    def _filter(self, item: Filter) -> TicketFilter | None:
        neg = item.negated
        match item:
            case StatusFilter(statuses=statuses):
                chosen = {s.value for s in statuses}
                return TicketFilter(statuses=_sorted(_ALL_STATUSES - chosen if neg else chosen))
            case PriorityFilter():
                chosen_p = {int(p) for p in item.matching}
                return TicketFilter(priorities=tuple(sorted(_ALL_PRIORITIES - chosen_p if neg else chosen_p)))
            case TypeFilter(types=types):
                chosen_t = {t.value for t in types}
                chosen_t = set(_ALL_TYPES - chosen_t) if neg else chosen_t
                return TicketFilter(type=chosen_t.pop()) if len(chosen_t) == 1 else None
            case ChoiceFilter(field=name, values=values):
                allowed = {m.value for m in CHOICE_FIELDS[name]}
                return TicketFilter(choices=((name, _sorted(allowed - values if neg else values)),))
            case AssigneeFilter(assignee=assignee):
                if neg:
                    return None
                if assignee is Assignee.NONE:
                    return TicketFilter(unassigned=True)
                if assignee is Assignee.ME:
                    return TicketFilter(assignee_id=self.me) if self.me else NOTHING
                return TicketFilter(assignee_id=self._person(str(assignee), "assignee"))
            case TextFilter(field=text_field, value=value):
                if neg:
                    return None
                if text_field is TextField.QUEUE:
                    return TicketFilter(queue_ids=(self._queue(value),))
                if text_field is TextField.TAG:
                    return TicketFilter(tags=(value.lower(),))
                if text_field is TextField.CATEGORY:
                    return TicketFilter(category=value)
                return TicketFilter(requester_id=self._person(value, "requester"))
            case NumberFilter(number=number):
                return None if neg else TicketFilter(ticket_ids=self._numbered(number))
            case OverdueFilter():
                return None if neg else TicketFilter.open_tickets(due_before=self.now)
            case CsatFilter(score=None):
                return TicketFilter(csat_scores=(1, 2, 3, 4, 5)) if neg else TicketFilter(csat_unrated=True)
            case CsatFilter():
                if neg:
                    return None
                return TicketFilter(csat_scores=tuple(sorted(item.matching))) if item.matching else NOTHING
            case DateFilter(field=date_field, start=start, end=end):
                if neg:
                    return None
                if date_field is DateField.DUE and start is None:
                    return TicketFilter(due_before=end)
                if date_field is DateField.UPDATED and end is None:
                    return TicketFilter(closed_since=start)  # TicketFilter: updated_at >= closed_since
                return None
            case KindFilter(kind=kind):
                return NOTHING if (kind is Kind.ARTICLE) != neg else TicketFilter()
        return None

    def _queue(self, name: str) -> str:
        with self.replica.read() as s:
            found = s.execute(select(Queue.id).where(func.lower(Queue.name) == name.lower())).scalar()
            if found is None:
                names = ", ".join(s.execute(select(Queue.name).order_by(Queue.name)).scalars()) or "none yet"
                raise _Unknown(f"No queue named '{name}' (queues: {names}).")
            return str(found)

    def _person(self, ref: str, role: str) -> str:
        text = ref.strip().lower()
        with self.replica.read() as s:
            exact = s.execute(
                select(Person.id).where(
                    or_(
                        func.lower(Person.username) == text,
                        func.lower(Person.email) == text,
                        func.lower(Person.name) == text,
                    )
                )
            ).scalars()
            ids = list(dict.fromkeys(exact))
            if not ids:
                pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                prefix = select(Person.id).where(Person.name.ilike(pattern, escape="\\")).limit(2)
                ids = list(s.execute(prefix).scalars())
        if len(ids) == 1:
            return str(ids[0])
        if not ids:
            raise _Unknown(f"No {role} matches '{ref}'. Use a user name, an e-mail or a full name.")
        raise _Unknown(f"More than one person matches '{ref}' for {role}:; use their e-mail or user name.")

    def _numbered(self, number: int) -> tuple[str, ...]:
        with self.replica.read() as s:
            stmt = select(Ticket.id).where(or_(Ticket.number == number, Ticket.local_number == number))
            return tuple(s.execute(stmt).scalars())


class _Unknown(Exception):
    """A name in the query that matches nothing in this replica (shown like a syntax error)."""


def _sorted(values: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(values))


def _both(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """The ids in both, in ``first``'s order (one set built, not one per id)."""
    keep = set(second)
    return tuple(i for i in first if i in keep)


def combine_filters(a: TicketFilter, b: TicketFilter) -> TicketFilter:
    """Tickets matching both ``a`` and ``b``."""
    if matches_nothing(a) or matches_nothing(b):
        return NOTHING
    queue_ids = _meet(a.queue_ids, b.queue_ids)
    statuses = _meet(a.statuses, b.statuses)
    priorities = _meet(a.priorities, b.priorities)
    ticket_ids = (
        b.ticket_ids
        if a.ticket_ids is None
        else a.ticket_ids
        if b.ticket_ids is None
        else _both(a.ticket_ids, b.ticket_ids)
    )
    if queue_ids is None or statuses is None or priorities is None or ticket_ids == ():
        return NOTHING
    assignee_id = a.assignee_id or b.assignee_id
    unassigned = a.unassigned or b.unassigned
    if (a.assignee_id and b.assignee_id and a.assignee_id != b.assignee_id) or (assignee_id and unassigned):
        return NOTHING
    for one, two in ((a.requester_id, b.requester_id), (a.type, b.type)):
        if one and two and one != two:
            return NOTHING
    if a.category and b.category and a.category.lower() != b.category.lower():
        return NOTHING
    merged: dict[str, Any] = {
        "queue_ids": queue_ids,
        "statuses": statuses,
        "priorities": priorities,
        "ticket_ids": ticket_ids,
        "assignee_id": assignee_id,
        "unassigned": unassigned,
        "requester_id": a.requester_id or b.requester_id,
        "type": a.type or b.type,
        "category": a.category or b.category,
        "text": " ".join(t for t in (a.text.strip(), b.text.strip()) if t),
        "tags": tuple(dict.fromkeys((*a.tags, *b.tags))),
        "due_before": _min(a.due_before, b.due_before),
        "closed_since": _max(a.closed_since, b.closed_since),
        "choices": a.choices + b.choices,
    }
    # Fields TicketFilter gains later are not intersected yet: keep whichever side sets one
    # (b's when both do), so a new filter is never silently dropped.
    for f in fields(TicketFilter):
        if f.name not in merged:
            default = f.default_factory() if f.default_factory is not MISSING else f.default
            merged[f.name] = getattr(b, f.name) if getattr(b, f.name) != default else getattr(a, f.name)
    return replace(a, **merged)


def _meet(one: tuple[_T, ...], two: tuple[_T, ...]) -> tuple[_T, ...] | None:
    """Intersection where ``()`` means "anything"; None when the intersection is empty."""
    if not one:
        return two
    if not two:
        return one
    both = tuple(x for x in one if x in two)
    return both or None


def _min(x: datetime | None, y: datetime | None) -> datetime | None:
    return y if x is None else x if y is None else min(x, y)


def _max(x: datetime | None, y: datetime | None) -> datetime | None:
    return y if x is None else x if y is None else max(x, y)
