"""``channel:`` in the query language: parsed from the schema's choice fields, written back
canonically, and applied by both the search service and the ticket table's filter."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.replica.replica import open_replica
from sync.search import ChoiceFilter, QuerySyntaxError, parse_query, to_text
from sync.search.search_service import SearchService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_search import resolve_search
from sync.services.ticket_service import NewTicket, TicketService

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_channel_values_parse_in_any_spelling_and_write_back_canonically() -> None:
    query = parse_query("-channel:Walk-in,email printer", now=NOW)
    assert query.filters == (ChoiceFilter("channel", frozenset({"walk_in", "email"}), negated=True),)
    assert to_text(query) == "-channel:walk_in,email printer"
    assert parse_query(to_text(query), now=NOW) == query


def test_an_unknown_channel_is_an_error_that_names_the_values() -> None:
    with pytest.raises(QuerySyntaxError, match="Unknown channel 'fax'; use one of phone, walk_in, email"):
        parse_query("channel:fax", now=NOW)
    with pytest.raises(QuerySyntaxError, match="did you mean 'email'"):
        parse_query("channel:emial", now=NOW)


def test_channel_filters_tickets_in_search_and_in_the_table(tmp_path: Path) -> None:
    r = open_replica(tmp_path)
    set_up_standalone(r, name="Sam Tech", username="sam")
    it = Directory(r).queue_by_name("IT").id
    service = TicketService(r)
    ids = {
        channel: service.create_ticket(
            NewTicket(subject=f"Printer {channel}", queue_id=it, channel=channel)
        ).entity_id
        for channel in ("phone", "email", "walk_in")
    }
    search = SearchService(r)
    assert {h.id for h in search.search("channel:email").tickets} == {ids["email"]}
    assert {h.id for h in search.search("printer -channel:phone").tickets} == {ids["email"], ids["walk_in"]}
    table = resolve_search(r, "channel:walk_in,email", me=None, now=NOW)
    assert table.ok and not table.ignored
    rows = TicketQueries(r).rows(table.filter, limit=10)
    assert {row.id for row in rows} == {ids["email"], ids["walk_in"]}
    assert {row.channel for row in rows} == {"email", "walk_in"}
    r.close()
