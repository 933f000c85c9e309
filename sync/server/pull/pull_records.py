"""Reading one family's changed records for a pull page, as the JSON shapes of ``PullRecords``.

The pull sends many rows, so this runs one Core query per family — the change log joined to
the record table over the page's version range, filtered by the caller's scope — reads
plain tuples (no ORM objects, no per-value type processing: timestamps are read as the
database gives them and turned into ISO 8601 text directly) and builds dicts. The shapes
are those of the ``*Record`` models in :mod:`sync.protocol` (the tests validate every page
against them). Credentials never leave: ``password_hash`` is not among the columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, String, and_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from sync.domain.asset_schema import ASSET_SCHEMA, LOCATION_SCHEMA
from sync.domain.ticket_schema import SCALAR_FIELDS
from sync.server.db.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.server.db.models import (
    Activity,
    Article,
    ArticleRevision,
    Attachment,
    Base,
    Comment,
    Person,
    Queue,
    QueueMember,
    Ticket,
    TicketLink,
    WorkLog,
)
from sync.server.db.state_models import ChangeLog
from sync.server.portal.portal_models import PortalRating

__all__ = ["FAMILIES", "family_columns", "family_statement", "fetch_family", "is_stamp"]


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
        *(getattr(Ticket, name) for name in SCALAR_FIELDS if name not in ("id", "number")),
        Ticket.tags,  # last: the converter splits it
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
    "locations": _cols(*(getattr(Location, f.name) for f in LOCATION_SCHEMA)),
    "assets": _cols(*(getattr(Asset, f.name) for f in ASSET_SCHEMA)),
    "ticket_assets": _cols(
        TicketAsset.id, TicketAsset.ticket_id, TicketAsset.asset_id, TicketAsset.created_at
    ),
    "ticket_locations": _cols(
        TicketLocation.id,
        TicketLocation.ticket_id,
        TicketLocation.location_id,
        TicketLocation.location_name,
        TicketLocation.updated_at,
    ),
    # The record's id is its ticket's (one rating per ticket): the converter adds ``id``.
    "ratings": _cols(
        PortalRating.ticket_id,
        PortalRating.person_id,
        PortalRating.score,
        PortalRating.comment,
        PortalRating.at,
    ),
}

#: Record families in the order a client applies them (parents first).
FAMILIES: tuple[str, ...] = tuple(_COLUMNS)


def is_stamp(column: Any) -> bool:
    """Whether the column is a timestamp (sent as ISO 8601 text with the UTC offset)."""
    key: str = column.key
    return key.endswith("_at") or key == "at"


_STAMP = "T"


def _sqlite_iso(value: str | None) -> str | None:
    """'2026-01-05 08:00:00.000000' (SQLite's text) -> '2026-01-05T08:00:00+00:00'."""
    if value is None:
        return None
    return value.replace(" ", _STAMP).removesuffix(".000000") + "+00:00"


def _naive_iso(value: datetime | None) -> str | None:
    """A naive UTC datetime (PostgreSQL ``timestamp``) -> ISO text with the UTC offset."""
    return None if value is None else value.isoformat() + "+00:00"


def _converter(family: str, sqlite: bool) -> Callable[[Any], dict[str, Any]]:
    names = [c.key for c in _COLUMNS[family]]
    stamps = [i for i, c in enumerate(_COLUMNS[family]) if is_stamp(c)]
    iso = _sqlite_iso if sqlite else _naive_iso
    version = len(names)

    def convert(row: Any) -> dict[str, Any]:
        values = list(row)
        for i in stamps:
            values[i] = iso(values[i])
        record = dict(zip(names, values[:version], strict=True))
        record["version"] = values[version]
        return record

    if family == "queues":
        return lambda row: {**convert(row), "categories": [c for c in (row[3] or "").split("\n") if c]}
    if family == "tickets":
        return lambda row: {**convert(row), "tags": (row[version - 1] or "").split()}
    if family == "ratings":
        return lambda row: {**convert(row), "id": row[0]}
    if family == "queue_members":
        return lambda row: {
            "id": f"{row[0]}:{row[1]}",
            "queue_id": row[0],
            "person_id": row[1],
            "version": row[2],
        }
    return convert


_CONVERTERS = {(f, sqlite): _converter(f, sqlite) for f in FAMILIES for sqlite in (True, False)}


def _select_columns(family: str, sqlite: bool) -> list[Any]:
    """The family's columns with timestamps read raw (text on SQLite, naive on PostgreSQL)."""
    out: list[Any] = []
    for col in _COLUMNS[family]:
        if is_stamp(col):
            out.append(type_coerce(col, String() if sqlite else DateTime()))
        else:
            out.append(col)
    return out


def family_columns(family: str) -> tuple[Any, ...]:
    """The wire columns of ``family`` (its record model's fields, in wire order)."""
    return _COLUMNS[family]


def family_statement(
    family: str,
    columns: list[Any],
    after: int,
    upto: int,
    visible: ColumnElement[bool] | None,
    where: ColumnElement[bool] | None = None,
) -> Select[Any]:
    """``SELECT columns, version`` of the live records of ``family`` changed in ``(after, upto]``
    and visible (see :func:`fetch_family`), in version order."""
    first = _COLUMNS[family][0]
    table: type[Base] = first.class_
    if family == "queue_members":
        key: Any = QueueMember.queue_id + ":" + QueueMember.person_id
    else:
        key = first
    stmt = (
        select(*columns, ChangeLog.version)
        .select_from(ChangeLog)
        .join(table, key == ChangeLog.entity_id)
        .where(
            ChangeLog.entity_type == family,
            ChangeLog.version > after,
            ChangeLog.version <= upto,
            ChangeLog.deleted.is_(False),
        )
        .order_by(ChangeLog.version)
    )
    if where is not None:
        stmt = stmt.where(where)
    if visible is not None:
        if family == "tickets":
            stmt = stmt.where(visible)
        else:
            scoped = select(Ticket.id).where(and_(Ticket.id == ChangeLog.ticket_id, visible)).exists()
            stmt = stmt.where(ChangeLog.ticket_id.is_(None) | scoped)
    return stmt


def fetch_family(
    session: Session,
    family: str,
    after: int,
    upto: int,
    visible: ColumnElement[bool] | None,
    *,
    where: ColumnElement[bool] | None = None,
) -> list[dict[str, Any]]:
    """Records of ``family`` whose change-log version is in ``(after, upto]``, not deleted,
    and visible (``visible`` is a condition on :class:`Ticket` joined as the record's scope
    ticket; None: no scope filter), in version order, each with its version. ``where``
    narrows further by a condition on :class:`ChangeLog` (e.g. some tickets' records)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    stmt = family_statement(family, _select_columns(family, sqlite), after, upto, visible, where)
    convert = _CONVERTERS[(family, sqlite)]
    return [convert(row) for row in session.connection().execute(stmt).fetchall()]
