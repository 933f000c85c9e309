"""The full-text index (SQLite FTS5) and how it keeps in step with the replica.

Tables (created by schema step 2): ``ticket_fts`` (subject, description, resolution,
comments: replies and notes) and ``article_fts`` (title, body as plain text, tags), each
an FTS5 table that stores its own copy of the indexed text. A document's FTS rowid is the
rowid of its ``tickets``/``articles`` row, so a search joins by rowid (one B-tree step;
going through the text ids measured twice as slow on filtered queries). ``search_docs``
remembers which rowid each entity's document sits at, for the writer only: when a row
moves (``INSERT OR REPLACE``) or its rowid is reused, the old document is found and
dropped. If the replica's rowids are ever renumbered (``VACUUM`` may do so), the catch-up
notices and rebuilds the index.

Keeping in step — a change queue drained in batches, not triggers that write the index:

* Rows *inserted* into ``tickets``, ``comments`` and ``articles`` carry no trigger at all.
  They are found past a per-table high-water mark on rowid (``search_sources``), which
  every batch advances. Measured on the demo generator (20k tickets, 61k comments, one
  transaction): no trigger 3.4 s; a one-line queue trigger on tickets and comments 4.5 s
  (+32 %: any trigger makes SQLite keep a statement journal for every row); a trigger that
  re-indexes the ticket on every comment is far worse, since a ticket with k comments is
  tokenized k+1 times. So a demo build or a large pull pays nothing for search.
* Updates of indexed columns and deletes are queued (``search_queue``) by small triggers;
  a delete also pulls the mark back to the table's highest rowid so that a rowid reused
  by the next insert is never skipped. A row replaced by ``INSERT OR REPLACE`` gets a new
  rowid past the mark and is found like an insert.
* Article bodies are markdown and are indexed as :func:`~sync.kb.plain_text`, which only
  Python can compute: another reason the index is written here and not by SQL triggers.

Each batch is one write transaction that indexes up to ``batch_size`` tickets/articles,
removes them from the queue and advances the marks, so the index, the queue and the
marks always agree on disk: a crash or a kill mid-batch rolls that batch back and the
next :meth:`SearchIndex.catch_up` resumes exactly there. Progress of a long run is kept
in ``replica_settings`` (``search_index.run_done`` / ``run_total``) for the same reason.

Threading: a ``SearchIndex`` may be used from any thread; each batch takes its own pooled
connection. Run long catch-ups on a worker thread (see :mod:`sync.search.index_worker`):
a batch holds the write lock for tens of milliseconds, so user actions interleave.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

from sync.errors import DiskFullError, ReplicaCorruptError
from sync.replica import sqlite_driver
from sync.replica.replica import Replica
from sync.replica.schema_upgrade import search_table_definitions
from sync.search.index_documents import article_document, ticket_document

__all__ = ["IndexBusyError", "IndexProgress", "ProgressCallback", "SearchIndex"]

_RUN_TOTAL = "search_index.run_total"
_RUN_DONE = "search_index.run_done"
_SOURCES = ("tickets", "articles", "comments")


class IndexBusyError(Exception):
    """Another writer held the replica longer than the caller was willing to wait."""


@dataclass(frozen=True)
class IndexProgress:
    """``done`` of ``total`` changes handled in the current run (a change is a new, edited or
    deleted row); ``remaining`` is what is left now. ``cancelled`` if the caller stopped it."""

    done: int
    total: int
    remaining: int
    cancelled: bool = False

    @property
    def finished(self) -> bool:
        return self.remaining == 0


#: Called after every batch, on the thread running the catch-up.
ProgressCallback = Callable[[IndexProgress], None]


class SearchIndex:
    def __init__(self, replica: Replica, *, batch_size: int = 500, scan_window: int = 10_000) -> None:
        """``batch_size``: tickets/articles (re)indexed per transaction; ``scan_window``: new
        rows looked at per transaction (most new comments need no work, see ``_scan``)."""
        self.replica = replica
        self.batch_size = batch_size
        self.scan_window = max(scan_window, batch_size)

    # -- state ------------------------------------------------------------------------
    def backlog(self, *, limit: int | None = None) -> int:
        """Changes not yet indexed (queued edits and deletes plus rows past the marks),
        counted up to ``limit`` (counting a large backlog exactly takes a while)."""
        with self._connection(30_000) as raw:
            return _backlog(raw, limit)

    def progress(self) -> IndexProgress:
        with self._connection(30_000) as raw:
            remaining = _backlog(raw)
            done, total = _run_state(raw)
        return IndexProgress(done, max(total, done + remaining), remaining)

    # -- work -------------------------------------------------------------------------
    def catch_up(
        self,
        *,
        max_batches: int | None = None,
        progress: ProgressCallback | None = None,
        should_cancel: Callable[[], bool] | None = None,
        busy_timeout_ms: int = 30_000,
    ) -> IndexProgress:
        """Index everything pending, one transaction per batch, until nothing is left,
        ``max_batches`` ran, or ``should_cancel()`` returns true (checked between batches).

        Safe to interrupt at any point; raises :class:`IndexBusyError` if the write lock
        was not obtained within ``busy_timeout_ms`` (nothing was changed by that batch).
        """
        batches = 0
        done, total = self._stored_run()
        while True:
            if should_cancel is not None and should_cancel():
                return _notify(progress, IndexProgress(done, total, total - done, cancelled=True))
            if max_batches is not None and batches >= max_batches:
                return _notify(progress, IndexProgress(done, total, total - done))
            with self._transaction(busy_timeout_ms) as raw:
                consumed, done, total = self._batch(raw)
            batches += 1
            if consumed == 0:
                return _notify(progress, IndexProgress(done, done, 0))
            if progress is not None:
                progress(IndexProgress(done, total, total - done))

    def rebuild(self) -> None:
        """Empty the index and reset the marks: the next catch-up indexes everything again.

        For a damaged index, or after the replica's rowids were renumbered (found by
        :meth:`catch_up` on its own). Searches return partial results until it finishes.
        """
        with self._transaction(30_000) as raw:
            _reset(raw)

    def check_integrity(self) -> None:
        """Run FTS5's own integrity check; raise :class:`ReplicaCorruptError` if it fails."""
        with self._connection(30_000) as raw:
            for table in ("ticket_fts", "article_fts"):
                try:
                    raw.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
                except sqlite_driver.DatabaseError as exc:
                    raise ReplicaCorruptError(
                        f"The search index is damaged ({exc}); rebuild it from the Search menu."
                    ) from exc

    # -- one batch --------------------------------------------------------------------
    def _batch(self, raw: sqlite3.Connection) -> tuple[int, int, int]:
        """One transaction's work; returns (changes consumed, run done, run total)."""
        marks = {s: (int(h), i) for s, h, i in raw.execute("SELECT source, hwm, hwm_id FROM search_sources")}
        if any(_renumbered(raw, source, *marks[source]) for source in _SOURCES):
            _reset(raw)  # VACUUM moved rows below their marks; only a full pass is safe
            marks = {source: (0, None) for source in _SOURCES}
        wanted: dict[str, str] = {}
        queued = raw.execute(
            "SELECT entity_id, kind FROM search_queue LIMIT ?", (self.batch_size,)
        ).fetchall()
        wanted.update(queued)
        consumed = len(queued)
        for source in _SOURCES:
            if len(wanted) >= self.batch_size:
                break
            consumed += self._scan(raw, source, marks[source][0], wanted)
        _reindex_tickets(raw, [e for e, k in wanted.items() if k == "ticket"])
        _reindex_articles(raw, [e for e, k in wanted.items() if k == "article"])
        raw.executemany("DELETE FROM search_queue WHERE entity_id = ?", [(e,) for e, _k in queued])
        return (consumed, *_advance_run(raw, consumed))

    def _scan(self, raw: sqlite3.Connection, source: str, mark: int, wanted: dict[str, str]) -> int:
        """Add rows past ``source``'s mark that need (re)indexing to ``wanted`` and move the
        mark past every row looked at. A ticket or article whose document was built from
        this very row, or a comment already inside its ticket's document, needs nothing."""
        if source == "comments":
            sql = (
                "SELECT c.rowid, c.ticket_id, c.id, d.comments_upto IS NULL OR d.comments_upto < c.rowid "
                "FROM comments c LEFT JOIN search_docs d ON d.entity_id = c.ticket_id "
                "WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?"
            )
            kind = "ticket"
        else:
            sql = (
                f"SELECT t.rowid, t.id, t.id, d.doc_rowid IS NULL OR d.doc_rowid != t.rowid "
                f"FROM {source} t LEFT JOIN search_docs d ON d.entity_id = t.id "
                f"WHERE t.rowid > ? ORDER BY t.rowid LIMIT ?"
            )
            kind = "ticket" if source == "tickets" else "article"
        last: tuple[int, str] | None = None
        seen = 0
        for rowid, entity, row_id, needed in raw.execute(sql, (mark, self.scan_window)):
            if needed and entity not in wanted:
                if len(wanted) >= self.batch_size:
                    break
                wanted[entity] = kind
            last = (rowid, row_id)
            seen += 1
        if last is not None:
            raw.execute("UPDATE search_sources SET hwm = ?, hwm_id = ? WHERE source = ?", (*last, source))
        return seen

    # -- plumbing ---------------------------------------------------------------------
    def _stored_run(self) -> tuple[int, int]:
        with self._connection(30_000) as raw:
            done, total = _run_state(raw)
            return done, max(total, done + _backlog(raw))

    @contextmanager
    def _connection(self, busy_timeout_ms: int) -> Iterator[sqlite3.Connection]:
        proxy = self.replica.engine.raw_connection()
        raw = proxy.driver_connection
        assert sqlite_driver.is_connection(raw)
        raw = cast(sqlite3.Connection, raw)
        try:
            raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            yield raw
        except sqlite_driver.OperationalError as exc:
            text = str(exc).lower()
            if "disk is full" in text or "disk i/o" in text:
                raise DiskFullError(
                    "The disk is full, so the search index could not be updated. Free some space; "
                    "indexing resumes where it stopped."
                ) from exc
            raise
        finally:
            raw.execute("PRAGMA busy_timeout = 30000")
            proxy.close()

    @contextmanager
    def _transaction(self, busy_timeout_ms: int) -> Iterator[sqlite3.Connection]:
        with self._connection(busy_timeout_ms) as raw:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite_driver.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise IndexBusyError(
                        "The replica is busy with another write; indexing will retry."
                    ) from exc
                raise
            try:
                yield raw
                raw.execute("COMMIT")
            except BaseException:
                raw.execute("ROLLBACK")
                raise


def _notify(callback: ProgressCallback | None, progress: IndexProgress) -> IndexProgress:
    if callback is not None:
        callback(progress)
    return progress


def _placeholders(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


# Documents are written in ascending rowid order: FTS5 keeps a transaction's new postings in
# memory only while rowids ascend, and flushes a segment whenever one goes back (inserting a
# batch in id order measured 2.6x slower than in rowid order).


def _reindex_tickets(raw: sqlite3.Connection, ids: list[str]) -> None:
    if not ids:
        return
    ph = _placeholders(ids)
    rows = {
        r[1]: r
        for r in raw.execute(
            f"SELECT rowid, id, subject, description, resolution FROM tickets WHERE id IN ({ph})", ids
        )
    }
    comments: dict[str, list[str]] = {}
    upto: dict[str, int] = {}
    for ticket_id, rowid, body in raw.execute(
        f"SELECT ticket_id, rowid, body FROM comments WHERE ticket_id IN ({ph}) "
        "ORDER BY ticket_id, created_at, rowid",
        ids,
    ):
        comments.setdefault(ticket_id, []).append(body)
        upto[ticket_id] = max(upto.get(ticket_id, 0), rowid)
    docs = _replace_docs(
        raw, "ticket", "ticket_fts", ids, {e: (r[0], upto.get(e, 0)) for e, r in rows.items()}
    )
    raw.executemany(
        "INSERT INTO ticket_fts (rowid, subject, description, resolution, comments) VALUES (?, ?, ?, ?, ?)",
        sorted((docs[e], *ticket_document(r[2], r[3], r[4], comments.get(e, ()))) for e, r in rows.items()),
    )


def _reindex_articles(raw: sqlite3.Connection, ids: list[str]) -> None:
    if not ids:
        return
    rows = {
        r[1]: r
        for r in raw.execute(
            f"SELECT rowid, id, title, body, tags FROM articles WHERE id IN ({_placeholders(ids)})", ids
        )
    }
    docs = _replace_docs(raw, "article", "article_fts", ids, {e: (r[0], 0) for e, r in rows.items()})
    raw.executemany(
        "INSERT INTO article_fts (rowid, title, body, tags) VALUES (?, ?, ?, ?)",
        sorted((docs[e], *article_document(r[2], r[3], r[4])) for e, r in rows.items()),
    )


def _replace_docs(
    raw: sqlite3.Connection, kind: str, fts: str, ids: list[str], present: dict[str, tuple[int, int]]
) -> dict[str, int]:
    """Make room for the new documents of ``ids``: drop their old FTS rows, and any FTS row
    still sitting at a rowid one of them now uses (the document of a deleted or moved row,
    whose own change is in the backlog). ``present`` maps each entity that still exists to
    (its rowid, its highest comment rowid). Returns entity -> FTS rowid for those."""
    ph = _placeholders(ids)
    old = dict(raw.execute(f"SELECT entity_id, doc_rowid FROM search_docs WHERE entity_id IN ({ph})", ids))
    targets = [rowid for rowid, _upto in present.values()]
    squatters: dict[str, int] = {}
    if targets:
        sql = "SELECT entity_id, doc_rowid FROM search_docs WHERE kind = ? AND doc_rowid IN "
        squatters.update(raw.execute(f"{sql}({_placeholders(targets)})", [kind, *targets]))
    gone = {**old, **squatters}
    raw.executemany(f"DELETE FROM {fts} WHERE rowid = ?", [(rowid,) for rowid in sorted(set(gone.values()))])
    raw.executemany("DELETE FROM search_docs WHERE entity_id = ?", [(entity,) for entity in gone])
    raw.executemany(
        "INSERT INTO search_docs (entity_id, kind, doc_rowid, comments_upto) VALUES (?, ?, ?, ?)",
        [(entity, kind, rowid, upto) for entity, (rowid, upto) in present.items()],
    )
    return {entity: rowid for entity, (rowid, _upto) in present.items()}


def _renumbered(raw: sqlite3.Connection, source: str, mark: int, mark_id: str | None) -> bool:
    """Whether the row the mark was taken at now sits *below* the mark: only renumbering
    (VACUUM of a table without INTEGER PRIMARY KEY) moves rows down. A row that was deleted
    or replaced (new rowid above the mark) is harmless."""
    if mark == 0 or mark_id is None:
        return False
    row = raw.execute(f"SELECT rowid FROM {source} WHERE id = ?", (mark_id,)).fetchone()
    return row is not None and int(row[0]) < mark


def _backlog(raw: sqlite3.Connection, limit: int | None = None) -> int:
    cap = -1 if limit is None else limit  # LIMIT -1: no limit
    total = 0
    marks = raw.execute("SELECT source, hwm FROM search_sources").fetchall()
    for source, mark in [("search_queue", None), *marks]:
        where = "" if mark is None else f"WHERE rowid > {int(mark)}"
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} {where} LIMIT ?)"
        total += int(raw.execute(sql, (cap,)).fetchone()[0])
        if limit is not None and total >= limit:
            return limit
    return total


def _run_state(raw: sqlite3.Connection) -> tuple[int, int]:
    values = dict(
        raw.execute("SELECT key, value FROM replica_settings WHERE key IN (?, ?)", (_RUN_DONE, _RUN_TOTAL))
    )
    return int(values.get(_RUN_DONE, 0)), int(values.get(_RUN_TOTAL, 0))


def _advance_run(raw: sqlite3.Connection, consumed: int) -> tuple[int, int]:
    """Count ``consumed`` changes into the persisted run; a batch with nothing to do ends it."""
    done, total = _run_state(raw)
    if consumed == 0:
        raw.execute("DELETE FROM replica_settings WHERE key IN (?, ?)", (_RUN_DONE, _RUN_TOTAL))
        return done, done
    if total == 0:
        total = consumed + _backlog(raw)
    done += consumed
    total = max(total, done)
    raw.executemany(
        "INSERT OR REPLACE INTO replica_settings (key, value) VALUES (?, ?)",
        [(_RUN_DONE, str(done)), (_RUN_TOTAL, str(total))],
    )
    return done, total


def _reset(raw: sqlite3.Connection) -> None:
    for statement in search_table_definitions(drop=True):
        raw.execute(statement)
    raw.execute("DELETE FROM search_docs")
    raw.execute("DELETE FROM search_queue")
    raw.execute("UPDATE search_sources SET hwm = 0, hwm_id = NULL")
    raw.execute("DELETE FROM replica_settings WHERE key IN (?, ?)", (_RUN_DONE, _RUN_TOTAL))
