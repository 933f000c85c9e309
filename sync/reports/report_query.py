"""A report's ``query`` in the search language: parsed, and checked that reports can use it.

Reports count tickets, so the query may not contain free text (words or phrases: the
full-text index is the replica's alone, and the server has none) or ``kind:article``;
either is refused with a :class:`~sync.errors.ValidationError` that says so.

The parser and its filter types are the search's (``sync.search.query_language`` and
``query_model``: pure functions over text, no database); this module is the one place
report code reaches them, so the server's reports use the very same language (the one
import the server's "no client code" contract allows, listed in ``pyproject.toml``).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sync.errors import ValidationError
from sync.search.query_language import parse_query
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
    QuerySyntaxError,
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
    TypeFilter,
)

__all__ = [
    "Assignee",
    "AssigneeFilter",
    "ChoiceFilter",
    "CsatFilter",
    "DateField",
    "DateFilter",
    "Filter",
    "KindFilter",
    "NumberFilter",
    "OverdueFilter",
    "PriorityFilter",
    "SearchQuery",
    "StatusFilter",
    "TextField",
    "TextFilter",
    "TypeFilter",
    "parse_report_query",
]


def parse_report_query(text: str, *, now: datetime, tz: tzinfo) -> SearchQuery:
    """The parsed filter, or a ValidationError naming what is wrong and where."""
    try:
        query = parse_query(text, now=now, tz=tz)
    except QuerySyntaxError as exc:
        raise ValidationError(
            f"The report filter is not valid: {exc.message} (at character {exc.position + 1})."
        ) from exc
    if query.has_free_text:
        words = " ".join([*query.words, *(f'"{p}"' for p in query.phrases)])
        raise ValidationError(
            f"Reports filter by fields only (queue:, priority:, tag:, ...); remove the free text: {words}"
        )
    for item in query.filters:
        if isinstance(item, KindFilter) and (item.kind is Kind.ARTICLE) != item.negated:
            raise ValidationError("Reports count tickets; 'kind:article' selects none.")
    return query
