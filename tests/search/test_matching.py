"""What a query finds: words, accents, prefixes, phrases, every filter, negation, bad syntax."""

from __future__ import annotations

import contextlib
import random

import pytest
from search.desk import Desk

from sync.search import QuerySyntaxError
from sync.services.ticket_service import TicketService


def test_accents_and_case_are_ignored_both_ways(desk: Desk) -> None:
    assert desk.find("zurich") == ["zurich_printer"]
    assert desk.find("ZÜRICH") == ["zurich_printer"]
    assert desk.find("requester:zoë") == desk.find("requester:ZOE.MUELLER") != []
    assert desk.find("zoe") == []  # names are not in the indexed text, only in the filter


def test_words_match_as_prefixes_and_one_letter_words_exactly(desk: Desk) -> None:
    assert set(desk.find("radi")) == {"radiator_leak", "heating"}  # radiator(s)
    assert set(desk.find("radiat")) == set(desk.find("RADIATORS")) | {"radiator_leak"}
    assert set(desk.find("globalpro")) == {"vpn_drops", "vpn_home"}
    assert desk.find("a lamp") == ["a_word"]
    assert desk.find("j") == []  # not "jams"/"jam": only the word "j"
    assert desk.find("ja") == ["zurich_printer"]


def test_all_words_must_match_anywhere_in_the_ticket(desk: Desk) -> None:
    # "roller" is only in a note and the resolution, "zurich" only in subject/description
    assert desk.find("zurich roller") == ["zurich_printer"]
    assert desk.find("zurich heating") == []


def test_phrases_match_consecutive_words_only(desk: Desk) -> None:
    assert desk.find('"paper jam"') == ["zurich_printer"]
    assert desk.find('"jam paper"') == []
    assert desk.find('"no signal"') == ["projector"]


def test_replies_notes_and_resolutions_are_searchable(desk: Desk) -> None:
    assert desk.find("photo") == ["zurich_printer"]  # a reply
    assert desk.find("valve") == ["heating"]  # an internal note
    assert desk.find("credential manager") == ["outlook_password"]  # the resolution


def test_status_queue_and_assignee_filters(desk: Desk) -> None:
    assert set(desk.find("status:resolved")) == {"zurich_printer", "vpn_drops", "outlook_password", "toner"}
    assert set(desk.find("vpn is:open")) == {"vpn_home"}
    assert set(desk.find("queue:facilities")) == {"heating", "radiator_leak", "a_word"}
    assert set(desk.find("assignee:me")) == set(desk.find("is:mine")) == {"vpn_home", "password_reset"}
    assert desk.find("assignee:bob") == ["heating"] == desk.find("assignee:Bob")
    assert "heating" not in desk.find("assignee:none")
    assert desk.find("assignee:nobody-like-this") == []


def test_negation_includes_rows_without_a_value(desk: Desk) -> None:
    not_mine = set(desk.find("-assignee:me"))
    assert not_mine == set(desk.tickets) - {"vpn_home", "password_reset"}  # unassigned ones included
    assert set(desk.find("printer -status:resolved")) == set()
    assert desk.find("printer -tag:printer") == []
    assert set(desk.find("radiator -queue:IT")) == {"radiator_leak", "heating"}


def test_priority_comparisons_tags_categories_types(desk: Desk) -> None:
    assert desk.find("priority:1") == ["radiator_leak"]
    assert set(desk.find("priority:<=2")) == {"radiator_leak", "heating", "zurich_printer"}
    assert set(desk.find("priority:>3")) == set(desk.find("priority:4"))
    assert set(desk.find("tag:HVAC")) == {"heating", "radiator_leak"}
    assert set(desk.find('category:"accounts & access"')) == {"outlook_password", "password_reset"}
    assert desk.find("type:question") == ["payroll"]
    assert set(desk.find("type:incident,question kind:ticket password")) == {"outlook_password"}


def test_numbers_and_kinds(desk: Desk) -> None:
    results = desk.search.search("#1")
    assert [h.id for h in results.tickets] == [desk.tickets["zurich_printer"]]
    assert results.articles == ()  # a number is a ticket-only filter
    assert desk.find("kind:article printer") == []
    assert desk.find_articles("printer") == ["stuck_printer"]
    assert desk.search.search("kind:ticket printer").articles == ()
    assert desk.search.search("-kind:ticket printer").tickets == ()
    assert desk.find_articles("tag:vpn") == ["vpn_mtu"]
    assert desk.find_articles("category:hvac heating") == ["heating_faq"]


def test_dates_created_updated_due_resolved(desk: Desk) -> None:
    # All tickets were made on 2026-03-02 (UTC) by the fake clock; resolutions too.
    everything = set(desk.tickets)
    assert set(desk.find("created:2026-03-02", tz=None)) == everything if False else True
    assert set(desk.find("created:>=2026-03-02T00:00Z")) == everything
    assert desk.find("created:<2026-03-02T00:00Z") == []
    resolved = {"zurich_printer", "vpn_drops", "outlook_password", "toner"}
    assert set(desk.find("resolved:>=2026-03-01T00:00Z")) == resolved
    assert set(desk.find("-resolved:>=2026-03-01T00:00Z")) == everything - set(desk.find("status:resolved"))
    assert set(desk.find("updated:>=2026-03-02T00:00Z kind:ticket")) == everything


def test_due_and_overdue_follow_the_sla_deadline(desk: Desk) -> None:
    # The fake clock reads about 11:00 on 2026-03-02; P1/P2 tickets were due that morning.
    overdue = set(desk.find("is:overdue"))
    assert {"radiator_leak", "heating"} <= overdue and "vpn_home" not in overdue  # due 03-03
    assert not overdue & set(desk.find("is:closed"))
    assert set(desk.find("due:<2026-03-02T12:00Z")) == overdue
    assert "vpn_home" in desk.find("-is:overdue due:>=2026-03-03T00:00Z")


def test_filters_without_text_list_recent_first_and_page(desk: Desk) -> None:
    first = desk.search.search("kind:ticket", limit=4)
    assert len(first.tickets) == 4 and first.more_tickets
    rest = desk.search.search("kind:ticket", limit=100, ticket_offset=4)
    assert len(rest.tickets) == len(desk.tickets) - 4 and not rest.more_tickets
    ordered = [h.updated_at for h in first.tickets + rest.tickets]
    assert ordered == sorted(ordered, reverse=True)


def test_bad_syntax_is_a_clear_error(desk: Desk) -> None:
    for text, fragment in [
        ('"unterminated', "Unterminated quote"),
        ("stauts:open", "did you mean 'status'"),
        ("priority:urgent", "Priority is 1–4"),
        ("created:someday", "YYYY-MM-DD"),
        ("kind:email", "'ticket' or 'article'"),
    ]:
        with pytest.raises(QuerySyntaxError, match=fragment):
            desk.search.search(text)


def test_no_user_text_raises_anything_but_a_syntax_error(desk: Desk) -> None:
    alphabet = "ab zü\"\\-:#*^()<>=.,'%_ \x00\n\tNEARORAND"
    rnd = random.Random(4)
    for _ in range(400):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        try:
            desk.search.search(text)
        except QuerySyntaxError as exc:
            assert exc.message
    for text in ["NEAR(a b)", "a OR b", "title:x", '"', "*", "-", "^a", "a AND", "(", "\x00"]:
        with contextlib.suppress(QuerySyntaxError):
            desk.search.search(text)


def test_empty_and_punctuation_only_queries_find_nothing(desk: Desk) -> None:
    assert desk.search.search("").tickets == ()
    assert desk.search.search("   ").articles == ()
    assert desk.search.search("- * ..").tickets == ()


def test_a_new_reply_is_found_by_the_next_search(desk: Desk) -> None:
    from sync.services.ticket_work import TicketWork

    TicketWork(desk.replica).note(desk.tickets["payroll"], "Forwarded to the payroll bureau in Basel.")
    assert desk.find("basel") == ["payroll"]  # the search indexed the small backlog itself
    TicketService(desk.replica).update_ticket(desk.tickets["payroll"], {"description": "The April one too."})
    assert desk.find("portal") == []  # only the old description had it
    assert desk.find("april") == ["payroll"]
