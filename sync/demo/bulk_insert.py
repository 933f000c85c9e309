"""Fast bulk inserts into the replica's tables, bypassing the ORM (demo and benchmark builds).

Rows are plain tuples in the column order given by :data:`COLUMNS`; timestamps must be
written with :func:`sqlite_timestamp` so they match what the ORM's UTC column type stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from sync.domain.ticket_schema import SCALAR_FIELDS, TICKET_FIELDS

__all__ = ["COLUMNS", "insert_rows", "sqlite_timestamp", "ticket_row"]

#: The replica's own columns of a ticket (not synced), with the value a new row takes.
_TICKET_LOCAL_DEFAULTS: dict[str, Any] = {"due_at": None, "sla_state": "", "version": 0}
_TICKET_LOCAL = tuple(_TICKET_LOCAL_DEFAULTS)

COLUMNS: dict[str, Sequence[str]] = {
    "queues": ("id", "name", "description", "categories", "version"),
    "people": (
        "id",
        "name",
        "username",
        "email",
        "phone",
        "department",
        "location",
        "group_name",
        "role",
        "tier",
        "active",
        "version",
    ),
    "queue_members": ("queue_id", "person_id"),
    "tickets": (
        "id",
        "number",
        "local_number",
        *(name for name in SCALAR_FIELDS if name not in ("id", "number")),
        *_TICKET_LOCAL,
    ),
    "ticket_tags": ("ticket_id", "tag"),
    "comments": ("id", "ticket_id", "kind", "author_id", "from_requester", "body", "created_at", "version"),
    "activity": (
        "id",
        "entity_type",
        "entity_id",
        "actor_id",
        "field",
        "old_value",
        "new_value",
        "note",
        "at",
        "version",
    ),
    "work_logs": (
        "id",
        "ticket_id",
        "author_id",
        "minutes",
        "travel_minutes",
        "note",
        "parts",
        "logged_at",
        "version",
    ),
    "articles": (
        "id",
        "title",
        "body",
        "category",
        "tags",
        "kind",
        "state",
        "revision",
        "author_id",
        "created_at",
        "updated_at",
        "version",
    ),
    "article_revisions": ("id", "article_id", "revision", "title", "body", "author_id", "created_at"),
}


def ticket_row(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """A ``tickets`` row in :data:`COLUMNS` order from ``values`` by column name; a field not
    given takes its default from :mod:`sync.domain.ticket_schema` (times must already be
    :func:`sqlite_timestamp` text)."""
    unknown = set(values) - set(COLUMNS["tickets"])
    if unknown:
        raise KeyError(f"not ticket columns: {', '.join(sorted(unknown))}")
    defaults = {**{f.name: f.default for f in TICKET_FIELDS if f.scalar}, **_TICKET_LOCAL_DEFAULTS}
    return tuple(values[c] if c in values else defaults.get(c) for c in COLUMNS["tickets"])


def insert_rows(conn: Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    cols = COLUMNS[table]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(sql, rows)


def sqlite_timestamp(value: datetime | None) -> str | None:
    """The exact text the replica's UTCDateTime column stores."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
