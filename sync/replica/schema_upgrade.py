"""Schema versions of the replica file and the ordered steps between them.

The version lives in ``PRAGMA user_version``. A new file gets the current schema in one
transaction: the ORM tables from the models, then the objects the ORM does not describe
(the search index's FTS5 tables and triggers, :data:`_POST_CREATE`). An older file is
first copied aside with SQLite's online backup API, then upgraded one step at a time,
each step and its version bump in one transaction, so a crash mid-upgrade leaves the
file at a whole version. Steps must never drop rows of the journal: unsynced work
survives every upgrade. A file from a newer Outpost is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sync.replica.asset_models
import sync.replica.kb_models  # (registers the schema-2 tables on Base.metadata)
import sync.replica.office_mail_models  # (registers the schema-8 tables)
import sync.replica.rating_models  # noqa: F401  (registers the schema-7 table)
from sync.errors import ReplicaCorruptError, SchemaTooNewError
from sync.replica import sqlite_driver
from sync.replica.models import Base
from sync.replica.sync_models import create_sync_tables  # also registers the schema-3 tables on Base
from sync.storage.file_modes import create_private_file

__all__ = [
    "MIN_UPGRADABLE_VERSION",
    "SCHEMA_VERSION",
    "UPGRADE_STEPS",
    "prepare_replica_file",
    "search_table_definitions",
]

#: The schema this code writes. Bump it together with a new entry in UPGRADE_STEPS.
SCHEMA_VERSION = 8
#: The oldest version this code can upgrade from.
MIN_UPGRADABLE_VERSION = 1

# -- schema 2: knowledge-base links and feedback, and the full-text search index ----------
# Steps are history: their SQL is written out here, never derived from the current models,
# so a later change to a model cannot change what an old step did. A test checks that an
# upgraded file and a new one end up with the same tables, indexes and triggers.

_KB_TABLES_V2 = (
    """CREATE TABLE article_ticket_links (
        id VARCHAR(36) NOT NULL, article_id VARCHAR(36) NOT NULL, ticket_id VARCHAR(36) NOT NULL,
        source VARCHAR(16) NOT NULL, created_by VARCHAR(36), created_at DATETIME NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (id), UNIQUE (article_id, ticket_id),
        FOREIGN KEY(article_id) REFERENCES articles (id))""",
    "CREATE INDEX ix_article_ticket_links_ticket ON article_ticket_links (ticket_id)",
    """CREATE TABLE article_feedback (
        id VARCHAR(36) NOT NULL, article_id VARCHAR(36) NOT NULL, person_id VARCHAR(36) NOT NULL,
        helpful BOOLEAN NOT NULL, comment TEXT NOT NULL, created_at DATETIME NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (id), UNIQUE (article_id, person_id),
        FOREIGN KEY(article_id) REFERENCES articles (id))""",
)

_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'"

# How the index keeps in step (see sync/search/index.py for the measurements behind it):
# rows *inserted* into tickets/comments/articles are found by rowid past a high-water mark
# (no per-row trigger, so bulk inserts of a demo build or a pull cost nothing extra);
# updates of indexed columns and deletes are queued by these triggers. A delete also pulls
# the mark back to the table's highest rowid, so a reused rowid is never skipped.
_SEARCH_OBJECTS_V2 = (
    f"CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, description, resolution, comments, {_TOKENIZE})",
    "INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 3.0, 1.0)')",
    f"CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tags, {_TOKENIZE})",
    "INSERT INTO article_fts(article_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)')",
    "CREATE VIRTUAL TABLE ticket_fts_terms USING fts5vocab(ticket_fts, 'row')",
    "CREATE VIRTUAL TABLE article_fts_terms USING fts5vocab(article_fts, 'row')",
    """CREATE TABLE search_docs (
        entity_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, doc_rowid INTEGER NOT NULL,
        comments_upto INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID""",
    "CREATE UNIQUE INDEX ix_search_docs_rowid ON search_docs (kind, doc_rowid)",
    "CREATE TABLE search_queue (entity_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE search_sources (source TEXT NOT NULL PRIMARY KEY, hwm INTEGER NOT NULL, hwm_id TEXT)",
    "INSERT INTO search_sources (source, hwm, hwm_id) VALUES "
    "('tickets', 0, NULL), ('comments', 0, NULL), ('articles', 0, NULL)",
    *(
        stmt
        for table, kind, entity, columns in (
            ("tickets", "ticket", "id", "subject, description, resolution"),
            ("comments", "ticket", "ticket_id", "body, ticket_id"),
            ("articles", "article", "id", "title, body, tags"),
        )
        for stmt in (
            f"""CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON {table} BEGIN
                INSERT OR IGNORE INTO search_queue (entity_id, kind) VALUES (NEW.{entity}, '{kind}');
                INSERT OR IGNORE INTO search_queue (entity_id, kind) VALUES (OLD.{entity}, '{kind}');
            END""",
            f"""CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN
                INSERT OR IGNORE INTO search_queue (entity_id, kind) VALUES (OLD.{entity}, '{kind}');
                UPDATE search_sources
                   SET hwm = (SELECT coalesce(max(rowid), 0) FROM {table}),
                       hwm_id = (SELECT id FROM {table} ORDER BY rowid DESC LIMIT 1)
                 WHERE source = '{table}' AND hwm > (SELECT coalesce(max(rowid), 0) FROM {table});
            END""",
        )
    ),
)


_SEARCH_TABLES_V2 = _SEARCH_OBJECTS_V2[:6]  # the FTS5 and vocabulary tables, with their rank setting


def search_table_definitions(*, drop: bool = False) -> tuple[str, ...]:
    """SQL that (re)creates the search index's FTS5 tables, empty, in their latest form.

    With ``drop``, the existing ones are dropped first: the fastest way to empty an FTS5
    table that stores its own content. Used by the index's rebuild, never by upgrades.
    """
    drops = tuple(
        f"DROP TABLE IF EXISTS {name}"
        for name in ("ticket_fts_terms", "article_fts_terms", "ticket_fts", "article_fts")
    )
    return (*(drops if drop else ()), *_SEARCH_TABLES_LATEST)


def _upgrade_to_2(conn: sqlite3.Connection) -> None:
    """Add article links and feedback, and an empty search index that catches up by itself:
    its high-water marks start at 0, so every existing ticket and article gets indexed."""
    for statement in (*_KB_TABLES_V2, *_SEARCH_OBJECTS_V2):
        conn.execute(statement)


# -- schema 4: a smaller file ----------------------------------------------------------------
# ``ticket_tags`` becomes a WITHOUT ROWID table (its primary key was stored twice: in the rows
# and in the key's index) without the index by tag that no query used (EXPLAIN QUERY PLAN of
# the tag filter: an EXISTS answered by the key), and the comment and work-log indexes lose
# the timestamp they carried for no query (a ticket's few rows are sorted when read).
# Measured with ``bench/bench_replica_size.py`` on the 20k demo: 6,274 -> 5,953 bytes a ticket.
_SMALLER_V4 = (
    """CREATE TABLE ticket_tags_v4 (
        ticket_id VARCHAR(36) NOT NULL, tag VARCHAR(60) NOT NULL,
        PRIMARY KEY (ticket_id, tag),
        FOREIGN KEY(ticket_id) REFERENCES tickets (id)) WITHOUT ROWID""",
    "INSERT INTO ticket_tags_v4 (ticket_id, tag) "
    "SELECT ticket_id, tag FROM ticket_tags ORDER BY ticket_id, tag",
    "DROP TABLE ticket_tags",
    "ALTER TABLE ticket_tags_v4 RENAME TO ticket_tags",  # its old index by tag went with the old table
    "DROP INDEX ix_comments_ticket",
    "CREATE INDEX ix_comments_ticket ON comments (ticket_id)",
    "DROP INDEX ix_work_logs_ticket",
    "CREATE INDEX ix_work_logs_ticket ON work_logs (ticket_id)",
)


def _upgrade_to_4(conn: sqlite3.Connection) -> None:
    """Rebuild ``ticket_tags`` without rowid and slim two indexes; rows are kept as they are."""
    for statement in _SMALLER_V4:
        conn.execute(statement)


# -- schema 5: how a request arrived --------------------------------------------------------
# ``tickets.channel`` (phone, walk_in, email, portal, agent). Tickets from before it get
# ``phone``, the desk's usual way in (the column's default, as in a new file's model).
_CHANNEL_V5 = ("ALTER TABLE tickets ADD COLUMN channel VARCHAR(16) DEFAULT 'phone' NOT NULL",)


def _upgrade_add_ticket_channel(conn: sqlite3.Connection) -> None:
    """Add ``tickets.channel``; every existing ticket (and its unsynced create) reads ``phone``."""
    for statement in _CHANNEL_V5:
        conn.execute(statement)


# -- schema 6: assets and locations: synced records, and tickets' links to them ------------------------
_ASSETS_TABLES = (
    """CREATE TABLE locations (
        id VARCHAR(36) NOT NULL, parent_id VARCHAR(36), name VARCHAR(200) NOT NULL,
        kind VARCHAR(16) NOT NULL, address TEXT NOT NULL, notes TEXT NOT NULL,
        created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_locations_parent ON locations (parent_id, name)",
    """CREATE TABLE assets (
        id VARCHAR(36) NOT NULL, tag VARCHAR(80) NOT NULL, name VARCHAR(200) NOT NULL,
        type VARCHAR(80) NOT NULL, manufacturer VARCHAR(120) NOT NULL, model VARCHAR(120) NOT NULL,
        serial VARCHAR(120) NOT NULL, status VARCHAR(16) NOT NULL, location_id VARCHAR(36),
        assigned_to_id VARCHAR(36), purchase_date VARCHAR(10), warranty_end VARCHAR(10),
        notes TEXT NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (id), UNIQUE (tag))""",
    "CREATE INDEX ix_assets_location ON assets (location_id)",
    "CREATE INDEX ix_assets_name ON assets (name)",
    "CREATE INDEX ix_assets_serial ON assets (serial)",
    """CREATE TABLE ticket_assets (
        id VARCHAR(36) NOT NULL, ticket_id VARCHAR(36) NOT NULL, asset_id VARCHAR(36) NOT NULL,
        created_at DATETIME NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_ticket_assets_asset ON ticket_assets (asset_id)",
    "CREATE INDEX ix_ticket_assets_ticket ON ticket_assets (ticket_id)",
    """CREATE TABLE ticket_locations (
        id VARCHAR(36) NOT NULL, ticket_id VARCHAR(36) NOT NULL, location_id VARCHAR(36),
        location_name VARCHAR(200) NOT NULL, updated_at DATETIME NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (id), UNIQUE (ticket_id))""",
    "CREATE INDEX ix_ticket_locations_location ON ticket_locations (location_id)",
)


def _upgrade_add_assets(conn: sqlite3.Connection) -> None:
    """Add locations, assets and tickets' links to them (empty: they arrive by sync or import).

    Existing tickets keep their free-text ``location``/``asset``; once records exist,
    :func:`sync.assets.free_text.link_free_text` links the ones that match exactly."""
    for statement in _ASSETS_TABLES:
        conn.execute(statement)


# -- schema 7: requesters' satisfaction ratings (synced, read-only) -----------------------------
_RATINGS_TABLES = (
    """CREATE TABLE ratings (
        id VARCHAR(36) NOT NULL, ticket_id VARCHAR(36) NOT NULL, person_id VARCHAR(36) NOT NULL,
        score INTEGER NOT NULL, comment TEXT NOT NULL, at DATETIME NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_ratings_ticket ON ratings (ticket_id)",
    "CREATE INDEX ix_ratings_score ON ratings (score)",
)


def _upgrade_add_ratings(conn: sqlite3.Connection) -> None:
    """Add ``ratings`` (empty: the next pull brings the server's, which it logged for every
    rating made before replicas knew them)."""
    for statement in _RATINGS_TABLES:
        conn.execute(statement)


# -- schema 8: the standalone office's mail channel (local, never synced) ------------------------
_OFFICE_MAIL_TABLES = (
    """CREATE TABLE office_mail_messages (
        id VARCHAR(36) NOT NULL, dedup_key VARCHAR(64) NOT NULL, message_id VARCHAR(500) NOT NULL,
        sender VARCHAR(200) NOT NULL, subject VARCHAR(300) NOT NULL, outcome VARCHAR(16) NOT NULL,
        reason TEXT NOT NULL, ticket_id VARCHAR(36), raw BLOB, received_at DATETIME NOT NULL,
        PRIMARY KEY (id), UNIQUE (dedup_key))""",
    "CREATE INDEX ix_office_mail_messages_sender ON office_mail_messages (sender, received_at)",
    "CREATE INDEX ix_office_mail_messages_ticket ON office_mail_messages (ticket_id)",
    """CREATE TABLE office_mail_thread_refs (
        message_id VARCHAR(500) NOT NULL, ticket_id VARCHAR(36) NOT NULL,
        PRIMARY KEY (message_id))""",
    """CREATE TABLE office_mail_outbox (
        id VARCHAR(36) NOT NULL, dedup_key VARCHAR(120) NOT NULL, ticket_id VARCHAR(36) NOT NULL,
        kind VARCHAR(16) NOT NULL, to_address VARCHAR(200) NOT NULL, message_id VARCHAR(500) NOT NULL,
        raw BLOB NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL,
        next_attempt_at DATETIME NOT NULL, last_error TEXT NOT NULL, created_at DATETIME NOT NULL,
        sent_at DATETIME,
        PRIMARY KEY (id), UNIQUE (dedup_key))""",
    "CREATE INDEX ix_office_mail_outbox_due ON office_mail_outbox (status, next_attempt_at)",
)


def _upgrade_add_office_mail(conn: sqlite3.Connection) -> None:
    """Add the standalone office's mail tables (empty: the mailbox is configured afterwards)."""
    for statement in _OFFICE_MAIL_TABLES:
        conn.execute(statement)


#: UPGRADE_STEPS[n] upgrades a file at version n-1 to version n.
UPGRADE_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _upgrade_to_2,
    3: create_sync_tables,  # the sync engine's conflicts, notices, re-sync marks
    4: _upgrade_to_4,
    5: _upgrade_add_ticket_channel,
    6: _upgrade_add_assets,
    7: _upgrade_add_ratings,
    8: _upgrade_add_office_mail,
}

#: Objects a new file needs beyond the ORM tables, in their latest form. When a later step
#: changes one of them, it gets its own literal SQL and this points at the new definition.
_POST_CREATE: tuple[str, ...] = _SEARCH_OBJECTS_V2
_SEARCH_TABLES_LATEST: tuple[str, ...] = _SEARCH_TABLES_V2

_SQLITE_HEADER = b"SQLite format 3\x00"


def prepare_replica_file(path: Path, key: bytes | None = None) -> int | None:
    """Create or upgrade the replica at ``path``; return the version upgraded from, if any.

    With ``key`` the file is (or is created) SQLCipher-encrypted with that raw key, and the
    upgrade's backup copy is encrypted with it too.
    """
    existed = path.exists() and path.stat().st_size > 0
    if existed and key is None:
        with path.open("rb") as fh:
            if fh.read(16) != _SQLITE_HEADER:
                raise ReplicaCorruptError(
                    f"{path} is not an Outpost replica (not an SQLite database, or an encrypted replica "
                    "whose encryption.json is missing). Move it aside, or restore encryption.json or a "
                    "backup; Outpost will not overwrite it."
                )
    try:
        conn = sqlite_driver.connect(path, key, isolation_level=None)
    except sqlite_driver.Error as exc:  # pragma: no cover - permissions, path errors
        raise ReplicaCorruptError(f"Cannot open {path}: {exc}") from exc
    try:
        version = _user_version(conn)
        if version == 0:
            if _has_tables(conn):
                raise ReplicaCorruptError(
                    f"{path} holds tables but no Outpost schema version; it was not made by Outpost."
                )
            _create_current(conn)
            return None
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"This replica was written by a newer Outpost (schema {version}; this version "
                f"understands up to {SCHEMA_VERSION}). Install the newer Outpost to open it; "
                "the file was left untouched."
            )
        if version == SCHEMA_VERSION:
            return None
        if version < MIN_UPGRADABLE_VERSION:
            raise SchemaTooNewError(
                f"This replica's schema {version} is too old to upgrade directly; "
                "open it with an intermediate Outpost release first."
            )
        backup_replica(conn, path, version, key)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            _run_step(conn, target)
        return version
    except sqlite_driver.DatabaseError as exc:
        raise ReplicaCorruptError(f"{path} is damaged ({exc}). Restore a backup from its folder.") from exc
    finally:
        conn.close()


def backup_replica(conn: sqlite3.Connection, path: Path, version: int, key: bytes | None = None) -> Path:
    """Copy the live database (consistently, WAL included) beside it and return the copy's path.

    The copy of an encrypted replica is encrypted with the same key (SQLCipher's backup
    copies pages as they are, so source and copy must share the key).
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.schema{version}.{stamp}.bak")
    create_private_file(target)  # a copy of every ticket: 0600 like the replica itself
    dest = sqlite_driver.connect(target, key)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def _run_step(conn: sqlite3.Connection, target: int) -> None:
    step = UPGRADE_STEPS[target]
    conn.execute("BEGIN IMMEDIATE")
    try:
        step(conn)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _create_current(conn: sqlite3.Connection) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = create_engine("sqlite://").dialect
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in Base.metadata.sorted_tables:
            conn.execute(str(CreateTable(table).compile(dialect=dialect)))
            for index in table.indexes:
                conn.execute(str(CreateIndex(index).compile(dialect=dialect)))
        for statement in _POST_CREATE:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return int(row[0]) > 0
