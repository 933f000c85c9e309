"""Applying one pulled page to the replica, in one SQLite transaction.

Order inside the transaction:

1. **Cursor check** (compare-and-swap): the stored cursor must still be the one the page
   was requested with; otherwise another round already moved it and the page is dropped.
   Together with storing the new cursor in the same transaction (step 7), the cursor only
   ever moves forward, and only past pages that are committed.
2. **Upserts**, parents first (the field order of ``PullRecords``). A record older than
   the local copy (``version`` lower) is ignored, except during a re-bootstrap after a
   restore, when the server's history itself went back. Same-named local queues and
   agents that were never synced become the server's (:mod:`sync.engine.id_remap`).
3. **Deletions** and **left scope**: a ticket that left the person's scope is removed with
   its children and a notice is written; its pending mutations stay queued and are pushed.
4. **Sweep** stale provisional side rows, then **rebase** pending mutations on the records
   this page overwrote (:mod:`sync.engine.rebase`).
5. During a re-bootstrap, remember every id received (the end-of-bootstrap sweep).
6. Store the cursor, the highest version seen and the server identity.

Before a first bootstrap, the ``only = "mine"`` preview page (the person's own open
tickets) goes through steps 2–4 without moving the cursor or the watermark
(:meth:`PageApplier.apply_first_tickets`); the stream then upserts the same records again.

Threading: runs on the sync worker's engine connection only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.engine import asset_records, ticket_removal
from sync.engine.id_remap import resolve_name_clash
from sync.engine.rebase import load_pending, rebase, sweep_provisional
from sync.engine.replica_conn import get_setting, set_setting, transaction
from sync.engine.sync_client import PullPage
from sync.engine.wire_rows import SPECS, TABLE_FOR, TableSpec, rows_for
from sync.replica.models import Base
from sync.services.ticket_work import blob_path

__all__ = ["PageApplier", "PageResult", "local_defaults"]


@dataclass
class PageResult:
    records: int = 0
    tickets: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)  # locations and assets received
    rated: set[str] = field(default_factory=set)  # tickets whose rating arrived
    left_scope: list[str] = field(default_factory=list)
    directory_changed: bool = False


def local_defaults(table: str, wire_columns: tuple[str, ...]) -> dict[str, Any]:
    """Replica-only NOT NULL columns of ``table`` and the model default a new row gets.

    Read from the models, so a local column added later (``group_name``, ``sla_state``...)
    is filled on insert and left alone on update without this module knowing it.
    """
    out: dict[str, Any] = {}
    for column in Base.metadata.tables[table].columns:
        if column.name in wire_columns or column.nullable or column.primary_key:
            continue
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            out[column.name] = getattr(default, "arg", None)
    return out


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | int | float):
        return str(int(value) if isinstance(value, bool) else value)
    return "'" + str(value).replace("'", "''") + "'"


class _Plan:
    """How one table's rows are written.

    Insert-or-ignore, then update the rows that already existed (with the version guard).
    Not an UPSERT: inside an ``INSERT ... ON CONFLICT DO UPDATE`` SQLite overrides the
    conflict clause of trigger statements, which breaks the search index's
    ``INSERT OR IGNORE`` triggers on tickets, comments and articles.

    Rows carry the wire columns (plus ``extra`` parameters); replica-only columns get their
    model default as a literal and ``computed`` columns an SQL expression over the row's
    numbered parameters, so rows are never copied to be extended.
    """

    def __init__(
        self,
        spec: TableSpec,
        *,
        guard: bool,
        extra: tuple[str, ...] = (),
        computed: dict[str, str] | None = None,
        keep: tuple[str, ...] = (),
        replace: bool = False,
    ) -> None:
        computed = computed or {}
        params = (*spec.names, *extra)
        defaults = local_defaults(spec.table, (*params, *computed))
        cols = (*params, *computed, *defaults)
        values = [f"?{i + 1}" for i in range(len(params))]
        values += [
            expr.format(**{n: f"?{params.index(n) + 1}" for n in params}) for expr in computed.values()
        ]
        values += [_literal(v) for v in defaults.values()]
        verb = "REPLACE" if replace else "IGNORE"
        self.insert = f"INSERT OR {verb} INTO {spec.table} ({', '.join(cols)}) VALUES ({', '.join(values)})"
        kept = {"id", *keep}
        updated = [i for i, c in enumerate(params) if c not in kept]
        self._order = [*updated, params.index("id")]
        where = "id = ?"
        if guard and spec.versioned:
            where += " AND version <= ?"
            self._order.append(params.index("version"))
        assignments = ", ".join(f"{params[i]} = ?" for i in updated)
        self.update = None if replace else f"UPDATE {spec.table} SET {assignments} WHERE {where}"

    def run(self, conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> int:
        """Write ``rows``; return how many were new."""
        inserted = int(conn.executemany(self.insert, rows).rowcount)
        if self.update is not None and inserted != len(rows):
            order = self._order
            conn.executemany(self.update, [tuple(row[i] for i in order) for row in rows])
        return inserted


class PageApplier:
    """Applies pages for one round. ``resync``: a re-bootstrap after the server was restored."""

    def __init__(self, conn: sqlite3.Connection, attachments_dir: Path, *, resync: bool, now: str) -> None:
        self.conn = conn
        self.attachments_dir = attachments_dir
        self.resync = resync
        self.now = now
        # Bootstrapping into a replica without tickets: nothing to clear or sweep per ticket.
        self.fresh = conn.execute("SELECT 1 FROM tickets LIMIT 1").fetchone() is None
        guard = not resync
        self._plans = {
            name: _Plan(spec, guard=guard) for name, spec in SPECS.items() if name != "queue_members"
        }
        # A pulled ticket made elsewhere has no provisional number here: -number keeps the
        # column unique and not null (ours keep theirs: local_number is never updated).
        self._plans["tickets"] = _Plan(SPECS["tickets"], guard=guard, computed={"local_number": "-{number}"})
        self._plans["attachments"] = _Plan(SPECS["attachments"], guard=guard, extra=("is_local",))
        self._plans["ticket_links"] = _Plan(SPECS["ticket_links"], guard=guard, replace=True)
        self._plans["article_revisions"] = _Plan(SPECS["article_revisions"], guard=guard, replace=True)

    def apply(self, page: PullPage, expected_cursor: str | None) -> PageResult | None:
        """Apply ``page``; None if the cursor moved meanwhile (the page was not applied)."""
        conn = self.conn
        with transaction(conn):
            if get_setting(conn, "cursor") != expected_cursor:
                return None
            result = self._apply_records(page)
            self._settle_first_tickets(page, result)
            if self.resync:
                self._mark_seen(page)
            top = max((int(r["version"]) for rows in page.records.values() for r in rows), default=0)
            watermark = int(get_setting(conn, "watermark") or 0)
            set_setting(conn, "watermark", str(max(watermark, top)))
            set_setting(conn, "cursor", page.cursor)
            set_setting(conn, "server_id", page.server.server_id)
            set_setting(conn, "epoch", str(page.server.epoch))
            return result

    def apply_first_tickets(self, page: PullPage) -> PageResult | None:
        """Apply the ``only = "mine"`` preview page before a bootstrap, in one transaction.

        Records and the rebase of pending work go in as for any page, but the cursor and
        the watermark stay where they are (the stream sends every record again, at the
        same or a newer version). The tickets received are remembered (setting
        ``first_tickets``) until the stream has sent them again: one the stream never sends
        left the person's scope meanwhile and is removed when the bootstrap completes.
        None (nothing applied) if a stream page was applied meanwhile.
        """
        conn = self.conn
        with transaction(conn):
            if get_setting(conn, "cursor") is not None:
                return None
            result = self._apply_records(page)
            waiting = set((get_setting(conn, "first_tickets") or "").split()) | result.tickets
            set_setting(conn, "first_tickets", " ".join(sorted(waiting)) or None)
            set_setting(conn, "server_id", page.server.server_id)
            set_setting(conn, "epoch", str(page.server.epoch))
            return result

    def _apply_records(self, page: PullPage) -> PageResult:
        """Upserts, removals, sweep and rebase of one page (inside the caller's transaction)."""
        conn = self.conn
        result = PageResult(records=page.record_count)
        self._upsert_all(page.records, result)
        self._delete(page, result)
        pending = load_pending(conn)
        busy: set[str] = set()
        for m in pending:
            busy |= m.refs
        if not self.fresh:
            sweep_provisional(conn, result.tickets - busy, result.articles - busy)
        rebase(conn, pending, result.tickets & busy, result.articles & busy)
        asset_records.sweep_provisional(conn, result.assets - busy)
        asset_records.rebase_records(conn, pending, result.assets & busy)
        # The preview page made the replica non-empty: later pages must clear and sweep.
        self.fresh = self.fresh and not result.tickets
        return result

    def _settle_first_tickets(self, page: PullPage, result: PageResult) -> None:
        """Tick off preview tickets the stream sent again; at its end, drop the rest."""
        waiting_text = get_setting(self.conn, "first_tickets")
        if waiting_text is None:
            return
        waiting = set(waiting_text.split()) - result.tickets - set(result.left_scope)
        if not page.has_more:
            for ticket_id in sorted(waiting):  # moved out of scope after the preview was read
                ticket_removal.left_scope(self.conn, ticket_id, self.now)
                result.left_scope.append(ticket_id)
            waiting = set()
        set_setting(self.conn, "first_tickets", " ".join(sorted(waiting)) or None)

    # -- upserts ----------------------------------------------------------------------------
    def _upsert_all(self, records: dict[str, list[dict[str, Any]]], result: PageResult) -> None:
        conn = self.conn
        queues = records.get("queues", [])
        for q in queues:
            resolve_name_clash(conn, "queues", "name", str(q["id"]), str(q["name"]))
        people = records.get("people", [])
        for p in people:
            if p.get("username"):
                resolve_name_clash(conn, "people", "username", str(p["id"]), str(p["username"]))
        self._run("queues", queues)
        self._run("people", people)
        role, me = get_setting(conn, "user_role"), get_setting(conn, "user_id")
        if role and me and any(p["id"] == me for p in people):
            conn.execute("UPDATE people SET role = ? WHERE id = ?", (role, me))
        if records.get("queue_members"):
            conn.executemany(
                "INSERT OR IGNORE INTO queue_members (queue_id, person_id) VALUES (?, ?)",
                rows_for(SPECS["queue_members"], records["queue_members"]),
            )
        result.directory_changed = bool(queues or people or records.get("queue_members"))
        tickets = records.get("tickets", [])
        if tickets:
            self._upsert_tickets(tickets)
            result.tickets.update(str(t["id"]) for t in tickets)
        for name in ("comments", "work_logs", "activity"):
            self._run(name, records.get(name, []))
        attachments = records.get("attachments", [])
        if attachments:
            rows = [
                (*row, int(blob_path(self.attachments_dir, str(row[2])).is_file()))
                for row in rows_for(SPECS["attachments"], attachments)
            ]
            self._plans["attachments"].run(conn, rows)
        self._run("ticket_links", records.get("ticket_links", []))
        articles = records.get("articles", [])
        self._run("articles", articles)
        result.articles.update(str(a["id"]) for a in articles)
        self._upsert_revisions(records.get("article_revisions", []))
        self._run("locations", records.get("locations", []))
        assets = records.get("assets", [])
        if assets:
            asset_records.make_room_for_tags(conn, assets)
        self._run("assets", assets)
        for name in ("ticket_assets", "ticket_locations"):
            self._run(name, records.get(name, []))
        ratings = records.get("ratings", [])
        self._run("ratings", ratings)
        result.rated.update(str(r["ticket_id"]) for r in ratings)
        result.assets.update(str(r["id"]) for name in ("locations", "assets") for r in records.get(name, []))

    def _run(self, name: str, records: list[dict[str, Any]]) -> None:
        if records:
            self._plans[name].run(self.conn, rows_for(SPECS[name], records))

    def _upsert_tickets(self, tickets: list[dict[str, Any]]) -> None:
        conn = self.conn
        spec = SPECS["tickets"]
        rows = rows_for(spec, tickets)
        if self.resync:
            numbers = [(t["number"], t["id"]) for t in tickets]
            conn.executemany(
                "UPDATE tickets SET number = NULL, local_number = -1000000000 - rowid "
                "WHERE number = ? AND id != ?",
                numbers,
            )
        inserted = self._plans["tickets"].run(conn, rows)
        if not self.fresh or inserted != len(rows):  # some were here already: replace their tags
            conn.executemany(
                "DELETE FROM ticket_tags WHERE ticket_id = ?", [(str(t["id"]),) for t in tickets]
            )
        conn.executemany(
            "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?, ?)",
            [(str(t["id"]), str(tag)) for t in tickets for tag in t.get("tags", ())],
        )

    def _upsert_revisions(self, revisions: list[dict[str, Any]]) -> None:
        if not revisions:
            return
        plain = [r for r in revisions if not r.get("conflict")]
        self._run("article_revisions", plain)
        for r in revisions:
            if r.get("conflict"):
                self.conn.execute(
                    "INSERT OR REPLACE INTO sync_conflict_revisions "
                    "(id, article_id, base_revision, revision, "
                    "title, body, author_id, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        r["id"],
                        r["article_id"],
                        r.get("base_revision"),
                        r["revision"],
                        r["title"],
                        r["body"],
                        r.get("author_id"),
                        rows_for(SPECS["article_revisions"], [r])[0][-1],
                        r["version"],
                    ),
                )

    # -- removals ---------------------------------------------------------------------------
    def _delete(self, page: PullPage, result: PageResult) -> None:
        conn = self.conn
        for ref in page.deletions:
            table = TABLE_FOR.get(ref.entity_type)
            if table == "tickets":
                ticket_removal.remove_ticket(conn, ref.id)
            elif table == "queue_members":
                queue_id, _, person_id = ref.id.partition(":")
                conn.execute(
                    "DELETE FROM queue_members WHERE queue_id = ? AND person_id = ?", (queue_id, person_id)
                )
            elif table == "articles":
                conn.execute("DELETE FROM article_revisions WHERE article_id = ?", (ref.id,))
                conn.execute("DELETE FROM articles WHERE id = ?", (ref.id,))
            elif table is not None:
                conn.execute(f"DELETE FROM {table} WHERE id = ?", (ref.id,))
            result.directory_changed |= table in ("queues", "people", "queue_members")
        for ref in page.left_scope:
            if TABLE_FOR.get(ref.entity_type, ref.entity_type) in ("tickets", "ticket"):
                ticket_removal.left_scope(conn, ref.id, self.now)
                result.left_scope.append(ref.id)
                result.tickets.discard(ref.id)

    def _mark_seen(self, page: PullPage) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO sync_resync_seen (entity_type, entity_id) VALUES (?, ?)",
            [(name, str(r["id"])) for name, rows in page.records.items() for r in rows],
        )
