"""Who may do what, for every route and every push op, tried by every kind of caller.

Each cell of the matrix is a real request over loopback with a real token, compared with the
outcome written here. Callers: an agent of another queue (HR), an agent, a manager and a
knowledge manager of IT, an admin, a disabled user, a signed-out token and no token. Reads
are tried across queues (an IT manager asking for HR's tickets, attachments and reports).
A route or op added to the server without an entry here fails ``test_every_route_*`` and
``test_every_push_op_*``: decide who may use it, then add it.

One server per engine for the module, seeded once; cells make their own targets so they
do not depend on each other's order.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from server.server_harness import PASSWORD, Device, ServerUnderTest, iter_server
from starlette.routing import Route
from support.postgres_cluster import PostgresCluster

from sync import protocol
from sync.protocol.payloads import PAYLOAD_MODELS
from sync.server.api.app import create_app
from sync.server.db.database import open_database
from sync.server.settings import ServerSettings
from sync.sla import default_sla_config

LIVE = ("other_agent", "agent", "manager", "knowledge_manager", "admin")
DEAD = ("disabled", "signed_out", "no_token")
ROLES = LIVE + DEAD
USERNAMES = {
    "other_agent": "hal",
    "agent": "ana",
    "manager": "meg",
    "knowledge_manager": "kim",
    "admin": "root",
    "disabled": "dora",
    "signed_out": "sam",
    "no_token": "nobody",
}
Outcome = str
Expect = dict[str, Outcome]


def everyone(outcome: Outcome) -> Expect:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome, **exceptions: Outcome) -> Expect:
    """``outcome`` for every live role (``exceptions`` by role), 401 without a valid token."""
    return {**dict.fromkeys(LIVE, outcome), **dict.fromkeys(DEAD, "401"), **exceptions}


def admins_only() -> Expect:
    return signed_in("403", admin="ok")


# --- the world: one seeded server -------------------------------------------------------------


@dataclass
class World:
    server: ServerUnderTest
    devices: dict[str, Device]
    admin: Device
    author: Device
    queues: dict[str, str]
    tickets: dict[str, str]  # "IT"/"HR" -> an unassigned ticket in that queue
    blobs: dict[str, str]  # "IT"/"HR" -> sha256 of a file attached to that queue's ticket

    def fresh(self, username: str) -> Device:
        return self.server.device(username)

    def ticket(self, queue: str = "IT") -> str:
        create = self.admin.new_ticket(self.queues[queue], f"{queue} ticket")
        assert self.admin.push_ok(create)[0]["status"] == "applied"
        return str(create["entity_id"])

    def attach(self, dev: Device, ticket_id: str, data: bytes) -> dict[str, Any]:
        sha = hashlib.sha256(data).hexdigest()
        dev.http.put(f"/v1/blobs/{sha}/upload", params={"offset": 0, "size": len(data)}, content=data)
        attachment = {
            "id": str(uuid.uuid4()),
            "ticket_id": ticket_id,
            "sha256": sha,
            "filename": "notes.txt",
            "size": len(data),
            "mime_type": "text/plain",
            "added_at": dev.clock.isoformat(),
        }
        return dev.mutation("ticket.attach", "ticket", ticket_id, {"attachment": attachment})

    def draft(self) -> str:
        article = {
            "id": str(uuid.uuid4()),
            "title": "Map a network drive",
            "body": "Steps",
            "created_at": self.author.clock.isoformat(),
        }
        create = self.author.mutation("article.create", "article", article["id"], {"article": article})
        assert self.author.push_ok(create)[0]["status"] == "applied"
        return article["id"]

    def location(self) -> str:
        """A fresh, empty location, made by the admin."""
        loc = {"id": str(uuid.uuid4()), "name": "Plant room", "created_at": self.admin.clock.isoformat()}
        create = self.admin.mutation("location.create", "location", loc["id"], {"location": loc})
        assert self.admin.push_ok(create)[0]["status"] == "applied"
        return loc["id"]

    def asset(self) -> str:
        """A fresh asset with a unique tag, made by the admin."""
        asset = _asset_fields(self.admin)
        create = self.admin.mutation("asset.create", "asset", asset["id"], {"asset": asset})
        assert self.admin.push_ok(create)[0]["status"] == "applied"
        return asset["id"]


def _asset_fields(d: Device) -> dict[str, Any]:
    tag = f"AST-{uuid.uuid4().hex[:10]}"
    return {"id": str(uuid.uuid4()), "tag": tag, "name": "Laptop", "created_at": d.clock.isoformat()}


def _seed(server: ServerUnderTest) -> World:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("hal", queues=("HR",))
    server.add_user("ana", queues=("IT",))
    server.add_user("meg", role="manager", queues=("IT",))
    server.add_user("kim", role="knowledge_manager", queues=("IT",))
    server.add_user("root", role="admin")
    server.add_user("author", queues=("IT",))
    server.add_user("spare", queues=("HR",))
    for role in ROLES:
        server.add_user(f"victim-{role.replace('_', '-')}", queues=("IT",))
    for name in ("dora", "sam", "nobody"):
        server.add_user(name, queues=("IT",))
    devices = {role: server.device(USERNAMES[role]) for role in ROLES}
    admin = devices["admin"]
    assert admin.http.post("/v1/admin/users/dora/disable").status_code == 204
    assert devices["signed_out"].http.delete("/v1/session").status_code == 204
    del devices["no_token"].http.headers["Authorization"]
    world = World(server, devices, admin, server.device("author"), {"IT": it, "HR": hr}, {}, {})
    for queue in ("IT", "HR"):
        world.tickets[queue] = world.ticket(queue)
        data = f"{queue} attachment {uuid.uuid4()}".encode()
        assert admin.push_ok(world.attach(admin, world.tickets[queue], data))[0]["status"] == "applied"
        world.blobs[queue] = hashlib.sha256(data).hexdigest()
    return world


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield from _serve(f"sqlite:///{Path(tmp) / 'server.db'}")
        return
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    name = f"matrix_{uuid.uuid4().hex}"
    cluster.create_database(name)
    try:
        yield from _serve(cluster.database_url(name))
    finally:
        cluster.drop_database(name)


def _serve(url: str) -> Iterator[World]:
    for server in iter_server(url):
        world = _seed(server)
        yield world
        for dev in [*world.devices.values(), world.author]:
            dev.close()


# --- probes: one request (or a few) per cell, reduced to an outcome ---------------------------


def _status(r: httpx.Response) -> Outcome:
    return "ok" if 200 <= r.status_code < 300 else str(r.status_code)


def _per_queue(answers: dict[str, httpx.Response]) -> Outcome:
    statuses = {_status(r) for r in answers.values()}
    if statuses == {"401"}:
        return "401"
    return " ".join(f"{queue}:{_status(r)}" for queue, r in answers.items())


def _pull_scope(w: World, dev: Device) -> Outcome:
    first = dev.pull(None)
    if first.status_code != 200:
        return str(first.status_code)
    dev.cursor = None
    text = json.dumps(dev.pull_all())
    seen = [queue for queue, ticket in w.tickets.items() if ticket in text]
    return "sees " + ("+".join(seen) or "nothing")


def _sign_out_fresh(w: World, role: str, dev: Device) -> Outcome:
    if role in DEAD:
        return _status(dev.http.delete("/v1/session"))
    fresh = w.fresh(USERNAMES[role])
    outcome = _status(fresh.http.delete("/v1/session"))
    fresh.close()
    return outcome


def _sign_in(w: World, role: str) -> Outcome:
    with w.server.http() as http:
        body = {"username": USERNAMES[role], "password": PASSWORD, "client_id": str(uuid.uuid4())}
        if role == "no_token":
            body["password"] = "not the password"
        return _status(http.post("/v1/session", json=body))


Probe = Callable[[World, str, Device], Outcome]
SHA = "{sha256}"


@dataclass(frozen=True)
class Cell:
    probe: Probe
    expect: Expect


def _fresh_sha(tag: str) -> tuple[str, bytes]:
    data = f"upload by {tag} {uuid.uuid4()}".encode()
    return hashlib.sha256(data).hexdigest(), data


def _upload(w: World, role: str, dev: Device) -> Outcome:
    sha, data = _fresh_sha(role)
    return _status(
        dev.http.put(f"/v1/blobs/{sha}/upload", params={"offset": 0, "size": len(data)}, content=data)
    )


def _revoke_a_device(w: World, role: str, dev: Device) -> Outcome:
    """Try to revoke a colleague's device (a fresh sign-in of ``spare``, so no cell's own
    device is ever revoked)."""
    victim = w.fresh("spare")
    try:
        return _status(dev.http.post(f"/v1/admin/devices/{victim.client_id}/revoke"))
    finally:
        victim.close()


ROUTES: dict[tuple[str, str], Cell] = {
    ("GET", "/healthz"): Cell(lambda w, r, d: _status(d.http.get("/healthz")), everyone("ok")),
    ("GET", "/openapi.json"): Cell(lambda w, r, d: _status(d.http.get("/openapi.json")), everyone("ok")),
    ("GET", "/docs"): Cell(lambda w, r, d: _status(d.http.get("/docs")), everyone("ok")),
    ("GET", "/docs/oauth2-redirect"): Cell(
        lambda w, r, d: _status(d.http.get("/docs/oauth2-redirect")), everyone("ok")
    ),
    ("GET", "/redoc"): Cell(lambda w, r, d: _status(d.http.get("/redoc")), everyone("ok")),
    ("GET", "/v1/hello"): Cell(lambda w, r, d: _status(d.http.get("/v1/hello")), everyone("ok")),
    ("POST", "/v1/session"): Cell(
        lambda w, r, d: _sign_in(w, r), {**everyone("ok"), "disabled": "401", "no_token": "401"}
    ),
    ("DELETE", "/v1/session"): Cell(_sign_out_fresh, signed_in("ok")),
    ("GET", "/v1/me"): Cell(lambda w, r, d: _status(d.http.get("/v1/me")), signed_in("ok")),
    ("POST", "/v1/push"): Cell(lambda w, r, d: _status(d.push()), signed_in("ok")),
    ("POST", "/v1/pull"): Cell(
        lambda w, r, d: _pull_scope(w, d), signed_in("sees IT", other_agent="sees HR", admin="sees IT+HR")
    ),
    ("GET", f"/v1/blobs/{SHA}/upload"): Cell(
        lambda w, r, d: _status(d.http.get(f"/v1/blobs/{_fresh_sha(r)[0]}/upload")), signed_in("ok")
    ),
    ("PUT", f"/v1/blobs/{SHA}/upload"): Cell(_upload, signed_in("ok")),
    ("GET", f"/v1/blobs/{SHA}"): Cell(
        lambda w, r, d: _per_queue({q: d.http.get(f"/v1/blobs/{sha}") for q, sha in w.blobs.items()}),
        signed_in("IT:ok HR:404", other_agent="IT:404 HR:ok", admin="IT:ok HR:ok"),
    ),
    ("POST", "/v1/changes"): Cell(
        lambda w, r, d: _status(d.http.post("/v1/changes", json={"cursor": "not-a-cursor", "wait": 0})),
        signed_in("ok"),
    ),
    ("GET", "/v1/reports/{name}"): Cell(
        lambda w, r, d: _status(
            d.http.get("/v1/reports/summary", params={"from": "2026-01-01", "to": "2026-01-31"})
        ),
        signed_in("403", manager="ok", admin="ok"),
    ),
    ("GET", "/v1/reports/queues/{queue_id}"): Cell(
        lambda w, r, d: _per_queue(
            {q: d.http.get(f"/v1/reports/queues/{qid}") for q, qid in w.queues.items()}
        ),
        signed_in("IT:403 HR:403", manager="IT:ok HR:403", admin="IT:ok HR:ok"),
    ),
    ("GET", "/v1/admin/users"): Cell(lambda w, r, d: _status(d.http.get("/v1/admin/users")), admins_only()),
    ("POST", "/v1/admin/users"): Cell(
        lambda w, r, d: _status(
            d.http.post(
                "/v1/admin/users", json={"username": f"new-{uuid.uuid4().hex[:8]}", "password": PASSWORD}
            )
        ),
        admins_only(),
    ),
    ("POST", "/v1/admin/users/{username}/disable"): Cell(
        lambda w, r, d: _status(d.http.post(f"/v1/admin/users/victim-{r.replace('_', '-')}/disable")),
        admins_only(),
    ),
    ("POST", "/v1/admin/devices/{client_id}/revoke"): Cell(_revoke_a_device, admins_only()),
    ("PUT", "/v1/admin/users/{username}/queues"): Cell(
        lambda w, r, d: _status(d.http.put("/v1/admin/users/spare/queues", json={"queues": ["HR"]})),
        admins_only(),
    ),
    ("POST", "/v1/admin/queues"): Cell(
        lambda w, r, d: _status(
            d.http.post("/v1/admin/queues", json={"name": f"Queue {uuid.uuid4().hex[:8]}"})
        ),
        admins_only(),
    ),
    ("GET", "/v1/admin/settings"): Cell(
        lambda w, r, d: _status(d.http.get("/v1/admin/settings")), admins_only()
    ),
    ("PUT", "/v1/admin/settings"): Cell(
        lambda w, r, d: _status(d.http.put("/v1/admin/settings", json={"token_lifetime_days": 30})),
        admins_only(),
    ),
}


# --- push ops: each role pushes one mutation at a fresh target in IT --------------------------


def _outcome(r: httpx.Response) -> Outcome:
    if r.status_code != 200:
        return str(r.status_code)
    [o] = r.json()["outcomes"]
    return "applied" if o["status"] == "applied" else f"{o['status']}:{o['kind']}"


def _on_ticket(build: Callable[[World, Device, str], dict[str, Any]]) -> Callable[[World, Device], Outcome]:
    """The op on a fresh IT ticket and on a fresh HR ticket: "IT:<outcome> HR:<outcome>"."""

    def probe(w: World, d: Device) -> Outcome:
        outcomes = {q: _outcome(d.push(build(w, d, w.ticket(q)))) for q in ("IT", "HR")}
        if set(outcomes.values()) == {"401"}:
            return "401"
        return " ".join(f"{q}:{o}" for q, o in outcomes.items())

    return probe


def _two_tickets(op: str) -> Callable[[World, Device], Outcome]:
    def probe(w: World, d: Device) -> Outcome:
        first, second = w.ticket("IT"), w.ticket("IT")
        if op == "ticket.merge":
            payload: dict[str, Any] = {"source_id": first, "target_id": second}
        else:
            link = {"id": str(uuid.uuid4()), "ticket_id": first, "other_id": second, "kind": "related"}
            payload = {"link": {**link, "created_at": d.clock.isoformat()}}
        return _outcome(d.push(d.mutation(op, "ticket", first, payload)))

    return probe


def _notify(w: World, d: Device, ticket_id: str) -> dict[str, Any]:
    note = {
        "id": str(uuid.uuid4()),
        "ticket_id": ticket_id,
        "recipient_ids": [w.author.user_id],
        "message": "Escalated",
        "created_at": d.clock.isoformat(),
    }
    return d.mutation("ticket.notify", "ticket", ticket_id, {"notification": note})


def _article_create(w: World, d: Device) -> Outcome:
    article = {"id": str(uuid.uuid4()), "title": "Printer FAQ", "created_at": d.clock.isoformat()}
    return _outcome(d.push(d.mutation("article.create", "article", article["id"], {"article": article})))


def _article_op(op: str) -> Callable[[World, Device], Outcome]:
    def probe(w: World, d: Device) -> Outcome:
        article_id = w.draft()  # someone else's draft
        if op == "article.update":
            payload: dict[str, Any] = {
                "article_id": article_id,
                "changes": {"body": "New"},
                "base_revision": 1,
            }
        else:
            payload = {"article_id": article_id, "state": "published"}
        return _outcome(d.push(d.mutation(op, "article", article_id, payload)))

    return probe


def _queue_create(w: World, d: Device) -> Outcome:
    queue = {"id": str(uuid.uuid4()), "name": f"Sync queue {uuid.uuid4().hex[:8]}"}
    return _outcome(d.push(d.mutation("queue.create", "queue", queue["id"], {"queue": queue})))


def _config_sla(w: World, d: Device) -> Outcome:
    document = default_sla_config().to_dict()
    return _outcome(d.push(d.mutation("config.sla", "config", "sla", {"document": document})))


def _person_create(w: World, d: Device) -> Outcome:
    person = {"id": str(uuid.uuid4()), "name": "Rita Requester", "email": "rita@example.org"}
    return _outcome(d.push(d.mutation("person.create", "person", person["id"], {"person": person})))


def _location_create(w: World, d: Device) -> Outcome:
    loc = {"id": str(uuid.uuid4()), "name": "Boiler house", "created_at": d.clock.isoformat()}
    return _outcome(d.push(d.mutation("location.create", "location", loc["id"], {"location": loc})))


def _asset_create(w: World, d: Device) -> Outcome:
    asset = _asset_fields(d)
    return _outcome(d.push(d.mutation("asset.create", "asset", asset["id"], {"asset": asset})))


def _register_op(op: str) -> Callable[[World, Device], Outcome]:
    """Edit or delete a fresh location, or edit a fresh asset (someone else's record)."""

    def probe(w: World, d: Device) -> Outcome:
        if op == "asset.update":
            asset_id = w.asset()
            payload: dict[str, Any] = {"asset_id": asset_id, "changes": {"status": "spare"}, "base": {}}
            return _outcome(d.push(d.mutation(op, "asset", asset_id, payload)))
        location_id = w.location()
        if op == "location.update":
            payload = {"location_id": location_id, "changes": {"name": "Plant room B"}, "base": {}}
        else:
            payload = {"location_id": location_id}
        return _outcome(d.push(d.mutation(op, "location", location_id, payload)))

    return probe


def _link_asset(w: World, d: Device, ticket_id: str) -> dict[str, Any]:
    payload = {"ticket_id": ticket_id, "asset_id": w.asset()}
    return d.mutation("ticket.link_asset", "ticket", ticket_id, payload)


def _set_location(w: World, d: Device, ticket_id: str) -> dict[str, Any]:
    payload = {"ticket_id": ticket_id, "location_id": w.location(), "location_name": "Plant room"}
    return d.mutation("ticket.set_location", "ticket", ticket_id, payload)


#: Work on a ticket: allowed in the caller's queues (all for an admin), "not found" elsewhere.
TICKET_WORK = signed_in(
    "IT:applied HR:rejected:not_found",
    other_agent="IT:rejected:not_found HR:applied",
    admin="IT:applied HR:applied",
)
TWO_TICKETS = signed_in("applied", other_agent="rejected:not_found")
CURATORS = signed_in("rejected:forbidden", knowledge_manager="applied", admin="applied")
#: The asset register: every agent reads it; managers and admins (and flagged agents) change it.
ASSET_MANAGERS = signed_in("rejected:forbidden", manager="applied", admin="applied")

OPS: dict[str, tuple[Callable[[World, Device], Outcome], Expect]] = {
    "ticket.create": (
        lambda w, d: _outcome(d.push(d.new_ticket(w.queues["IT"], "Monitor flickers"))),
        signed_in("applied", other_agent="rejected:forbidden"),
    ),
    "ticket.update": (
        _on_ticket(lambda w, d, t: d.update(t, {"subject": "Renamed"}, {"subject": "IT ticket"})),
        TICKET_WORK,
    ),
    "ticket.comment": (_on_ticket(lambda w, d, t: d.comment(t, "Checked the cable")), TICKET_WORK),
    "ticket.work_log": (_on_ticket(lambda w, d, t: d.work_log(t, 20)), TICKET_WORK),
    "ticket.attach": (
        _on_ticket(lambda w, d, t: w.attach(d, t, f"log by {d.user_id} {uuid.uuid4()}".encode())),
        TICKET_WORK,
    ),
    "ticket.merge": (_two_tickets("ticket.merge"), TWO_TICKETS),
    "ticket.link": (_two_tickets("ticket.link"), TWO_TICKETS),
    "ticket.notify": (_on_ticket(_notify), TICKET_WORK),
    "article.create": (_article_create, signed_in("applied")),
    "article.update": (_article_op("article.update"), CURATORS),
    "article.set_state": (_article_op("article.set_state"), CURATORS),
    "queue.create": (_queue_create, signed_in("rejected:forbidden", admin="applied")),
    "person.create": (_person_create, signed_in("applied")),
    "location.create": (_location_create, ASSET_MANAGERS),
    "location.update": (_register_op("location.update"), ASSET_MANAGERS),
    "location.delete": (_register_op("location.delete"), ASSET_MANAGERS),
    "asset.create": (_asset_create, ASSET_MANAGERS),
    "asset.update": (_register_op("asset.update"), ASSET_MANAGERS),
    "ticket.link_asset": (_on_ticket(_link_asset), TICKET_WORK),
    "ticket.set_location": (_on_ticket(_set_location), TICKET_WORK),
    "config.sla": (_config_sla, signed_in("rejected:forbidden", admin="applied")),
}


# --- completeness ------------------------------------------------------------------------------


def _served_routes() -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, HEAD aside (Starlette adds it to GETs)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/server.db")
        try:
            app = create_app(ServerSettings(database_url="sqlite://"), db)
            spec = app.openapi()
        finally:
            db.dispose()
    served = {(m.upper(), path) for path, ops in spec["paths"].items() for m in ops}

    def walk(routes: list[Any]) -> None:
        for route in routes:
            nested = getattr(route, "original_router", None)  # FastAPI's included routers
            if nested is not None:
                walk(nested.routes)
            elif isinstance(route, (APIRoute, Route)):
                served.update((m, route.path) for m in (route.methods or ()) if m != "HEAD")

    walk(app.routes)
    # The requester portal signs people in with its own session cookie, not an agent's token:
    # its authorization (own tickets only, published articles only, CSRF) is tested route by
    # route in tests/server/test_portal.py and test_portal_hardening.py.
    return {(m, path) for m, path in served if not path.startswith("/portal")}


def test_every_route_the_server_serves_has_an_entry() -> None:
    served = _served_routes()
    assert served - ROUTES.keys() == set(), "routes without an authorization entry: add them to ROUTES"
    assert ROUTES.keys() - served == set(), "entries for routes the server no longer serves"


def test_every_push_op_has_an_entry() -> None:
    assert set(OPS) == set(PAYLOAD_MODELS) == set(protocol.PAYLOAD_VERSIONS)


def test_every_entry_names_every_role() -> None:
    for key, cell in ROUTES.items():
        assert set(cell.expect) == set(ROLES), key
    for op, (_, expect) in OPS.items():
        assert set(expect) == set(ROLES), op


# --- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", list(ROUTES), ids=[f"{m} {p}" for m, p in ROUTES])
def test_route(world: World, route: tuple[str, str]) -> None:
    cell = ROUTES[route]
    got = {role: cell.probe(world, role, world.devices[role]) for role in ROLES}
    assert got == cell.expect


@pytest.mark.parametrize("op", list(OPS))
def test_push_op(world: World, op: str) -> None:
    probe, expect = OPS[op]
    got = {role: probe(world, world.devices[role]) for role in ROLES}
    assert got == expect
