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

from sqlalchemy import Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

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

# Schema step 3, written out: a step is history, so a later change to the models above
# must not change what it did (a later step alters the tables instead). The tests check
# that an upgraded file and a new one (made from the models) have the same schema.
_SYNC_TABLES_V3 = (
    """CREATE TABLE sync_conflicts (
        id VARCHAR(36) NOT NULL, mutation_id VARCHAR(36) NOT NULL, mutation_seq INTEGER NOT NULL,
        kind VARCHAR(16) NOT NULL, op VARCHAR(40) NOT NULL, entity_type VARCHAR(16) NOT NULL,
        entity_id VARCHAR(36) NOT NULL, label TEXT NOT NULL, reason_kind VARCHAR(40) NOT NULL,
        reason TEXT NOT NULL, fields TEXT NOT NULL, payload TEXT NOT NULL, device_time DATETIME NOT NULL,
        created_at DATETIME NOT NULL, resolved_at DATETIME, resolution VARCHAR(40) NOT NULL,
        PRIMARY KEY (id), UNIQUE (mutation_id))""",
    "CREATE INDEX ix_sync_conflicts_open ON sync_conflicts (resolved_at, created_at)",
    """CREATE TABLE sync_notices (
        id VARCHAR(36) NOT NULL, kind VARCHAR(24) NOT NULL, entity_type VARCHAR(16) NOT NULL,
        entity_id VARCHAR(80) NOT NULL, label TEXT NOT NULL, message TEXT NOT NULL,
        pending_count INTEGER NOT NULL, created_at DATETIME NOT NULL, dismissed_at DATETIME,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_sync_notices_open ON sync_notices (dismissed_at, created_at)",
    """CREATE TABLE sync_conflict_revisions (
        id VARCHAR(36) NOT NULL, article_id VARCHAR(36) NOT NULL, base_revision INTEGER,
        revision INTEGER NOT NULL, title VARCHAR(300) NOT NULL, body TEXT NOT NULL, author_id VARCHAR(36),
        created_at DATETIME NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (id))""",
    "CREATE INDEX ix_sync_conflict_revisions_article ON sync_conflict_revisions (article_id)",
    """CREATE TABLE sync_resync_seen (
        entity_type VARCHAR(24) NOT NULL, entity_id VARCHAR(80) NOT NULL,
        PRIMARY KEY (entity_type, entity_id))""",
)


def create_sync_tables(conn: sqlite3.Connection) -> None:
    """Schema step 3: add the sync engine's tables (in the caller's transaction; no data touched)."""
    for statement in _SYNC_TABLES_V3:
        conn.execute(statement)
