"""The query language shared by the search box, ``outpost search QUERY`` and saved views.

``status:open queue:"Facilities North" -tag:hvac created:>-7d "exact phrase" free words``

Grammar (tokens are separated by whitespace; a ``"`` also ends a bare token)::

    query   := (term | phrase)*
    term    := ["-"] field ":" value  |  ["-"] "#" digits  |  word
    value   := bare | quoted           bare: no whitespace, no '"'
    phrase  := quoted                  quoted: "..." with \\" and \\\\ as escapes

A token that looks like ``name:value`` with an ASCII-letter name is always a filter, so an
unknown name is an error rather than silently searched text; text containing ``:`` is
searched by quoting it. A leading ``-`` negates filters only; on free text it is part of
the word. The field-by-field meaning is in :data:`~sync.search.query_help.QUERY_HELP`.

:func:`to_text` gives canonical text for a query: ``parse_query(to_text(q), ...) == q``.
Dates in it are absolute UTC instants, so a saved view that should stay relative
("created in the last 7 days") must store the user's text, not ``to_text`` of its parse.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import TypeVar, assert_never

from sync.domain.priority import Priority
from sync.domain.ticket_schema import CHOICE_FIELDS
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import TicketType
from sync.search.query_dates import format_instant, parse_date_interval
from sync.search.query_model import (
    STATUS_GROUPS,
    Assignee,
    AssigneeFilter,
    ChoiceFilter,
    Comparison,
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
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
)

__all__ = ["FIELD_NAMES", "parse_query", "to_text"]

_FILTER_TOKEN = re.compile(r"(-?)([A-Za-z_]+):")
_NUMBER_TOKEN = re.compile(r"(-?)#([0-9]+)")
_NUMBER_VALUE = re.compile(r"#?([0-9]+)")
_MAX_NUMBER = 2**63 - 1  # SQLite's INTEGER
_COMPARISONS = ("<=", ">=", "<", ">", "=")
_FLAGS = ("open", "pending", "closed", "unassigned", "overdue", "mine")
_PRIORITY_WORDS = {
    **{str(p.value): p for p in Priority},
    **{f"p{p.value}": p for p in Priority},
    **{p.name.casefold(): p for p in Priority},
}
_E = TypeVar("_E", bound=StrEnum)
_TEXT_FIELDS = frozenset(f.value for f in TextField)
_DATE_FIELDS = frozenset(f.value for f in DateField)
_KIND_WORDS = {
    "ticket": Kind.TICKET,
    "tickets": Kind.TICKET,
    "article": Kind.ARTICLE,
    "articles": Kind.ARTICLE,
}

#: Every field name the language knows, for completion in the search box.
FIELD_NAMES: tuple[str, ...] = (
    "is", "status", "queue", "assignee", "requester", "priority", "tag", "category", "type",
    "created", "updated", "due", "resolved", "number", "kind", "asset", "location", "warranty",
    "csat", *CHOICE_FIELDS,
)  # fmt: skip


def parse_query(text: str, *, now: datetime | None = None, tz: tzinfo = UTC) -> SearchQuery:
    """Parse ``text``; for any user text this returns or raises :class:`QuerySyntaxError`.

    ``now`` (aware; defaults to the current time) anchors ``today`` and offsets like
    ``-7d``; ``tz`` is the user's time zone, used for bare dates and for times written
    without an offset. A naive ``now`` is a programming error and raises ``ValueError``.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.utcoffset() is None:
        raise ValueError("parse_query needs an aware 'now'")
    return _Parser(text, now.astimezone(UTC), tz).parse()


class _Parser:
    def __init__(self, text: str, now: datetime, tz: tzinfo) -> None:
        self.text = text
        self.now = now
        self.tz = tz
        self.pos = 0

    def parse(self) -> SearchQuery:
        words: list[str] = []
        phrases: list[str] = []
        filters: list[Filter] = []
        text = self.text
        while True:
            while self.pos < len(text) and text[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(text):
                return SearchQuery(tuple(words), tuple(phrases), tuple(filters))
            if text[self.pos] == '"':
                if phrase := " ".join(self._quoted().split()):
                    phrases.append(phrase)
                continue
            start = self.pos
            run = self._bare()
            if match := _FILTER_TOKEN.match(run):
                negated, name = match.group(1) == "-", match.group(2)
                value_start = start + match.end()
                rest = run[match.end() :]
                if not rest and self.pos < len(text) and text[self.pos] == '"':
                    value, quoted = self._quoted(), True
                else:
                    value, quoted = rest, False
                filters.append(
                    self._filter(name, start + len(match.group(1)), value, value_start, quoted, negated)
                )
            elif match := _NUMBER_TOKEN.fullmatch(run):
                filters.append(
                    NumberFilter(self._number(match.group(2), start), negated=match.group(1) == "-")
                )
            else:
                words.append(run)

    def _bare(self) -> str:
        start = self.pos
        text = self.text
        while self.pos < len(text) and not text[self.pos].isspace() and text[self.pos] != '"':
            self.pos += 1
        return text[start : self.pos]

    def _quoted(self) -> str:
        start = self.pos
        text = self.text
        self.pos += 1
        out: list[str] = []
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in '"\\':
                out.append(text[self.pos + 1])
                self.pos += 2
                continue
            out.append(char)
            self.pos += 1
        raise QuerySyntaxError("Unterminated quote: add the closing '\"'", start)

    def _filter(self, name: str, name_pos: int, raw: str, pos: int, quoted: bool, negated: bool) -> Filter:
        field = name.casefold()
        if field not in FIELD_NAMES:
            raise QuerySyntaxError(_unknown_field_message(name), name_pos)
        value = " ".join(raw.split())
        if not value:
            raise QuerySyntaxError(f"'{field}:' needs a value", pos)
        if field == "is":
            return _flag_filter(value, pos, negated)
        if field == "status":
            return StatusFilter(frozenset(_enum_list(value, pos, TicketStatus, "status")), negated)
        if field == "type":
            return TypeFilter(frozenset(_enum_list(value, pos, TicketType, "type")), negated)
        if field == "warranty" and value.casefold() not in ("expired", "active"):
            raise QuerySyntaxError(f"warranty: is 'expired' or 'active', not '{value}'", pos)
        if field in CHOICE_FIELDS:
            chosen = _enum_list(value, pos, CHOICE_FIELDS[field], field)
            return ChoiceFilter(field, frozenset(member.value for member in chosen), negated)
        if field in _TEXT_FIELDS:
            return TextFilter(TextField(field), value.casefold() if field == "warranty" else value, negated)
        if field == "assignee":
            keyword = value.casefold()
            return AssigneeFilter(Assignee(keyword) if keyword in ("me", "none") else value, negated)
        if field == "priority":
            return _priority_filter(value, pos, negated)
        if field == "csat":
            return _csat_filter(value, pos, negated)
        if field in _DATE_FIELDS:
            start, end = parse_date_interval(value, pos + (1 if quoted else 0), now=self.now, tz=self.tz)
            return DateFilter(DateField(field), start, end, negated)
        if field == "number":
            match = _NUMBER_VALUE.fullmatch(value)
            if not match:
                raise QuerySyntaxError(
                    f"A ticket number is digits, like number:123 or #123, not '{value}'", pos
                )
            return NumberFilter(self._number(match.group(1), pos), negated)
        kind = _KIND_WORDS.get(value.casefold())
        if kind is None:
            raise QuerySyntaxError(f"kind: is 'ticket' or 'article', not '{value}'", pos)
        return KindFilter(kind, negated)

    @staticmethod
    def _number(digits: str, pos: int) -> int:
        number = int(digits)
        if number > _MAX_NUMBER:
            raise QuerySyntaxError(f"Ticket number {digits} is too large", pos)
        return number


def _unknown_field_message(name: str) -> str:
    close = difflib.get_close_matches(name.casefold(), FIELD_NAMES, n=1, cutoff=0.6)
    if close:
        return f"Unknown field '{name}' — did you mean '{close[0]}'?"
    return (
        f"Unknown field '{name}'. Fields are: {', '.join(FIELD_NAMES)}. "
        "To search for text with ':' in it, put it in quotes."
    )


def _normalise_word(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().casefold())


def _enum_list(value: str, pos: int, enum: type[_E], field: str) -> list[_E]:
    members = {member.value: member for member in enum}
    result: list[_E] = []
    for item in value.split(","):
        key = _normalise_word(item)
        if not key:
            raise QuerySyntaxError(f"Empty item in the list '{field}:{value}'", pos)
        if key not in members:
            close = difflib.get_close_matches(key, members, n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f"; use one of {', '.join(members)}"
            raise QuerySyntaxError(f"Unknown {field} '{item.strip()}'{hint}", pos)
        result.append(members[key])
    return result


def _flag_filter(value: str, pos: int, negated: bool) -> Filter:
    flag = value.casefold()
    if flag in STATUS_GROUPS:
        return StatusFilter(STATUS_GROUPS[flag], negated)
    if flag == "unassigned":
        return AssigneeFilter(Assignee.NONE, negated)
    if flag == "mine":
        return AssigneeFilter(Assignee.ME, negated)
    if flag == "overdue":
        return OverdueFilter(negated)
    close = difflib.get_close_matches(flag, _FLAGS, n=1, cutoff=0.6)
    hint = f" — did you mean 'is:{close[0]}'?" if close else f"; use one of {', '.join(_FLAGS)}"
    raise QuerySyntaxError(f"Unknown 'is:{value}'{hint}", pos)


def _priority_filter(value: str, pos: int, negated: bool) -> PriorityFilter:
    op = next((candidate for candidate in _COMPARISONS if value.startswith(candidate)), "")
    priority = _PRIORITY_WORDS.get(value[len(op) :].strip().casefold())
    if priority is None:
        raise QuerySyntaxError(
            f"Priority is 1–4 or p1–p4, optionally after <, <=, >, >= (like priority:<=2), not '{value}'", pos
        )
    return PriorityFilter(Comparison(op or "="), priority, negated)


def _csat_filter(value: str, pos: int, negated: bool) -> CsatFilter:
    if value.casefold() == "none":
        return CsatFilter(Comparison.EQ, None, negated)
    op = next((candidate for candidate in _COMPARISONS if value.startswith(candidate)), "")
    digits = value[len(op) :].strip()
    if not (digits.isascii() and digits.isdigit() and 1 <= int(digits) <= 5):
        raise QuerySyntaxError(
            f"csat: is a rating 1–5, optionally after <, <=, >, >= (like csat:<=2), or 'none', not '{value}'",
            pos,
        )
    return CsatFilter(Comparison(op or "="), int(digits), negated)


def to_text(query: SearchQuery) -> str:
    """Canonical query text: filters first, then phrases, then words, each in order.

    Round-trips for every query :func:`parse_query` returns, whatever ``now``/``tz``
    (dates are written as absolute UTC instants).
    """
    parts = [_filter_text(f) for f in query.filters]
    parts += [_quote(phrase) for phrase in query.phrases]
    parts += query.words
    return " ".join(parts)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(value: str) -> str:
    if not value or '"' in value or any(char.isspace() for char in value):
        return _quote(value)
    return value


def _names(members: Iterable[StrEnum], order: Iterable[StrEnum]) -> str:
    chosen = set(members)
    return ",".join(member.value for member in order if member in chosen)


def _filter_text(item: Filter) -> str:
    sign = "-" if item.negated else ""
    match item:
        case StatusFilter(statuses=statuses):
            group = next((name for name, members in STATUS_GROUPS.items() if members == statuses), None)
            body = f"is:{group}" if group else f"status:{_names(statuses, TicketStatus)}"
        case TypeFilter(types=types):
            body = f"type:{_names(types, TicketType)}"
        case ChoiceFilter(field=field_name, values=values):
            body = f"{field_name}:{','.join(m.value for m in CHOICE_FIELDS[field_name] if m.value in values)}"
        case TextFilter(field=field, value=value):
            body = f"{field.value}:{_value(value)}"
        case AssigneeFilter(assignee=assignee):
            body = f"assignee:{assignee.value if isinstance(assignee, Assignee) else _value(assignee)}"
        case PriorityFilter(op=op, priority=priority):
            body = f"priority:{'' if op is Comparison.EQ else op.value}{priority.value}"
        case DateFilter(field=field, start=start, end=end):
            if start is not None and end is not None:
                body = f"{field.value}:{format_instant(start)}..{format_instant(end)}"
            elif start is not None:
                body = f"{field.value}:>={format_instant(start)}"
            else:
                assert end is not None
                body = f"{field.value}:<{format_instant(end)}"
        case NumberFilter(number=number):
            body = f"#{number}"
        case CsatFilter(op=op, score=score):
            body = "csat:none" if score is None else f"csat:{'' if op is Comparison.EQ else op.value}{score}"
        case OverdueFilter():
            body = "is:overdue"
        case KindFilter(kind=kind):
            body = f"kind:{kind.value}"
        case _:
            assert_never(item)
    return sign + body
