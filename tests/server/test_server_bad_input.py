"""Bad input gets a clear 4xx, never a 500 and never a partial write; versions are negotiated."""

from __future__ import annotations

import uuid

import httpx
import pytest
from server.server_harness import PROTO, Device, ServerUnderTest
from sqlalchemy import func, select

from sync import protocol
from sync.server.db.models import Ticket


@pytest.fixture
def ana(server: ServerUnderTest) -> Device:
    server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    return server.device("ana")


def _tickets(server: ServerUnderTest) -> int:
    with server.db.snapshot_session() as s:
        return int(s.execute(select(func.count()).select_from(Ticket)).scalar_one())


def test_malformed_requests_are_4xx_with_a_message(server: ServerUnderTest, ana: Device) -> None:
    h = ana.http
    cases = [
        h.post("/v1/push", content=b"{not json", headers={"Content-Type": "application/json"}),
        h.post("/v1/push", json={"client_id": ana.client_id, "mutations": "all of them"}),
        h.post("/v1/push", json={"client_id": ana.client_id, "mutations": [], "extra": 1}),
        h.post("/v1/push", json={"client_id": 5, "mutations": []}),
        h.post("/v1/push", json=[1, 2, 3]),
        h.post("/v1/pull", json={"cursor": None, "limit": "100"}),
        h.post("/v1/pull", json={"cursor": None, "limit": 10**9}),
        h.post("/v1/pull", json={"cursor": "x" * 10_000}),
        h.post("/v1/push", json={"client_id": ana.client_id, "mutations": [{"seq": 0}]}),
        h.post("/v1/session", json={"username": "ana"}),
        h.get("/v1/blobs/not-a-sha"),
        h.put(f"/v1/blobs/{'a' * 64}/upload", params={"offset": -1, "size": 1}, content=b"x"),
        h.get("/v1/nothing-here"),
        h.delete("/v1/push"),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text)
        body = r.json()
        assert body["kind"] and body["message"], body
    assert cases[0].status_code == 400 and "JSON" in cases[0].json()["message"]
    assert _tickets(server) == 0


def test_a_huge_body_is_refused_with_413(server: ServerUnderTest, ana: Device) -> None:
    huge = b'{"client_id": "' + b"x" * (40 * 1024 * 1024) + b'"}'
    r = ana.http.post("/v1/push", content=huge, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["kind"] == "too_large"

    def chunks() -> object:
        for _ in range(40):
            yield b"x" * (1024 * 1024)

    r = ana.http.post("/v1/push", content=chunks(), headers={"Content-Type": "application/json"})  # type: ignore[arg-type]
    assert r.status_code == 413


def test_sql_and_html_in_text_are_stored_verbatim(server: ServerUnderTest, ana: Device) -> None:
    it = server.queues["IT"]
    nasty = "Robert'); DROP TABLE tickets;-- <script>alert(1)</script>"
    ana.push_ok(ana.new_ticket(it, nasty, description="<img src=x onerror=alert(1)>"))
    [page] = ana.pull_all()
    assert page["records"]["tickets"][0]["subject"] == nasty
    assert _tickets(server) == 1


def test_too_old_and_too_new_clients_are_told_clearly(server: ServerUnderTest, ana: Device) -> None:
    auth = {"Authorization": ana.http.headers["Authorization"]}
    with httpx.Client(base_url=server.url, timeout=10) as h:
        old = h.post("/v1/pull", json={}, headers={**auth, protocol.PROTOCOL_HEADER: "0"})
        new = h.post("/v1/pull", json={}, headers={**auth, protocol.PROTOCOL_HEADER: "999"})
        missing = h.post("/v1/pull", json={}, headers=auth)
        ok = h.post("/v1/pull", json={}, headers={**auth, **PROTO})
    assert old.status_code == 426 and old.json()["kind"] == "upgrade_app"
    assert "upgrade" in old.json()["message"].lower()
    assert new.status_code == 400 and new.json()["kind"] == "upgrade_server"
    assert missing.status_code == 400
    assert ok.status_code == 200 and ok.headers[protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL_VERSION)


def test_hello_healthz_and_openapi(server: ServerUnderTest) -> None:
    with server.http() as h:
        hello = protocol.ServerInfo.model_validate(h.get("/v1/hello").json())
        assert hello.protocol_max == protocol.PROTOCOL_VERSION
        health = h.get("/healthz")
        assert health.status_code == 200 and health.json()["migrations"] == "current"
        spec = h.get("/openapi.json").json()
    for path in (
        "/v1/push",
        "/v1/pull",
        "/v1/session",
        "/v1/blobs/{sha256}/upload",
        "/v1/admin/users",
        "/healthz",
    ):
        assert path in spec["paths"], path


def test_push_of_another_devices_client_id_is_refused(server: ServerUnderTest, ana: Device) -> None:
    r = ana.http.post("/v1/push", json={"client_id": str(uuid.uuid4()), "mutations": []})
    assert r.status_code == 409 and r.json()["kind"] == "client_mismatch"
