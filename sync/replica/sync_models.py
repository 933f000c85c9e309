"""The sync engine's own tables in the replica: conflicts, notices, re-sync marks.

They live on the same ``Base`` as :mod:`sync.replica.models`, so a brand-new replica gets
them with everything else; an existing file gets them from :func:`create_sync_tables`,
the upgrade step registered in :mod:`sync.replica.schema_upgrade`.

- ``SyncConflict``: a mutation the server decided against the person, wholly
  (``rejected``) or per field (``conflict``). It keeps the mutation's payload, so nothing
  the person typed is lost, until someone resolves it.
- ``SyncNotice``: something the person should know but need not decide (a ticket left
  their scope; local records the server does not know).
- ``SyncConflictRevision``: an article body edited on both sides, as the server keeps it
  (``ArticleRevisionRecord.conflict``), for a knowledge manager to merge by hand.
- ``SyncSeen``: ids received during a re-bootstrap after the server was restored or
  replaced; at its end, synced records not seen are gone from the server and are removed.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Table, Text, create_engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.schema import CreateIndex, CreateTable

from sync.replica.models import Base

__all__ = [
    "SYNC_TABLES",
    "SyncConflict",
    "SyncConflictRevision",
    "SyncNotice",
    "SyncSeen",
    "create_sync_tables",
]


class SyncConflict(Base):
    """``kind``: ``conflict`` (applied, some field resolved against you) or ``rejected``."""

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    mutation_seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    op: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(36))
    label: Mapped[str] = mapped_column(Text, default="")
    reason_kind: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]]  # {"conflicts": [FieldConflict as dict, ...]}
    payload: Mapped[dict[str, Any]]
    device_time: Mapped[datetime]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(String(40), default="")

    __table_args__ = (Index("ix_sync_conflicts_open", "resolved_at", "created_at"),)


class SyncNotice(Base):
    """``kind``: ``left_scope`` or ``local_only``. Dismissed notices stay for the record."""

    __tablename__ = "sync_notices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    entity_type: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    dismissed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_sync_notices_open", "dismissed_at", "created_at"),)


class SyncConflictRevision(Base):
    __tablename__ = "sync_conflict_revisions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    article_id: Mapped[str] = mapped_column(String(36))
    base_revision: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_sync_conflict_revisions_article", "article_id"),)


class SyncSeen(Base):
    __tablename__ = "sync_resync_seen"
    entity_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(80), primary_key=True)


SYNC_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (SyncConflict, SyncNotice, SyncConflictRevision, SyncSeen)
)


def create_sync_tables(conn: sqlite3.Connection) -> None:
    """Schema upgrade step: add the sync tables (inside the caller's transaction; no data touched)."""
    dialect = create_engine("sqlite://").dialect
    for table in SYNC_TABLES:
        conn.execute(str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)))
        for index in table.indexes:
            conn.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))
