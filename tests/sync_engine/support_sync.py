"""Test support: a ``Desk`` is one real replica, its services, and its sync engine.

Every desk talks to the real server over loopback (or through a fault proxy when given
its URL). ``snapshot()`` is the replica's view of the shared state in a comparable form,
and ``server_snapshot()`` is the same view read from the server's database, so tests can
assert that replicas converge to exactly the server's state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from server.server_harness import PASSWORD, ServerUnderTest
from sqlalchemy import text

import sync.replica.sync_models  # noqa: F401  (sync tables for replicas made here)
from sync.domain.ticket_schema import TICKET_FIELDS, FieldKind
from sync.engine.session import connect, open_engine
from sync.engine.sync_round import SyncEngine, SyncReport
from sync.replica.replica import Replica, open_replica
from sync.services.article_service import ArticleService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

__all__ = ["Desk", "ManualClock", "ensure_user", "replica_snapshot", "seed_server", "server_snapshot"]

USERS = {
    "alice": ("agent", ("IT",)),
    "bob": ("agent", ("IT",)),
    "carol": ("agent", ("Facilities",)),
    "root": ("admin", ("IT", "Facilities")),
    "kim": ("knowledge_manager", ("IT",)),
    "fixture": ("agent", ("IT",)),
}


def seed_server(srv: ServerUnderTest) -> None:
    srv.add_queue("IT")
    srv.add_queue("Facilities")


def ensure_user(srv: ServerUnderTest, username: str) -> None:
    """Create one of :data:`USERS` on first use (password hashing is slow: only those needed)."""
    made: set[str] = srv.__dict__.setdefault("_sync_users", set())
    if username not in made:
        role, queues = USERS[username]
        srv.add_user(username, role=role, queues=queues, name=username.title())
        made.add(username)


class ManualClock:
    """A device clock the test moves by hand (device time is what the server must keep)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class Desk:
    path: Path
    replica: Replica
    server: ServerUnderTest
    username: str
    clock: ManualClock
    url: str

    @classmethod
    def create(
        cls, path: Path, srv: ServerUnderTest, username: str, *, connect: bool = True, url: str | None = None
    ) -> Desk:
        ensure_user(srv, username)
        clock = ManualClock()
        replica = open_replica(path, clock=clock)
        desk = cls(path, replica, srv, username, clock, url or srv.url)
        if connect:
            desk.connect()
        return desk

    def http(self, url: str | None = None, timeout: float = 10.0) -> httpx.Client:
        """One client per URL for the desk's life (making one loads the CA bundle: ~80 ms)."""
        clients: dict[tuple[str, float], httpx.Client] = self.__dict__.setdefault("_clients", {})
        key = (url or self.url, timeout)
        if key not in clients:
            clients[key] = httpx.Client(base_url=key[0], timeout=timeout)
        return clients[key]

    def connect(self, password: str = PASSWORD) -> None:
        connect(self.replica, self.url, self.username, password, http=self.http())

    def engine(self, *, url: str | None = None, timeout: float = 10.0, **kw: Any) -> SyncEngine:
        return open_engine(self.replica, http=self.http(url, timeout), **kw)

    def sync(self, **kw: Any) -> SyncReport:
        return self.engine(**kw).run_round()

    def set_up_standalone(self, name: str) -> None:
        set_up_standalone(self.replica, name=name, username=self.username)

    # -- services ---------------------------------------------------------------------------
    @property
    def tickets(self) -> TicketService:
        return TicketService(self.replica)

    @property
    def work(self) -> TicketWork:
        return TicketWork(self.replica)

    @property
    def articles(self) -> ArticleService:
        return ArticleService(self.replica)

    @property
    def directory(self) -> Directory:
        return Directory(self.replica)

    def queue(self, name: str) -> str:
        return self.directory.queue_by_name(name).id

    def person(self, username: str) -> str:
        return self.directory.find_person(username).id

    def new_ticket(self, subject: str, queue: str = "IT", **kw: Any) -> str:
        return self.tickets.create_ticket(
            NewTicket(subject=subject, queue_id=self.queue(queue), **kw)
        ).entity_id

    def pending(self) -> int:
        with self.replica.read() as s:
            return int(s.execute(text("SELECT count(*) FROM journal WHERE state = 'pending'")).scalar_one())

    def states(self) -> dict[str, int]:
        with self.replica.read() as s:
            return dict(s.execute(text("SELECT state, count(*) FROM journal GROUP BY state")).all())

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        with self.replica.read() as s:
            row = s.execute(text("SELECT * FROM tickets WHERE id = :i"), {"i": ticket_id}).mappings().one()
            return dict(row)

    def snapshot(
        self, ticket_ids: set[str] | None = None, article_ids: set[str] | None = None
    ) -> dict[str, Any]:
        return replica_snapshot(self.replica.path, ticket_ids, article_ids)

    def close(self) -> None:
        for client in self.__dict__.get("_clients", {}).values():
            client.close()
        self.replica.close()


#: The ticket fields compared as they are; of the times, those the rules set are compared
#: apart (normalised), and created/updated are left out (stamped per side).
_TICKET_COLS = tuple(f.name for f in TICKET_FIELDS if f.scalar and f.kind is not FieldKind.TIME)


def _norm_time(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value).replace("T", " ")[:26]


def replica_snapshot(
    path: Path, ticket_ids: set[str] | None = None, article_ids: set[str] | None = None
) -> dict[str, Any]:
    """The shared state as one replica holds it: tickets (+tags), comments, work logs, links, articles."""
    conn = sqlite3.connect(path)
    try:
        tickets = {}
        for row in conn.execute(
            f"SELECT {', '.join(_TICKET_COLS)}, first_response_at, resolved_at, closed_at FROM tickets"
        ):
            tickets[row[0]] = (*row[1:-3], *(_norm_time(v) for v in row[-3:]))
        tags: dict[str, list[str]] = {}
        for tid, tag in conn.execute("SELECT ticket_id, tag FROM ticket_tags ORDER BY tag"):
            tags.setdefault(tid, []).append(tag)
        return {
            "tickets": {
                k: (*v, tuple(tags.get(k, [])))
                for k, v in tickets.items()
                if ticket_ids is None or k in ticket_ids
            },
            "comments": {
                r[0]: (r[1], r[2], r[3])
                for r in conn.execute("SELECT id, ticket_id, kind, body FROM comments")
                if ticket_ids is None or r[1] in ticket_ids
            },
            "work_logs": {
                r[0]: (r[1], r[2])
                for r in conn.execute("SELECT id, ticket_id, minutes FROM work_logs")
                if ticket_ids is None or r[1] in ticket_ids
            },
            "links": sorted(
                (r[0], r[1], r[2])
                for r in conn.execute("SELECT ticket_id, other_id, kind FROM ticket_links")
                if ticket_ids is None or r[0] in ticket_ids
            ),
            "articles": {
                r[0]: tuple(r[1:])
                for r in conn.execute(
                    "SELECT id, title, body, category, tags, kind, state, revision FROM articles"
                )
                if article_ids is None or r[0] in article_ids
            },
        }
    finally:
        conn.close()


def server_snapshot(
    srv: ServerUnderTest, ticket_ids: set[str] | None = None, article_ids: set[str] | None = None
) -> dict[str, Any]:
    """The same view, read from the server's database."""
    with srv.db.engine.connect() as c:
        tickets = {}
        for row in c.execute(
            text(
                f"SELECT {', '.join(_TICKET_COLS)}, first_response_at, resolved_at, closed_at, tags "
                "FROM tickets"
            )
        ):
            r = tuple(row)
            if ticket_ids is not None and r[0] not in ticket_ids:
                continue
            tickets[r[0]] = (
                *r[1:-4],
                *(_norm_time(v) for v in r[-4:-1]),
                tuple(sorted((r[-1] or "").split())),
            )
        return {
            "tickets": {
                k: tuple(int(x) if isinstance(x, bool) else x for x in v) for k, v in tickets.items()
            },
            "comments": {
                r[0]: (r[1], r[2], r[3])
                for r in c.execute(text("SELECT id, ticket_id, kind, body FROM comments"))
                if ticket_ids is None or r[1] in ticket_ids
            },
            "work_logs": {
                r[0]: (r[1], r[2])
                for r in c.execute(text("SELECT id, ticket_id, minutes FROM work_logs"))
                if ticket_ids is None or r[1] in ticket_ids
            },
            "links": sorted(
                (r[0], r[1], r[2])
                for r in c.execute(text("SELECT ticket_id, other_id, kind FROM ticket_links"))
                if ticket_ids is None or r[0] in ticket_ids
            ),
            "articles": {
                r[0]: tuple(r[1:])
                for r in c.execute(
                    text("SELECT id, title, body, category, tags, kind, state, revision FROM articles")
                )
                if article_ids is None or r[0] in article_ids
            },
        }
