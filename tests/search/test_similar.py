"""Similar tickets and suggested articles make sense on a small realistic help desk."""

from __future__ import annotations

import pytest
from search.desk import Desk

from sync.errors import NotFoundError
from sync.search.index import SearchIndex
from sync.search.similar import SimilarItems, distinctive_terms, fold_words
from sync.services.article_links import ArticleLinks
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


def _new(desk: Desk, subject: str, description: str, queue: str = "IT") -> str:
    from sync.services.directory import Directory

    queue_id = Directory(desk.replica).queue_by_name(queue).id
    ticket = NewTicket(subject=subject, queue_id=queue_id, description=description)
    tid = TicketService(desk.replica).create_ticket(ticket).entity_id
    SearchIndex(desk.replica).catch_up()
    return tid


def test_words_are_folded_like_the_index() -> None:
    assert fold_words("Zürich's LaserJet-3, ÉTÉ") == ["zurich", "s", "laserjet", "3", "ete"]


def test_distinctive_terms_skip_stop_words_numbers_and_unmatched_words(desk: Desk) -> None:
    with desk.replica.read() as s:
        terms = distinctive_terms(
            s, "The VPN keeps dropping", "It drops every 10 minutes on the hotel wifi, please help, zebra"
        )
    assert {"vpn", "hotel", "dropping", "wifi"} <= set(terms[:5])  # "dropping": one other ticket has it
    assert not {"the", "keeps", "10", "please", "it"} & set(terms)
    assert "zebra" not in terms  # no other document has it: it cannot find anything


def test_similar_tickets_prefer_the_known_fix(desk: Desk) -> None:
    fresh = _new(
        desk, "VPN keeps disconnecting at the hotel", "GlobalProtect drops on hotel wifi every few minutes."
    )
    similar = SimilarItems(desk.replica).similar_tickets(fresh)
    keys = {v: k for k, v in desk.tickets.items()}
    assert [keys[t.id] for t in similar][:2] == ["vpn_drops", "vpn_home"]  # the resolved one first
    assert (
        similar[0].resolution.startswith("Updated the GlobalProtect client")
        and similar[0].status == "resolved"
    )
    assert fresh not in {t.id for t in similar}


def test_similar_for_facilities_and_printers(desk: Desk) -> None:
    cold = _new(
        desk, "Radiator cold in room B2.01", "The heating is off and the radiator is cold.", "Facilities"
    )
    keys = {v: k for k, v in desk.tickets.items()}
    found = [keys[t.id] for t in SimilarItems(desk.replica).similar_tickets(cold)]
    assert set(found[:2]) == {"heating", "radiator_leak"} and "payroll" not in found
    jam = _new(desk, "Paper jam in the floor 3 printer", "Tray 2 jams again, the roller squeaks.")
    assert keys[SimilarItems(desk.replica).similar_tickets(jam)[0].id] == "zurich_printer"


def test_suggested_articles_put_published_first_and_mark_linked_ones(desk: Desk) -> None:
    cold = _new(desk, "Heating failed in the library", "Who do I call when the heating fails?", "Facilities")
    suggested = SimilarItems(desk.replica).suggested_articles(cold)
    keys = {v: k for k, v in desk.articles.items()}
    assert [keys[a.id] for a in suggested] == ["heating_faq"]  # the only match, even as a draft
    fresh = _new(desk, "Outlook password prompt", "Outlook keeps asking for my password since the change.")
    ArticleLinks(desk.replica).link(desk.articles["outlook_creds"], fresh)
    (first, *_rest) = SimilarItems(desk.replica).suggested_articles(fresh)
    assert keys[first.id] == "outlook_creds" and first.linked and first.state == "published"


def test_nothing_in_common_gives_nothing(desk: Desk) -> None:
    lonely = _new(desk, "Quokka", "Xylophone zeppelin.")
    assert SimilarItems(desk.replica).similar_tickets(lonely) == []
    assert SimilarItems(desk.replica).suggested_articles(lonely) == []
    with pytest.raises(NotFoundError):
        SimilarItems(desk.replica).similar_tickets("nope")
    TicketWork(desk.replica).note(lonely, "irrelevant")
