"""Links between articles and tickets, both ways: "used in 12 tickets" and "articles used here".

A link is made three ways (its ``source``): ``mention`` — a reply, note or resolution of the
ticket contains ``outpost:article/<id>`` (call :meth:`ArticleLinks.link_mentions` after
writing one); ``explicit`` — an agent links them by hand; ``created_from`` — the article
was written from the ticket (:meth:`ArticleLinks.create_from_ticket`).

Every link and unlink is one transaction that also records activity on both records and
journals the intent, so it syncs:

* ``article.link``   entity article; payload ``{"link": {"id", "article_id", "ticket_id",
  "source", "created_by", "created_at"}}``
* ``article.unlink`` entity article; payload ``{"link_id", "article_id", "ticket_id"}``

A link's id is derived from the pair (:func:`~sync.replica.kb_models.link_id`), so the same
link made on two devices is one record on the server. Linking twice is a no-op.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.errors import NotFoundError, ValidationError
from sync.kb.templates import fill_template, template_for
from sync.replica.kb_models import LINK_SOURCES, ArticleTicketLink, link_id
from sync.replica.models import Article, Comment, Ticket, TicketTag
from sync.replica.replica import Replica
from sync.services.article_service import ArticleService
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_views import display_number

__all__ = [
    "ArticleDraft",
    "ArticleLinks",
    "LinkedArticle",
    "LinkedTicket",
    "draft_from_ticket",
    "mentioned_article_ids",
]

_MENTION = re.compile(
    r"outpost:article/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
)


@dataclass(frozen=True)
class LinkedTicket:
    """A ticket an article was used in. ``in_replica`` is false for a ticket outside this
    replica's scope (its number, subject and status are then empty)."""

    ticket_id: str
    display_number: str
    subject: str
    status: str
    source: str
    linked_at: datetime
    in_replica: bool


@dataclass(frozen=True)
class LinkedArticle:
    article_id: str
    title: str
    kind: str
    state: str
    source: str
    linked_at: datetime


@dataclass(frozen=True)
class ArticleDraft:
    """A new article's fields, prefilled from a ticket, for the editor to show before saving."""

    title: str
    body: str
    kind: str
    category: str
    tags: tuple[str, ...]


def mentioned_article_ids(text: str) -> list[str]:
    """Article ids named as ``outpost:article/<id>`` in ``text``, in order, without repeats."""
    return list(dict.fromkeys(m.group(1).lower() for m in _MENTION.finditer(text)))


def draft_from_ticket(replica: Replica, ticket_id: str, kind: str = "known error") -> ArticleDraft:
    """An article draft from the ticket: its subject as the title, the template of ``kind``
    with the description and resolution in the matching slots, the ticket's category/tags."""
    template = template_for(kind)
    with replica.read() as s:
        ticket = load_ticket(s, ticket_id)
        subject, description, resolution = ticket.subject, ticket.description, ticket.resolution
        category = ticket.category
        tags = tuple(
            sorted(s.execute(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)).scalars())
        )
    values = {
        "how-to": {"summary": description, "steps": resolution},
        "known error": {"symptom": description, "workaround": resolution},
        "faq": {"question": subject, "answer": resolution or description},
    }[template.kind]
    return ArticleDraft(subject, fill_template(template.kind, values), template.kind, category, tags)


class ArticleLinks:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    # -- writing ----------------------------------------------------------------------
    def link(self, article_id: str, ticket_id: str, *, source: str = "explicit") -> WriteResult:
        """Link the article and the ticket (no-op if they already are)."""
        if source not in LINK_SOURCES:
            raise ValidationError(f"A link's source is one of {', '.join(LINK_SOURCES)}.")
        with self.replica.write() as s:
            made = self._link(s, article_id, ticket_id, source)
        return _result(article_id, {ticket_id} if made else set())

    def unlink(self, article_id: str, ticket_id: str) -> WriteResult:
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            row = s.get(ArticleTicketLink, link_id(article_id, ticket_id))
            if row is None:
                return WriteResult(article_id, ChangeSet())
            s.delete(row)
            self._activity(s, article_id, ticket_id, actor, now, linked=False)
            record_mutation(
                s,
                op="article.unlink",
                entity_type="article",
                entity_id=article_id,
                payload={"link_id": row.id, "article_id": article_id, "ticket_id": ticket_id},
                device_time=now,
                actor_id=actor,
            )
        return _result(article_id, {ticket_id})

    def link_mentions(self, ticket_id: str) -> WriteResult:
        """Link every local article the ticket's replies, notes or resolution mention.

        Idempotent; call it after writing a reply, a note or a resolution. Mentions of
        articles this replica does not hold are ignored.
        """
        with self.replica.write() as s:
            ticket = load_ticket(s, ticket_id)
            texts = [
                ticket.resolution,
                *s.execute(select(Comment.body).where(Comment.ticket_id == ticket_id)).scalars(),
            ]
            mentioned = mentioned_article_ids("\n".join(texts))
            known = (
                set(s.execute(select(Article.id).where(Article.id.in_(mentioned))).scalars())
                if mentioned
                else set()
            )
            made = [a for a in mentioned if a in known and self._link(s, a, ticket_id, "mention")]
        if not made:
            return WriteResult(ticket_id, ChangeSet())
        return WriteResult(
            ticket_id, ChangeSet(tickets=frozenset({ticket_id}), articles=frozenset(made), journal=True)
        )

    def create_from_ticket(
        self, ticket_id: str, *, kind: str = "known error", title: str | None = None, body: str | None = None
    ) -> WriteResult:
        """Save a draft article written from the ticket and link the two (``created_from``).

        ``title``/``body`` default to :func:`draft_from_ticket`'s. The article and the link
        are two journaled actions, in this order; if the second fails the draft remains and
        can be linked by hand.
        """
        draft = draft_from_ticket(self.replica, ticket_id, kind)
        created = ArticleService(self.replica).create(
            title or draft.title,
            body if body is not None else draft.body,
            category=draft.category,
            tags=draft.tags,
            kind=draft.kind,
        )
        linked = self.link(created.entity_id, ticket_id, source="created_from")
        return WriteResult(created.entity_id, created.changes | linked.changes)

    # -- reading ----------------------------------------------------------------------
    def usage_count(self, article_id: str) -> int:
        """How many tickets the article was used in ("used in 12 tickets"), in scope or not."""
        return self.usage_counts([article_id]).get(article_id, 0)

    def usage_counts(self, article_ids: list[str]) -> dict[str, int]:
        if not article_ids:
            return {}
        with self.replica.read() as s:
            rows = s.execute(
                select(ArticleTicketLink.article_id, func.count())
                .where(ArticleTicketLink.article_id.in_(article_ids))
                .group_by(ArticleTicketLink.article_id)
            )
            return {a: int(n) for a, n in rows}

    def tickets_for(self, article_id: str) -> list[LinkedTicket]:
        """The tickets the article is linked to, newest link first."""
        with self.replica.read() as s:
            rows = s.execute(
                select(ArticleTicketLink, Ticket.number, Ticket.local_number, Ticket.subject, Ticket.status)
                .outerjoin(Ticket, Ticket.id == ArticleTicketLink.ticket_id)
                .where(ArticleTicketLink.article_id == article_id)
                .order_by(ArticleTicketLink.created_at.desc(), ArticleTicketLink.id)
            ).all()
        return [
            LinkedTicket(
                link.ticket_id,
                display_number(number, local) if local is not None else "",
                subject or "",
                status or "",
                link.source,
                link.created_at,
                local is not None,
            )
            for link, number, local, subject, status in rows
        ]

    def articles_for(self, ticket_id: str) -> list[LinkedArticle]:
        """The articles linked to the ticket, newest link first."""
        with self.replica.read() as s:
            rows = s.execute(
                select(ArticleTicketLink, Article.title, Article.kind, Article.state)
                .join(Article, Article.id == ArticleTicketLink.article_id)
                .where(ArticleTicketLink.ticket_id == ticket_id)
                .order_by(ArticleTicketLink.created_at.desc(), ArticleTicketLink.id)
            ).all()
        return [
            LinkedArticle(link.article_id, t, k, st, link.source, link.created_at) for link, t, k, st in rows
        ]

    # -- helpers ----------------------------------------------------------------------
    def _link(self, s: Session, article_id: str, ticket_id: str, source: str) -> bool:
        now = self.replica.clock()
        actor = acting_user(self.replica, s)
        if s.get(Article, article_id) is None:
            raise NotFoundError(f"No article with id {article_id}.")
        load_ticket(s, ticket_id)
        key = link_id(article_id, ticket_id)
        if s.get(ArticleTicketLink, key) is not None:
            return False
        s.add(
            ArticleTicketLink(
                id=key,
                article_id=article_id,
                ticket_id=ticket_id,
                source=source,
                created_by=actor,
                created_at=now,
                version=0,
            )
        )
        self._activity(s, article_id, ticket_id, actor, now, linked=True)
        record_mutation(
            s,
            op="article.link",
            entity_type="article",
            entity_id=article_id,
            payload={
                "link": {
                    "id": key,
                    "article_id": article_id,
                    "ticket_id": ticket_id,
                    "source": source,
                    "created_by": actor,
                    "created_at": now.isoformat(),
                }
            },
            device_time=now,
            actor_id=actor,
        )
        return True

    @staticmethod
    def _activity(
        s: Session, article_id: str, ticket_id: str, actor: str, now: datetime, *, linked: bool
    ) -> None:
        ticket = s.get(Ticket, ticket_id)
        article = s.get(Article, article_id)
        label = display_number(ticket.number, ticket.local_number) if ticket else ticket_id
        old, new = (None, label) if linked else (label, None)
        record_activity(
            s,
            entity_type="article",
            entity_id=article_id,
            actor_id=actor,
            field="ticket_link",
            old=old,
            new=new,
            at=now,
        )
        if ticket is not None:
            title = article.title if article else article_id
            old_a, new_a = (None, title) if linked else (title, None)
            record_activity(
                s,
                entity_type="ticket",
                entity_id=ticket_id,
                actor_id=actor,
                field="article_link",
                old=old_a,
                new=new_a,
                at=now,
            )


def _result(article_id: str, tickets: set[str]) -> WriteResult:
    if not tickets:
        return WriteResult(article_id, ChangeSet())
    return WriteResult(
        article_id, ChangeSet(articles=frozenset({article_id}), tickets=frozenset(tickets), journal=True)
    )
