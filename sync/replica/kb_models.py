"""Knowledge-base records added in schema 2: article↔ticket links and agents' feedback.

Both sync (they are journaled like every other change) and both use ids derived from
their natural key (:func:`link_id`, :func:`feedback_id`), so two devices that record the
same link, or the same agent's vote, produce the same record and the server merges them
instead of duplicating them.

``ticket_id`` has no foreign key on purpose: links belong to the article and are pulled
with it, so a link may name a ticket outside this replica's scope ("used in 12 tickets"
counts them all). ``article_id`` does reference ``articles``: whoever deletes an article
(the sync engine, when it leaves the scope) deletes its links and feedback first, as it
does its revisions.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.replica.models import Base

__all__ = ["LINK_SOURCES", "ArticleFeedback", "ArticleTicketLink", "feedback_id", "link_id"]

#: How a link came to be: typed into a reply/note/resolution as ``outpost:article/<id>``,
#: added by hand, or made when the article was created from the ticket's resolution.
LINK_SOURCES = ("mention", "explicit", "created_from")

_NAMESPACE = uuid.UUID("6f1d3c1e-5b0a-4d43-9a55-0c7f3b1e2a90")


def link_id(article_id: str, ticket_id: str) -> str:
    """The id every replica gives the link between this article and this ticket."""
    return str(uuid.uuid5(_NAMESPACE, f"article-link:{article_id}:{ticket_id}"))


def feedback_id(article_id: str, person_id: str) -> str:
    """The id of one agent's (latest) feedback on one article."""
    return str(uuid.uuid5(_NAMESPACE, f"article-feedback:{article_id}:{person_id}"))


class ArticleTicketLink(Base):
    """The article was used on (or written from) the ticket."""

    __tablename__ = "article_ticket_links"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    ticket_id: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("article_id", "ticket_id"),
        Index("ix_article_ticket_links_ticket", "ticket_id"),
    )


class ArticleFeedback(Base):
    """One agent's verdict on one article; voting again replaces it (same id)."""

    __tablename__ = "article_feedback"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    person_id: Mapped[str] = mapped_column(String(36))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("article_id", "person_id"),)
