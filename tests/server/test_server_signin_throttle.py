"""Sign-in throttling: charged before the password check, per (user, address) and per address.

The probe behind this file: 64 parallel wrong guesses got 44 argon2 checks past a cap of
5, and 5 wrong guesses by anyone kept the right password out for 15 minutes. Both run
here against SQLite and PostgreSQL, over real sockets; the owner signs in from a second
loopback address (127.0.0.2) while the attacker uses 127.0.0.1.
"""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from server.server_harness import PASSWORD, PROTO, ServerUnderTest
from sqlalchemy import update

from sync.server.admin.credentials import password_verifications
from sync.server.core.runtime_settings import store_runtime_settings
from sync.server.db.state_models import SignInThrottle

CAP = 5  # the default signin_max_failures_per_user


def _client(server: ServerUnderTest, local_address: str = "127.0.0.1") -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=local_address, limits=httpx.Limits(max_connections=100))
    return httpx.Client(base_url=server.url, headers=PROTO, transport=transport, timeout=60)


def _attempt(client: httpx.Client, username: str, password: str) -> httpx.Response:
    body = {"username": username, "password": password, "client_id": str(uuid.uuid4())}
    return client.post("/v1/session", json=body)


def test_a_parallel_burst_gets_at_most_the_allowance_of_password_checks(server: ServerUnderTest) -> None:
    server.add_user("admin", role="admin")
    before = password_verifications()
    with _client(server) as attacker, ThreadPoolExecutor(max_workers=100) as pool:
        codes = Counter(pool.map(lambda i: _attempt(attacker, "admin", f"guess {i}").status_code, range(100)))
    checks = password_verifications() - before
    assert checks <= CAP, f"{checks} argon2 checks for a cap of {CAP}"
    assert codes[401] == checks and codes[429] == 100 - checks, codes


def test_the_owner_signs_in_from_another_address_while_an_attacker_hammers(server: ServerUnderTest) -> None:
    server.add_user("admin", role="admin")
    with _client(server, "127.0.0.1") as attacker, _client(server, "127.0.0.2") as owner:
        codes = [_attempt(attacker, "admin", f"guess {i}").status_code for i in range(CAP + 10)]
        assert codes[:CAP] == [401] * CAP and set(codes[CAP:]) == {429}
        refused = _attempt(attacker, "admin", PASSWORD)  # the right password, the attacker's address
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        r = _attempt(owner, "admin", PASSWORD)
        assert r.status_code == 200, r.text
        # and the owner's own typo does not lock them out either
        assert _attempt(owner, "admin", "typo").status_code == 401
        assert _attempt(owner, "admin", PASSWORD).status_code == 200


def test_lockouts_of_one_address_grow(server: ServerUnderTest) -> None:
    server.add_user("admin", role="admin")

    def lock_out(client: httpx.Client) -> int:
        codes = [_attempt(client, "admin", f"guess {i}").status_code for i in range(CAP)]
        assert codes == [401] * CAP
        r = _attempt(client, "admin", "one more")
        assert r.status_code == 429
        return int(r.headers["Retry-After"])

    with _client(server) as attacker:
        first = lock_out(attacker)
        past = datetime.now(UTC) - timedelta(days=30)
        with server.db.write_session() as s:  # let the lockout and its window run out
            s.execute(update(SignInThrottle).values(blocked_until=past, window_start=past))
        second = lock_out(attacker)
    assert second >= 2 * first - 2, (first, second)


def test_one_address_has_a_cap_across_user_names(server: ServerUnderTest) -> None:
    server.add_user("ana")
    with server.db.write_session() as s:
        store_runtime_settings(s, {"signin_max_failures_per_address": 8})
    with _client(server, "127.0.0.3") as sprayer, _client(server, "127.0.0.2") as owner:
        codes = [_attempt(sprayer, f"user{i}", "Winter2026!").status_code for i in range(8)]
        assert codes == [401] * 8
        assert _attempt(sprayer, "user99", "Winter2026!").status_code == 429
        assert _attempt(sprayer, "ana", PASSWORD).status_code == 429
        assert _attempt(owner, "ana", PASSWORD).status_code == 200
