"""The server's help desk records (SQLAlchemy 2.0 models for PostgreSQL and SQLite).

These mirror the replica's tables (same client-generated UUIDs, same field meanings) with
what only the server knows: ticket numbers, credentials, the creating device of a ticket,
conflicting article revisions. Record versions are not stored here: the change log
(:class:`sync.server.db.state_models.ChangeLog`) holds one version per record, stamped from
the server's commit order. The schema itself is created by Alembic migrations; keep these
models and ``migrations/versions`` in step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync.storage.column_types import UTCDateTime
from sync.storage.ticket_columns import ticket_column

__all__ = [
    "Activity",
    "Article",
    "ArticleRevision",
    "Attachment",
    "Base",
    "Comment",
    "Person",
    "Queue",
    "QueueMember",
    "Ticket",
    "TicketLink",
    "WorkLog",
]


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime()}


class Queue(Base):
    __tablename__ = "queues"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(Text, default="")  # newline-separated, as in the replica


class Person(Base):
    """An agent (username, agent role, password) or a requester (role 'requester').

    ``password_hash`` is an argon2 hash, never sent in a pull. A person without one (a
    requester, or an agent adopted from a replica) cannot sign in.
    """

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    department: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32), default="requester")
    knowledge_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    asset_manager: Mapped[bool] = mapped_column(Boolean, default=False)  # may edit assets/locations
    tier: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class QueueMember(Base):
    __tablename__ = "queue_members"
    queue_id: Mapped[str] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)

    __table_args__ = (Index("ix_queue_members_person", "person_id"),)


class Ticket(Base):
    """``number`` is assigned in the transaction that first stores the ticket (never null after
    commit); ``origin_client_id``/``local_number`` keep the creating device's provisional number."""

    __tablename__ = "tickets"
    id: Mapped[str] = ticket_column("id")
    number: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    origin_client_id: Mapped[str | None] = mapped_column(String(36))
    local_number: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = ticket_column("subject")
    description: Mapped[str] = ticket_column("description")
    type: Mapped[str] = ticket_column("type")
    category: Mapped[str] = ticket_column("category")
    impact: Mapped[int] = ticket_column("impact")
    urgency: Mapped[int] = ticket_column("urgency")
    priority: Mapped[int] = ticket_column("priority")
    priority_overridden: Mapped[bool] = ticket_column("priority_overridden")
    status: Mapped[str] = ticket_column("status")
    queue_id: Mapped[str] = ticket_column("queue_id")
    assignee_id: Mapped[str | None] = ticket_column("assignee_id")
    requester_id: Mapped[str | None] = ticket_column("requester_id")
    tier: Mapped[int] = ticket_column("tier")
    location: Mapped[str] = ticket_column("location")
    asset: Mapped[str] = ticket_column("asset")
    resolution: Mapped[str] = ticket_column("resolution")
    merged_into_id: Mapped[str | None] = ticket_column("merged_into_id")
    tags: Mapped[str] = mapped_column(Text, default="")  # space-separated, normalised, sorted
    created_at: Mapped[datetime] = ticket_column("created_at")
    updated_at: Mapped[datetime] = ticket_column("updated_at")
    first_response_at: Mapped[datetime | None] = ticket_column("first_response_at")
    resolved_at: Mapped[datetime | None] = ticket_column("resolved_at")
    closed_at: Mapped[datetime | None] = ticket_column("closed_at")
    channel: Mapped[str] = ticket_column("channel")  # last: revision 0007 added it

    __table_args__ = (
        Index("ix_tickets_queue_status", "queue_id", "status"),
        Index("ix_tickets_assignee", "assignee_id"),
        UniqueConstraint("origin_client_id", "local_number"),
    )


class Comment(Base):
    """A reply or an internal note. Append-only."""

    __tablename__ = "comments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    from_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_comments_ticket", "ticket_id"),)


class Activity(Base):
    """One field change or event, stamped with the device time of the action. Append-only."""

    __tablename__ = "activity"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(36))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]

    __table_args__ = (Index("ix_activity_entity", "entity_type", "entity_id"),)


class WorkLog(Base):
    __tablename__ = "work_logs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    parts: Mapped[str] = mapped_column(Text, default="")
    logged_at: Mapped[datetime]

    __table_args__ = (Index("ix_work_logs_ticket", "ticket_id"),)


class Attachment(Base):
    """Metadata of a file whose bytes are the blob ``sha256`` (see ``state_models.Blob``)."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(260))
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    added_by_id: Mapped[str | None] = mapped_column(String(36))
    added_at: Mapped[datetime]

    __table_args__ = (Index("ix_attachments_ticket", "ticket_id"), Index("ix_attachments_sha", "sha256"))


class TicketLink(Base):
    __tablename__ = "ticket_links"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    other_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("ticket_id", "other_id", "kind"),)


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32), default="how-to")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ArticleRevision(Base):
    """A saved revision; ``conflict`` marks a body edited on both sides, kept to merge by hand."""

    __tablename__ = "article_revisions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    base_revision: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_article_revisions_article", "article_id", "revision"),)
