"""Fast bulk inserts into the replica's tables, bypassing the ORM (demo and benchmark builds).

Rows are plain tuples in the column order given by :data:`COLUMNS`; timestamps must be
written with :func:`sqlite_timestamp` so they match what the ORM's UTC column type stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

__all__ = ["COLUMNS", "insert_rows", "sqlite_timestamp"]

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
        "subject",
        "description",
        "type",
        "category",
        "impact",
        "urgency",
        "priority",
        "priority_overridden",
        "status",
        "queue_id",
        "assignee_id",
        "requester_id",
        "tier",
        "location",
        "asset",
        "resolution",
        "merged_into_id",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "due_at",
        "sla_state",
        "version",
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
