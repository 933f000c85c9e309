"""Sign-in, tokens and throttling, including across two server processes on one database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from server.server_harness import PASSWORD, PROTO, Device, ServerUnderTest, start_server
from sqlalchemy import select, update

from sync.server.admin import admin_service
from sync.server.admin.credentials import hash_token, new_token
from sync.server.db.state_models import AuthToken


def _sign_in(server_url: str, username: str, password: str) -> int:
    with httpx.Client(base_url=server_url, headers=PROTO) as h:
        r = h.post(
            "/v1/session", json={"username": username, "password": password, "client_id": str(uuid.uuid4())}
        )
        return r.status_code


def test_sign_in_returns_a_token_stored_only_as_a_hash(server: ServerUnderTest) -> None:
    server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    dev = server.device("ANA")  # user names are case-insensitive
    me = dev.http.get("/v1/me").json()
    assert me["username"] == "ana" and me["role"] == "agent" and me["queue_ids"] == [server.queues["IT"]]
    with server.db.snapshot_session() as s:
        hashes = list(s.execute(select(AuthToken.token_hash)).scalars())
    assert dev.token not in hashes and len(hashes) == 1


def test_wrong_password_unknown_user_and_disabled_user_look_the_same(server: ServerUnderTest) -> None:
    server.add_user("ana")
    server.add_user("old")
    admin_service.disable_user(server.db, "old")
    assert _sign_in(server.url, "ana", "wrong password") == 401
    assert _sign_in(server.url, "nobody", PASSWORD) == 401
    assert _sign_in(server.url, "old", PASSWORD) == 401


def test_sign_out_expiry_and_disabling_end_a_token(server: ServerUnderTest) -> None:
    server.add_user("ana")
    server.add_user("bob")
    server.add_user("cy")
    ana, bob, cy = server.device("ana"), server.device("bob"), server.device("cy")
    assert ana.http.delete("/v1/session").status_code == 204
    r = ana.http.get("/v1/me")
    assert r.status_code == 401 and r.json()["kind"] == "sign_in"
    with server.db.write_session() as s:
        s.execute(
            update(AuthToken)
            .where(AuthToken.person_id == bob.user_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert bob.http.get("/v1/me").status_code == 401
    assert cy.http.get("/v1/me").status_code == 200
    admin_service.disable_user(server.db, "cy")
    assert cy.http.get("/v1/me").status_code == 401


def test_failed_sign_ins_are_throttled_across_server_processes(server: ServerUnderTest, db_url: str) -> None:
    server.add_user("ana")
    second = start_server(db_url)  # another process behind the same load balancer
    try:
        urls = [server.url, second.url]
        codes = [_sign_in(urls[i % 2], "ana", f"guess {i}") for i in range(5)]
        assert codes == [401] * 5
        # the sixth attempt is refused on either process, even with the right password
        for url in urls:
            with httpx.Client(base_url=url, headers=PROTO) as h:
                r = h.post("/v1/session", json={"username": "ana", "password": PASSWORD, "client_id": "c"})
                assert r.status_code == 429 and r.json()["kind"] == "rate_limited"
                assert int(r.headers["Retry-After"]) > 0
        assert _sign_in(server.url, "bob-does-not-exist", "x" * 8) == 401  # other names unaffected
    finally:
        second.thread.stop()
        second.db.dispose()


def test_a_device_bound_to_one_user_cannot_be_signed_in_as_another(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    server.add_user("bob", queues=("IT",))
    ana = server.device("ana")
    ana.push_ok(ana.new_ticket(it))
    with server.http() as h:  # same replica id, other user, right password
        r = h.post("/v1/session", json={"username": "bob", "password": PASSWORD, "client_id": ana.client_id})
    assert r.status_code == 409 and r.json()["kind"] == "client_mismatch"
    assert "token" not in r.json()
    assert ana.push_ok(ana.new_ticket(it))[0]["status"] == "applied"  # ana's device is untouched


def test_another_users_device_id_reveals_nothing_about_that_device(server: ServerUnderTest) -> None:
    """The probe: sign in with a colleague's client_id (tickets carry it as origin_client_id),
    push nothing, and read that device's ``last_seq``. Now the sign-in is refused with one
    fixed answer, the same for a busy device and an idle one."""
    it = server.add_queue("IT")
    for name in ("ana", "cy", "mallory"):
        server.add_user(name, queues=("IT",))
    ana = Device.sign_in(server, "ana", PASSWORD)
    ana.push_ok(*[ana.new_ticket(it, f"t{i}") for i in range(3)])
    cy = Device.sign_in(server, "cy", PASSWORD)  # never pushed
    answers = []
    for victim in (ana, cy):
        with server.http() as h:
            r = h.post(
                "/v1/session",
                json={
                    "username": "mallory",
                    "password": PASSWORD,
                    "client_id": victim.client_id,
                    "device_name": "mallory-pc",
                },
            )
        assert r.status_code == 409, r.text
        headers = sorted(k for k in r.headers if k not in {"date", "server-timing"})
        answers.append((r.status_code, r.json(), headers))
        assert victim.user_id not in r.text and "ana" not in r.text.lower().split()
    assert answers[0] == answers[1]
    with server.http() as h:  # and no token was issued that could push (and read last_seq)
        r = h.post("/v1/push", json={"client_id": ana.client_id, "mutations": []})
    assert r.status_code == 401


def test_a_token_bound_to_another_users_device_cannot_read_its_position(server: ServerUnderTest) -> None:
    """A token issued before sign-in refused foreign device ids still cannot read last_seq."""
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    mallory_id = server.add_user("mallory", queues=("IT",))
    ana = server.device("ana")
    ana.push_ok(*[ana.new_ticket(it, f"t{i}") for i in range(3)])
    token = new_token()
    now = datetime.now(UTC)
    with server.db.write_session() as s:  # what the old server handed out
        s.add(
            AuthToken(
                token_hash=hash_token(token),
                person_id=mallory_id,
                client_id=ana.client_id,
                created_at=now,
                expires_at=now + timedelta(days=1),
                revoked_at=None,
            )
        )
    with server.http() as h:
        r = h.post(
            "/v1/push",
            json={"client_id": ana.client_id, "mutations": []},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 409 and r.json()["kind"] == "client_mismatch"
    assert "last_seq" not in r.text
