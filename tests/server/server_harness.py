"""Test support for the server: a real uvicorn server on loopback, and simulated clients.

``ServerUnderTest`` is a migrated database plus a running server thread. ``Device`` is a
simulated replica: it holds a client id, a bearer token and a journal that numbers its
mutations from 1, and talks to the server over real HTTP (httpx, gzip on).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from support.migrated_template import clone_migrated

from sync import protocol
from sync.domain.ticket_schema import TICKET_FIELDS
from sync.server.admin import admin_service
from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.serve import ServerThread
from sync.server.settings import ServerSettings

PASSWORD = "correct horse battery"
PROTO = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}


@dataclass
class ServerUnderTest:
    url: str
    db: Database
    thread: ServerThread
    queues: dict[str, str] = field(default_factory=dict)

    def add_queue(self, name: str) -> str:
        self.queues[name] = admin_service.add_queue(self.db, name)
        return self.queues[name]

    def add_user(self, username: str, role: str = "agent", queues: tuple[str, ...] = (), **kw: Any) -> str:
        return admin_service.add_user(self.db, username, role=role, password=PASSWORD, queues=queues, **kw)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=PROTO, timeout=30)

    def device(self, username: str, password: str = PASSWORD) -> Device:
        return Device.sign_in(self, username, password)


def start_server(url: str) -> ServerUnderTest:
    clone_migrated(url)  # an empty database starts as a copy of one migrated once (much faster)
    db = open_database(url, pool_size=10)
    migration.upgrade(db)
    thread = ServerThread(ServerSettings(database_url=url, host="127.0.0.1", port=0), db).start()
    return ServerUnderTest(thread.url, db, thread)


def iter_server(url: str) -> Iterator[ServerUnderTest]:
    srv = start_server(url)
    try:
        yield srv
    finally:
        srv.thread.stop()
        srv.db.dispose()


class Device:
    """A simulated replica signed in as one user."""

    def __init__(
        self, server: ServerUnderTest, http: httpx.Client, client_id: str, body: dict[str, Any]
    ) -> None:
        self.server = server
        self.http = http
        self.client_id = client_id
        self.user_id: str = body["user"]["user_id"]
        self.token: str = body["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        self.seq = 0
        self.cursor: str | None = None
        self.clock = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    @classmethod
    def sign_in(
        cls, server: ServerUnderTest, username: str, password: str, client_id: str | None = None
    ) -> Device:
        http = server.http()
        client_id = client_id or str(uuid.uuid4())
        r = http.post(
            "/v1/session", json={"username": username, "password": password, "client_id": client_id}
        )
        assert r.status_code == 200, r.text
        return cls(server, http, client_id, r.json())

    # -- journal ---------------------------------------------------------------------------
    def now(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def mutation(self, op: str, entity_type: str, entity_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "seq": self.seq,
            "id": str(uuid.uuid4()),
            "op": op,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "payload": payload,
            "device_time": self.now().isoformat(),
            "actor_id": self.user_id,
        }

    def new_ticket(self, queue_id: str, subject: str = "Printer jammed", **fields: Any) -> dict[str, Any]:
        ticket_id = str(uuid.uuid4())
        now = self.clock.isoformat()
        # Every field of the schema at its default (a client sends them all), then the test's.
        ticket: dict[str, Any] = {f.name: f.default for f in TICKET_FIELDS}
        ticket.update(
            id=ticket_id,
            subject=subject,
            queue_id=queue_id,
            created_at=now,
            updated_at=now,
            local_number=self.seq + 1,
            tags=[],
        )
        ticket.update(fields)
        return self.mutation("ticket.create", "ticket", ticket_id, {"ticket": ticket})

    def update(
        self, ticket_id: str, changes: dict[str, Any], base: dict[str, Any], reason: str = ""
    ) -> dict[str, Any]:
        payload = {
            "ticket_id": ticket_id,
            "changes": changes,
            "base": base,
            "base_version": 0,
            "reason": reason,
        }
        return self.mutation("ticket.update", "ticket", ticket_id, payload)

    def comment(self, ticket_id: str, body: str = "On my way", kind: str = "note") -> dict[str, Any]:
        comment = {
            "id": str(uuid.uuid4()),
            "ticket_id": ticket_id,
            "kind": kind,
            "author_id": self.user_id,
            "from_requester": False,
            "body": body,
            "created_at": self.clock.isoformat(),
        }
        return self.mutation("ticket.comment", "ticket", ticket_id, {"comment": comment})

    def work_log(self, ticket_id: str, minutes: int = 30) -> dict[str, Any]:
        entry = {
            "id": str(uuid.uuid4()),
            "ticket_id": ticket_id,
            "author_id": self.user_id,
            "minutes": minutes,
            "travel_minutes": 0,
            "note": "",
            "parts": "",
            "logged_at": self.clock.isoformat(),
        }
        return self.mutation("ticket.work_log", "ticket", ticket_id, {"entry": entry})

    # -- protocol --------------------------------------------------------------------------
    def push(self, *mutations: dict[str, Any]) -> httpx.Response:
        return self.http.post("/v1/push", json={"client_id": self.client_id, "mutations": list(mutations)})

    def push_ok(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.push(*mutations)
        assert r.status_code == 200, r.text
        outcomes: list[dict[str, Any]] = r.json()["outcomes"]
        return outcomes

    def pull(self, cursor: str | None = None, limit: int = 2000) -> httpx.Response:
        return self.http.post("/v1/pull", json={"cursor": cursor, "limit": limit})

    def pull_all(self, limit: int = 2000) -> list[dict[str, Any]]:
        """Pull pages from this device's cursor until caught up; return the pages."""
        pages = []
        while True:
            r = self.pull(self.cursor, limit)
            assert r.status_code == 200, r.text
            page = r.json()
            protocol.PullResponse.model_validate(page)
            pages.append(page)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return pages

    def close(self) -> None:
        self.http.close()
