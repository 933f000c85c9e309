"""The portal's own tables: sign-in links, sessions, link requests, deflections, ratings.

Ratings are synced records (the pull family ``ratings``, scoped by their ticket, read-only
on replicas; since migration ``0012_ratings``); the other tables never leave the server.
Tokens and nonces are stored only as their SHA-256, so a copy of the database does not
sign anyone in. Created by migrations ``0011_portal`` and ``0012_ratings``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.models import Base

__all__ = [
    "PortalDeflection",
    "PortalLink",
    "PortalLinkRequest",
    "PortalRating",
    "PortalRatingLink",
    "PortalSession",
]


class PortalLinkRequest(Base):
    """One "email me a link" request, known address or not (for the rate limits)."""

    __tablename__ = "portal_link_requests"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    address: Mapped[str] = mapped_column(String(200))  # lower-cased as typed
    source: Mapped[str] = mapped_column(String(64))  # the client's IP address
    at: Mapped[datetime]

    __table_args__ = (
        Index("ix_portal_link_requests_address", "address", "at"),
        Index("ix_portal_link_requests_source", "source", "at"),
    )


class PortalLink(Base):
    """A one-time sign-in link: valid until ``expires_at``, spent when ``used_at`` is set."""

    __tablename__ = "portal_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PortalSession(Base):
    __tablename__ = "portal_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_portal_sessions_person", "person_id"),)


class PortalDeflection(Base):
    """ "This solved it": an article answered the requester before a ticket was made."""

    __tablename__ = "portal_deflections"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    article_id: Mapped[str] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime]


class PortalRating(Base):
    """The requester's satisfaction with a resolved ticket (one per ticket; a new rating replaces it)."""

    __tablename__ = "portal_ratings"
    ticket_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class PortalRatingLink(Base):
    """A one-click rating link of a resolution mail that was used (its nonce's SHA-256):
    the five links of one mail share the nonce, so the mail records one score, once."""

    __tablename__ = "portal_rating_links"
    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    score: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime]
