"""Reading records by id and turning them into the JSON shapes of ``protocol.PullRecords``.

The pull sends many rows, so this reads plain column tuples (no ORM objects) and builds
dicts directly; the shapes are those of the ``*Record`` models in :mod:`sync.protocol`
(a test checks every family round-trips through them). Credentials never leave: people
are read column by column and ``password_hash`` is not among the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from sync.server.models import (
    Activity,
    Article,
    ArticleRevision,
    Attachment,
    Comment,
    Person,
    Queue,
    QueueMember,
    Ticket,
    TicketLink,
    WorkLog,
)

__all__ = ["FAMILIES", "fetch_records"]

_CHUNK = 900


def _cols(*attrs: InstrumentedAttribute[Any]) -> tuple[InstrumentedAttribute[Any], ...]:
    return attrs


_COLUMNS: dict[str, tuple[Any, ...]] = {
    "queues": _cols(Queue.id, Queue.name, Queue.description, Queue.categories),
    "people": _cols(
        Person.id,
        Person.name,
        Person.username,
        Person.email,
        Person.phone,
        Person.department,
        Person.location,
        Person.role,
        Person.tier,
        Person.active,
    ),
    "queue_members": _cols(QueueMember.queue_id, QueueMember.person_id),
    "tickets": _cols(
        Ticket.id,
        Ticket.number,
        Ticket.local_number,
        Ticket.origin_client_id,
        Ticket.subject,
        Ticket.description,
        Ticket.type,
        Ticket.category,
        Ticket.impact,
        Ticket.urgency,
        Ticket.priority,
        Ticket.priority_overridden,
        Ticket.status,
        Ticket.queue_id,
        Ticket.assignee_id,
        Ticket.requester_id,
        Ticket.tier,
        Ticket.location,
        Ticket.asset,
        Ticket.resolution,
        Ticket.merged_into_id,
        Ticket.created_at,
        Ticket.updated_at,
        Ticket.first_response_at,
        Ticket.resolved_at,
        Ticket.closed_at,
        Ticket.tags,
    ),
    "comments": _cols(
        Comment.id,
        Comment.ticket_id,
        Comment.kind,
        Comment.author_id,
        Comment.from_requester,
        Comment.body,
        Comment.created_at,
    ),
    "work_logs": _cols(
        WorkLog.id,
        WorkLog.ticket_id,
        WorkLog.author_id,
        WorkLog.minutes,
        WorkLog.travel_minutes,
        WorkLog.note,
        WorkLog.parts,
        WorkLog.logged_at,
    ),
    "attachments": _cols(
        Attachment.id,
        Attachment.ticket_id,
        Attachment.sha256,
        Attachment.filename,
        Attachment.size,
        Attachment.mime_type,
        Attachment.added_by_id,
        Attachment.added_at,
    ),
    "ticket_links": _cols(
        TicketLink.id, TicketLink.ticket_id, TicketLink.other_id, TicketLink.kind, TicketLink.created_at
    ),
    "activity": _cols(
        Activity.id,
        Activity.entity_type,
        Activity.entity_id,
        Activity.actor_id,
        Activity.field,
        Activity.old_value,
        Activity.new_value,
        Activity.note,
        Activity.at,
    ),
    "articles": _cols(
        Article.id,
        Article.title,
        Article.body,
        Article.category,
        Article.tags,
        Article.kind,
        Article.state,
        Article.revision,
        Article.author_id,
        Article.created_at,
        Article.updated_at,
    ),
    "article_revisions": _cols(
        ArticleRevision.id,
        ArticleRevision.article_id,
        ArticleRevision.revision,
        ArticleRevision.title,
        ArticleRevision.body,
        ArticleRevision.author_id,
        ArticleRevision.created_at,
        ArticleRevision.conflict,
        ArticleRevision.base_revision,
    ),
}

#: Record families in the order a client applies them (parents first).
FAMILIES: tuple[str, ...] = tuple(_COLUMNS)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _plain(names: list[str]) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    stamps = [i for i, n in enumerate(names) if n.endswith("_at") or n == "at"]

    def convert(row: tuple[Any, ...]) -> dict[str, Any]:
        values = list(row)
        for i in stamps:
            values[i] = _iso(values[i])
        return dict(zip(names, values, strict=True))

    return convert


def _converter(family: str) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    names = [c.key for c in _COLUMNS[family]]
    base = _plain(names)
    if family == "queues":
        return lambda row: {**base(row), "categories": [c for c in (row[3] or "").split("\n") if c]}
    if family == "tickets":
        return lambda row: {**base(row), "tags": (row[-1] or "").split()}
    if family == "queue_members":
        return lambda row: {"id": f"{row[0]}:{row[1]}", "queue_id": row[0], "person_id": row[1]}
    return base


_CONVERTERS = {family: _converter(family) for family in FAMILIES}


def fetch_records(session: Session, family: str, ids_versions: dict[str, int]) -> list[dict[str, Any]]:
    """The current state of the given records of one family, each with its version."""
    columns = _COLUMNS[family]
    convert = _CONVERTERS[family]
    out: list[dict[str, Any]] = []
    for chunk in _chunks(list(ids_versions), _CHUNK):
        if family == "queue_members":
            pairs = [tuple(i.split(":", 1)) for i in chunk]
            where: Any = tuple_(QueueMember.queue_id, QueueMember.person_id).in_(pairs)
        else:
            key: Column[Any] = columns[0]
            where = key.in_(chunk)
        for row in session.execute(select(*columns).where(where)):
            record = convert(tuple(row))
            record["version"] = ids_versions[record["id"]]
            out.append(record)
    return out


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
