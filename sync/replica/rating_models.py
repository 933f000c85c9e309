"""Requesters' satisfaction ratings: synced records the replica holds read-only.

``Rating``: one per ticket (``id`` is the ticket's id), ``score`` 1-5 and the requester's
comment, written on the server by the requester (the portal or a signed link in the
resolution mail) and pulled like a comment. Nothing on the replica writes one: there is no
op for it, so agents can read a rating but never change it. No foreign key to
``tickets``: pulls deliver families in their own order. Added by schema step 7.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.replica.models import Base

__all__ = ["Rating"]


class Rating(Base):
    __tablename__ = "ratings"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    person_id: Mapped[str] = mapped_column(String(36))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_ratings_ticket", "ticket_id"), Index("ix_ratings_score", "score"))
