"""A search query as a filter for the ticket table (:class:`TicketFilter`), free text included.

The ticket table pages and sorts through :class:`~sync.services.ticket_queries.TicketQueries`,
which knows no full-text search. :func:`to_ticket_filter` bridges the two:

* a query **with free text** becomes ``TicketFilter(ticket_ids=...)``: the ids of every
  ticket matching the words *and* the filters, found through the index (not ranked, not
  windowed: the table sorts by its own columns);
* a query **without free text** becomes the filter fields
  :func:`~sync.services.ticket_search.resolve_search` gives (the same mapping the search box
  of the table already uses).

It returns ``None`` when the table cannot show the query exactly — more than ``max_ids``
text matches, or a filter ``TicketFilter`` cannot express (``-tag:x``, ``created:``...) — and
the caller then pages through :meth:`SearchService.search` instead, which handles every query.
"""

from __future__ import annotations

from sqlalchemy import column, literal_column, select, table

from sync.replica.models import Ticket
from sync.search.query_language import to_text
from sync.search.query_model import Kind, SearchQuery
from sync.search.search_filters import FilterContext, kinds_wanted, ticket_conditions
from sync.search.search_service import SearchService, match_expression
from sync.services.ticket_queries import TicketFilter
from sync.services.ticket_search import NOTHING, resolve_search

__all__ = ["MAX_TABLE_IDS", "matching_ticket_ids", "to_ticket_filter"]

#: Above this many text matches a query is better paged through SearchService.search.
MAX_TABLE_IDS = 20_000


def matching_ticket_ids(
    service: SearchService, query: SearchQuery, *, me: str | None = None, max_ids: int = MAX_TABLE_IDS
) -> list[str] | None:
    """Ids of all tickets matching the query's words and filters, or None if more than
    ``max_ids`` (or if the query has no free text: use the filters themselves then)."""
    expr = match_expression(query)
    if expr is None or Kind.TICKET not in kinds_wanted(query):
        return None if expr is None else []
    replica = service.replica
    with replica.read() as s:
        me = me if me is not None else replica.current_user_id
        conds = ticket_conditions(s, query, FilterContext(me, replica.clock()))
        fts = table("ticket_fts", column("rowid"))
        stmt = (
            select(Ticket.id)
            .select_from(fts)
            .join(Ticket, literal_column("tickets.rowid") == fts.c.rowid)
            .where(literal_column("ticket_fts").op("MATCH")(expr), *conds)
            .limit(max_ids + 1)
        )
        ids = list(s.connection().execute(stmt).scalars())
    return None if len(ids) > max_ids else ids


def to_ticket_filter(
    service: SearchService, query: SearchQuery, me: str | None, *, max_ids: int = MAX_TABLE_IDS
) -> TicketFilter | None:
    """The query as a TicketFilter for the table, or None if the table cannot show it exactly."""
    if Kind.TICKET not in kinds_wanted(query):
        return NOTHING
    if query.has_free_text:
        if match_expression(query) is None:
            return NOTHING  # only punctuation: the search box finds nothing either
        ids = matching_ticket_ids(service, query, me=me, max_ids=max_ids)
        return None if ids is None else TicketFilter(ticket_ids=tuple(ids))
    resolved = resolve_search(
        service.replica, to_text(SearchQuery(filters=query.filters)), me=me, now=service.replica.clock()
    )
    if not resolved.ok or resolved.ignored:
        return None
    return resolved.filter
