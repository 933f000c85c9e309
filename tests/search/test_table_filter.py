"""A search query as a TicketFilter for the ticket table: the same tickets the search finds."""

from __future__ import annotations

from search.desk import Desk

from sync.search.table_filter import matching_ticket_ids, to_ticket_filter
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_search import NOTHING


def _table(desk: Desk, text: str) -> set[str] | None:
    flt = to_ticket_filter(desk.search, desk.search.parse(text), desk.me)
    if flt is None:
        return None
    by_id = {v: k for k, v in desk.tickets.items()}
    return {by_id[row.id] for row in TicketQueries(desk.replica).rows(flt, limit=1000)}


def test_the_table_shows_what_the_search_finds(desk: Desk) -> None:
    for text in [
        "printer",
        "printer is:closed",
        "zurich roller",
        "radiator queue:facilities",
        "vpn assignee:me",
        '"paper jam"',
        "queue:facilities",
        "is:open priority:<=2",
        "assignee:me",
    ]:
        assert _table(desk, text) == set(desk.find(text)), text


def test_queries_the_table_cannot_express_exactly_give_none(desk: Desk) -> None:
    assert _table(desk, "-tag:hvac") is None
    assert _table(desk, "created:>=2026-03-01") is None
    assert to_ticket_filter(desk.search, desk.search.parse("kind:article"), desk.me) == NOTHING
    assert to_ticket_filter(desk.search, desk.search.parse("- *"), desk.me) == NOTHING
    query = desk.search.parse("printer")
    assert matching_ticket_ids(desk.search, query, max_ids=1) is None
    assert to_ticket_filter(desk.search, query, desk.me, max_ids=1) is None
    assert len(matching_ticket_ids(desk.search, query) or []) == 2
