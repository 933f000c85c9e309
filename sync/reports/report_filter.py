"""A report's ``query`` (the search language) as SQL conditions on tickets.

On the replica the conditions are the search's own (:func:`sync.search.search_filters.ticket_condition`),
so ``queue:IT priority:high tag:vpn -assignee:me`` selects exactly the tickets the search
box would. Reports count tickets, so the query may not contain free text (words or
phrases: the full-text index is the replica's alone, and the server has none) or
``kind:article``; either is refused with a :class:`~sync.errors.ValidationError` that says so.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from sync.errors import ValidationError
from sync.search import Kind, KindFilter, QuerySyntaxError, SearchQuery, parse_query
from sync.search.search_filters import FilterContext, ticket_condition

__all__ = ["parse_report_query", "replica_conditions"]


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


def replica_conditions(
    session: Session, text: str, *, me: str | None, now: datetime, tz: tzinfo
) -> list[ColumnElement[bool]]:
    """Conditions on :class:`sync.replica.models.Ticket` for ``text`` (empty: none)."""
    if not text.strip():
        return []
    query = parse_report_query(text, now=now, tz=tz)
    ctx = FilterContext(me=me, now=now)
    return [
        ticket_condition(session, item, ctx) for item in query.filters if not isinstance(item, KindFilter)
    ]
