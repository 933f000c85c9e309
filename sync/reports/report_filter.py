"""A report's ``query`` (the search language) as SQL conditions on the replica's tickets.

The conditions are the search's own (:func:`sync.search.search_filters.ticket_condition`),
so ``queue:IT priority:high tag:vpn -assignee:me`` selects exactly the tickets the search
box would (what reports refuse: :mod:`sync.reports.report_query`). Client code.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from sync.reports.report_query import KindFilter, parse_report_query
from sync.search.search_filters import FilterContext, ticket_condition

__all__ = ["replica_conditions"]


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
