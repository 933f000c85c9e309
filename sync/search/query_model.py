"""The parsed form of a search query: what :func:`~sync.search.query_language.parse_query` returns.

Everything here is an immutable value (frozen dataclasses, frozensets, enums), so two queries
that mean the same thing compare equal and can be used as cache keys. The parser normalises
spellings on the way in (``is:open`` and ``status:new,open,...`` give the same
:class:`StatusFilter`; ``created:2026-01-01`` and ``created:2026-01-01..2026-01-02`` give the
same :class:`DateFilter`), so consumers (the SQL builder, the CLI) handle one form per idea.

Errors::

    ValueError
    └── QuerySyntaxError   the user's text is not a valid query (message + position)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sync.domain.priority import Priority
from sync.domain.ticket_status import OPEN_STATUSES, PENDING_STATUSES, TicketStatus
from sync.domain.ticket_type import TicketType

__all__ = [
    "CLOSED_STATUSES",
    "STATUS_GROUPS",
    "Assignee",
    "AssigneeFilter",
    "ChoiceFilter",
    "Comparison",
    "CsatFilter",
    "DateField",
    "DateFilter",
    "Filter",
    "Kind",
    "KindFilter",
    "NumberFilter",
    "OverdueFilter",
    "PriorityFilter",
    "QuerySyntaxError",
    "SearchQuery",
    "StatusFilter",
    "TextField",
    "TextFilter",
    "TypeFilter",
]

#: What ``is:closed`` means: work that is no longer open, confirmed or not.
CLOSED_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})

#: The status groups ``is:`` accepts, in the order :func:`to_text` prefers them.
STATUS_GROUPS: dict[str, frozenset[TicketStatus]] = {
    "open": OPEN_STATUSES,
    "pending": PENDING_STATUSES,
    "closed": CLOSED_STATUSES,
}


class QuerySyntaxError(ValueError):
    """The query text is not valid. ``str(error)`` is the message alone, ready to show.

    ``position`` is the 0-based index in the original text where the offending token or
    value starts (``len(text)`` for problems at the very end), so the search box can
    place its cursor or underline there.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type[QuerySyntaxError], tuple[str, int]]:
        return (type(self), (self.message, self.position))


class Comparison(StrEnum):
    EQ = "="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


class TextField(StrEnum):
    """Fields whose value is a free string. Executors compare them case-insensitively."""

    QUEUE = "queue"
    REQUESTER = "requester"
    TAG = "tag"
    CATEGORY = "category"
    ASSET = "asset"  # a linked asset's tag (or the ticket's free-text asset)
    LOCATION = "location"  # a location's name or path, and every place below it
    WARRANTY = "warranty"  # expired | active: of a linked asset


class DateField(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"
    RESOLVED = "resolved"


class Assignee(StrEnum):
    """The two words ``assignee:`` treats specially (in any case); anything else is a username."""

    ME = "me"
    NONE = "none"


class Kind(StrEnum):
    TICKET = "ticket"
    ARTICLE = "article"


@dataclass(frozen=True)
class StatusFilter:
    """The ticket's status is one of ``statuses`` (never empty)."""

    statuses: frozenset[TicketStatus]
    negated: bool = False

    def __post_init__(self) -> None:
        if not self.statuses:
            raise ValueError("StatusFilter needs at least one status")


@dataclass(frozen=True)
class TypeFilter:
    """The ticket's type is one of ``types`` (never empty)."""

    types: frozenset[TicketType]
    negated: bool = False

    def __post_init__(self) -> None:
        if not self.types:
            raise ValueError("TypeFilter needs at least one type")


@dataclass(frozen=True)
class ChoiceFilter:
    """The ticket's code field ``field`` (one of ``sync.domain.ticket_schema.CHOICE_FIELDS``,
    e.g. ``channel``) holds one of ``values`` (its enum's values; never empty)."""

    field: str
    values: frozenset[str]
    negated: bool = False

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("ChoiceFilter needs at least one value")


@dataclass(frozen=True)
class TextFilter:
    """``field`` equals ``value``, case-insensitively; ``value`` is stripped, never empty,
    with inner whitespace runs collapsed to one space."""

    field: TextField
    value: str
    negated: bool = False


@dataclass(frozen=True)
class AssigneeFilter:
    """Assigned to the current user (``Assignee.ME``), to nobody (``Assignee.NONE``) or to the
    user with this username. The parser never produces the strings "me"/"none"."""

    assignee: Assignee | str
    negated: bool = False


@dataclass(frozen=True)
class PriorityFilter:
    """``ticket.priority <op> priority`` on the numbers (1 = critical, so ``<=2`` is P1 or P2)."""

    op: Comparison
    priority: Priority
    negated: bool = False

    @property
    def matching(self) -> frozenset[Priority]:
        """The priorities the comparison admits (ignoring ``negated``); may be empty."""
        value = int(self.priority)
        tests = {
            Comparison.EQ: lambda p: p == value,
            Comparison.LT: lambda p: p < value,
            Comparison.LE: lambda p: p <= value,
            Comparison.GT: lambda p: p > value,
            Comparison.GE: lambda p: p >= value,
        }
        return frozenset(p for p in Priority if tests[self.op](int(p)))


@dataclass(frozen=True)
class DateFilter:
    """``start <= field < end`` (half-open); a ``None`` bound is unbounded, but not both.

    Bounds are timezone-aware UTC instants. Operators on exact timestamps are folded into
    this form using datetime's microsecond resolution (``> t`` is ``>= t + 1µs``).
    A ticket with no value for the field (no due date, not resolved) never matches.
    """

    field: DateField
    start: datetime | None
    end: datetime | None
    negated: bool = False

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("DateFilter needs a start or an end")
        for bound in (self.start, self.end):
            if bound is not None and bound.utcoffset() is None:
                raise ValueError("DateFilter bounds must be timezone-aware")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("DateFilter start must be before its end")

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) falls inside the interval, ignoring ``negated``."""
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class NumberFilter:
    """The ticket with this number (``#123``)."""

    number: int
    negated: bool = False


@dataclass(frozen=True)
class CsatFilter:
    """The requester's rating: ``csat:5``, ``csat:<=2`` (1-5), or ``csat:none`` (not rated).

    ``score`` None means "not rated" (``op`` is then ``=``); a comparison never matches an
    unrated ticket."""

    op: Comparison
    score: int | None
    negated: bool = False

    @property
    def matching(self) -> frozenset[int]:
        """The scores (1-5) the comparison admits (ignoring ``negated``; empty for ``none``)."""
        if self.score is None:
            return frozenset()
        value = self.score
        tests = {
            Comparison.EQ: lambda p: p == value,
            Comparison.LT: lambda p: p < value,
            Comparison.LE: lambda p: p <= value,
            Comparison.GT: lambda p: p > value,
            Comparison.GE: lambda p: p >= value,
        }
        return frozenset(p for p in range(1, 6) if tests[self.op](p))


@dataclass(frozen=True)
class OverdueFilter:
    """``is:overdue``: open (see ``OPEN_STATUSES``) and past its due time at execution."""

    negated: bool = False


@dataclass(frozen=True)
class KindFilter:
    """Restrict results to tickets or to knowledge-base articles."""

    kind: Kind
    negated: bool = False


Filter = (
    StatusFilter
    | TypeFilter
    | ChoiceFilter
    | TextFilter
    | AssigneeFilter
    | PriorityFilter
    | DateFilter
    | NumberFilter
    | CsatFilter
    | OverdueFilter
    | KindFilter
)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: all parts are ANDed.

    ``words`` are matched as prefixes, ``phrases`` as consecutive words, both through
    :func:`~sync.search.fts_expression.fts_match_expression`. Order is kept as typed.
    """

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()

    @property
    def has_free_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.filters)
