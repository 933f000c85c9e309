"""Article <-> ticket links both ways: explicit, from mentions, from "create article from ticket"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kb.conftest import journal

from sync.errors import NotFoundError
from sync.replica.kb_models import ArticleTicketLink, link_id
from sync.replica.replica import Replica
from sync.services.article_links import ArticleLinks, draft_from_ticket, mentioned_article_ids
from sync.services.article_service import ArticleService
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


def _ticket(replica: Replica, queue: str, subject: str, **kw: object) -> str:
    return TicketService(replica).create_ticket(NewTicket(subject=subject, queue_id=queue, **kw)).entity_id  # type: ignore[arg-type]


def test_link_both_ways_with_usage_counts_and_journal(replica: Replica, it_queue: str) -> None:
    article = ArticleService(replica).create("Reset a password", "Use the portal.").entity_id
    t1, t2 = _ticket(replica, it_queue, "Locked out"), _ticket(replica, it_queue, "Forgot password")
    links = ArticleLinks(replica)
    first = links.link(article, t1)
    assert first.changes.journal and first.changes.tickets == {t1}
    assert links.link(article, t1).changes.is_empty  # already linked: nothing written
    links.link(article, t2)
    assert links.usage_count(article) == 2 and links.usage_counts([article, "x"]) == {article: 2}
    assert [t.ticket_id for t in links.tickets_for(article)] == [t2, t1]
    assert [(a.article_id, a.source) for a in links.articles_for(t1)] == [(article, "explicit")]
    payload = journal(replica, "article.link")[0]["link"]
    assert payload["id"] == link_id(article, t1) and payload["source"] == "explicit"
    assert set(payload) == {"id", "article_id", "ticket_id", "source", "created_by", "created_at"}
    links.unlink(article, t1)
    assert links.usage_count(article) == 1 and links.articles_for(t1) == []
    assert journal(replica, "article.unlink") == [
        {"link_id": link_id(article, t1), "article_id": article, "ticket_id": t1}
    ]
    assert links.unlink(article, t1).changes.is_empty


def test_mentions_in_replies_notes_and_resolutions_make_links(replica: Replica, it_queue: str) -> None:
    kb = ArticleService(replica)
    a1, a2 = kb.create("Jams", "x").entity_id, kb.create("Toner", "y").entity_id
    ticket = _ticket(replica, it_queue, "Printer jams")
    TicketWork(replica).reply(ticket, f"Please follow [these steps](outpost:article/{a1}).")
    TicketWork(replica).note(ticket, "Also outpost:article/00000000-0000-4000-8000-000000000000 (not here)")
    result = ArticleLinks(replica).link_mentions(ticket)
    assert result.changes.articles == {a1}
    TicketService(replica).change_status(
        ticket, "resolved", resolution=f"Fixed, see outpost:article/{a2.upper()}"
    )
    ArticleLinks(replica).link_mentions(ticket)
    assert ArticleLinks(replica).link_mentions(ticket).changes.is_empty  # idempotent
    assert {(a.article_id, a.source) for a in ArticleLinks(replica).articles_for(ticket)} == {
        (a1, "mention"),
        (a2, "mention"),
    }
    assert mentioned_article_ids(f"outpost:article/{a1} and outpost:article/{a1}") == [a1]


def test_links_to_tickets_outside_the_replica_still_count(replica: Replica) -> None:
    article = ArticleService(replica).create("VPN", "x").entity_id
    with replica.write() as s:  # pulled with the article: its ticket is in another queue's scope
        s.add(
            ArticleTicketLink(
                id=link_id(article, "t-elsewhere"),
                article_id=article,
                ticket_id="t-elsewhere",
                source="mention",
                created_by=None,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
                version=7,
            )
        )
    links = ArticleLinks(replica)
    assert links.usage_count(article) == 1
    (linked,) = links.tickets_for(article)
    assert not linked.in_replica and linked.display_number == "" and linked.ticket_id == "t-elsewhere"


def test_unknown_article_or_ticket_is_refused(replica: Replica, it_queue: str) -> None:
    ticket = _ticket(replica, it_queue, "x")
    with pytest.raises(NotFoundError, match="No article"):
        ArticleLinks(replica).link("nope", ticket)
    article = ArticleService(replica).create("A", "b").entity_id
    with pytest.raises(NotFoundError, match="No ticket"):
        ArticleLinks(replica).link(article, "nope")


def test_create_article_from_a_resolution(replica: Replica, it_queue: str) -> None:
    ticket = _ticket(
        replica,
        it_queue,
        "Outlook asks for my password",
        category="Software",
        description="Outlook prompts for credentials after a password change.",
        tags=("outlook",),
    )
    TicketService(replica).change_status(ticket, "resolved", resolution="Cleared cached credentials.")
    draft = draft_from_ticket(replica, ticket, "known error")
    assert draft.title == "Outlook asks for my password" and draft.kind == "known error"
    assert "## Symptom\n\nOutlook prompts for credentials after a password change." in draft.body
    assert "## Workaround\n\nCleared cached credentials." in draft.body
    assert (draft.category, draft.tags) == ("Software", ("outlook",))
    result = ArticleLinks(replica).create_from_ticket(ticket)
    article = ArticleService(replica).detail(result.entity_id)
    assert (article.state, article.body, article.tags) == ("draft", draft.body, ("outlook",))
    assert [(a.article_id, a.source) for a in ArticleLinks(replica).articles_for(ticket)] == [
        (result.entity_id, "created_from")
    ]
    assert result.changes.tickets == {ticket} and result.changes.articles == {result.entity_id}
    faq = draft_from_ticket(replica, ticket, "faq")
    assert faq.body.startswith("## Outlook asks for my password\n\nCleared cached credentials.")
