"""Typed SQLAlchemy models of the local replica.

Every record that syncs has a client-generated UUID (text) so it can be created offline,
and a ``version``: the server's commit version of the copy we hold (0 = never synced).
Times are device times of the action (UTC), never the time a change reached the server.

The journal (``Mutation``) is the outbox the sync engine pushes; it is written in the same
transaction as the change it describes, so a committed action always has its intent
queued, and a rolled-back one never does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync.storage.column_types import JSONText, UTCDateTime
from sync.storage.ticket_columns import ticket_column

__all__ = [
    "Activity",
    "Article",
    "ArticleRevision",
    "Attachment",
    "Base",
    "Comment",
    "Draft",
    "Mutation",
    "Person",
    "Queue",
    "QueueMember",
    "ReplicaSetting",
    "SavedView",
    "Ticket",
    "TicketLink",
    "TicketTag",
    "WorkLog",
]


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONText()}


class ReplicaSetting(Base):
    """Key/value facts about this replica: its client id, mode, current user, counters."""

    __tablename__ = "replica_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Queue(Base):
    __tablename__ = "queues"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[str] = mapped_column(Text, default="")  # newline-separated
    version: Mapped[int] = mapped_column(Integer, default=0)


class Person(Base):
    """An agent (has a username and an agent role) or a requester (role 'requester')."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    department: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    group_name: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(32), default="requester")
    tier: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_people_name", "name"), Index("ix_people_role", "role"))


class QueueMember(Base):
    __tablename__ = "queue_members"
    queue_id: Mapped[str] = mapped_column(ForeignKey("queues.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[str] = ticket_column("id")
    # Server-assigned number (None until the first push is accepted); local_number is the
    # provisional number given on this device and stays as an alias afterwards.
    number: Mapped[int | None] = mapped_column(Integer, unique=True)
    local_number: Mapped[int] = mapped_column(Integer, unique=True)
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
    created_at: Mapped[datetime] = ticket_column("created_at")
    updated_at: Mapped[datetime] = ticket_column("updated_at")
    first_response_at: Mapped[datetime | None] = ticket_column("first_response_at")
    resolved_at: Mapped[datetime | None] = ticket_column("resolved_at")
    closed_at: Mapped[datetime | None] = ticket_column("closed_at")
    due_at: Mapped[datetime | None]  # earliest pending SLA deadline, for sorting
    sla_state: Mapped[str] = mapped_column(String(16), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = ticket_column("channel")  # last: schema 5 added it

    __table_args__ = (
        Index("ix_tickets_queue_status_updated", "queue_id", "status", "updated_at"),
        Index("ix_tickets_status_updated", "status", "updated_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status", "updated_at"),
        Index("ix_tickets_updated", "updated_at"),
        Index("ix_tickets_due", "due_at"),
        Index("ix_tickets_requester", "requester_id"),
    )


class TicketTag(Base):
    __tablename__ = "ticket_tags"
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)

    # WITHOUT ROWID: the primary key is the table, not a second copy of it beside the rows.
    # No index by tag alone: the tag filter is an EXISTS on (ticket_id, tag), the key.
    __table_args__ = ({"sqlite_with_rowid": False},)


class Comment(Base):
    """A reply (visible to the requester) or an internal note. Append-only."""

    __tablename__ = "comments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    from_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    # By ticket only: a ticket's few comments are sorted on reading; no query ranges over time.
    __table_args__ = (Index("ix_comments_ticket", "ticket_id"),)


class Activity(Base):
    """One field change (or event) on a record: who, what, old -> new, when on the device."""

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
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_activity_entity", "entity_type", "entity_id", "at"),)


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
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_work_logs_ticket", "ticket_id"),)  # as comments


class Attachment(Base):
    """Metadata of a file kept content-addressed (by SHA-256) under the data dir."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"))
    article_id: Mapped[str | None] = mapped_column(ForeignKey("articles.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(260))
    size: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    added_by_id: Mapped[str | None] = mapped_column(String(36))
    added_at: Mapped[datetime]
    is_local: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_attachments_ticket", "ticket_id"), Index("ix_attachments_sha", "sha256"))


class TicketLink(Base):
    __tablename__ = "ticket_links"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    other_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("ticket_id", "other_id", "kind"),
        Index("ix_ticket_links_other", "other_id"),
    )


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    tags: Mapped[str] = mapped_column(Text, default="")  # space-separated, lower case
    kind: Mapped[str] = mapped_column(String(32), default="how-to")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_articles_category", "category", "title"),)


class ArticleRevision(Base):
    """Every saved revision of an article, so any one can be viewed, diffed or restored."""

    __tablename__ = "article_revisions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("article_id", "revision"),)


class Mutation(Base):
    """The outbox: one user intent, in order. ``seq`` is the client sequence number."""

    __tablename__ = "journal"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    op: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]]
    device_time: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(36))
    # pending -> applied | rejected | conflict ; only 'pending' rows are pushed.
    state: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[dict[str, Any] | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_journal_state", "state", "seq"),
        Index("ix_journal_entity", "entity_id", "state"),
    )


class Draft(Base):
    """Unsent text (a half-written reply or note). Local only; never journaled or synced."""

    __tablename__ = "drafts"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class SavedView(Base):
    """A user's saved filter, shown in the sidebar. Local to this replica."""

    __tablename__ = "saved_views"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    query: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
