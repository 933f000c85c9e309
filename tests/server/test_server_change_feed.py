"""The change feed (``POST /v1/changes``) and the empty pull answered from memory, on both engines.

A caught-up client long-polls with its pull cursor; it is answered ``changed: true`` as
soon as a commit touches its scope (and only its scope), ``false`` when the wait ends. A
pull that can find nothing new reads no change log. Nothing is ever hidden: a change is
always in the next real pull.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import event

from sync import protocol


def _wait(dev: Device, wait: float = 20.0) -> httpx.Response:
    return dev.http.post("/v1/changes", json={"cursor": dev.cursor, "wait": wait}, timeout=wait + 30)


class _Waiter:
    """A long-poll running on its own thread."""

    def __init__(self, dev: Device, wait: float = 20.0) -> None:
        self.response: httpx.Response | None = None
        self.thread = threading.Thread(target=self._run, args=(dev, wait))
        self.thread.start()

    def _run(self, dev: Device, wait: float) -> None:
        self.response = _wait(dev, wait)

    def result(self) -> dict[str, Any]:
        self.thread.join(60)
        assert self.response is not None and self.response.status_code == 200, self.response
        body: dict[str, Any] = self.response.json()
        return body


def _until_waiting(server: ServerUnderTest, count: int) -> None:
    """Block until ``count`` long-polls are registered on the server's board."""
    ready = threading.Event()
    for _ in range(2000):
        if server.db.board.waiting >= count:
            return
        ready.wait(0.01)
    raise AssertionError("the long-poll never started waiting")


@pytest.fixture
def team(server: ServerUnderTest) -> Iterator[tuple[ServerUnderTest, dict[str, Device]]]:
    server.add_queue("IT")
    server.add_queue("HR")
    server.add_user("alice", queues=("IT",))
    server.add_user("bob", queues=("IT", "HR"))
    server.add_user("carol", queues=("HR",))
    devices = {name: server.device(name) for name in ("alice", "bob", "carol")}
    for dev in devices.values():
        dev.pull_all()
    yield server, devices
    for dev in devices.values():
        dev.close()


def test_the_server_offers_the_feed(server: ServerUnderTest) -> None:
    with server.http() as http:
        assert protocol.FEATURE_CHANGE_FEED in http.get("/v1/hello").json()["features"]


def test_a_waiting_client_is_woken_by_a_change_in_its_queue_and_the_pull_has_it(
    team: tuple[ServerUnderTest, dict[str, Device]],
) -> None:
    server, devs = team
    waiter = _Waiter(devs["alice"])
    _until_waiting(server, 1)
    create = devs["bob"].new_ticket(server.queues["IT"])
    devs["bob"].push_ok(create)
    answer = waiter.result()
    assert answer == {"changed": True}
    assert waiter.response is not None and waiter.response.headers["cache-control"] == "no-store"
    pages = devs["alice"].pull_all()
    assert create["entity_id"] in {t["id"] for p in pages for t in p["records"]["tickets"]}


def test_a_change_outside_the_callers_scope_does_not_wake_it(
    team: tuple[ServerUnderTest, dict[str, Device]],
) -> None:
    server, devs = team
    waiter = _Waiter(devs["carol"], wait=1.0)  # HR only
    _until_waiting(server, 1)
    devs["bob"].push_ok(devs["bob"].new_ticket(server.queues["IT"]))
    assert waiter.result() == {"changed": False}
    pages = devs["carol"].pull_all()
    assert not pages[-1]["records"]["tickets"]


def test_a_change_made_before_the_wait_answers_at_once(
    team: tuple[ServerUnderTest, dict[str, Device]],
) -> None:
    server, devs = team
    devs["bob"].push_ok(devs["bob"].new_ticket(server.queues["IT"]))
    r = _wait(devs["alice"], wait=50)  # would take 50 s if it waited
    assert r.status_code == 200 and r.json() == {"changed": True}


def test_a_cursor_that_does_not_check_out_asks_for_a_pull(
    team: tuple[ServerUnderTest, dict[str, Device]],
) -> None:
    _server, devs = team
    bob = devs["bob"]
    r = bob.http.post("/v1/changes", json={"cursor": devs["carol"].cursor, "wait": 50})  # carol's cursor
    assert r.status_code == 200 and r.json() == {"changed": True}
    assert bob.pull(devs["carol"].cursor).status_code == 409  # and the pull says why


def test_the_feed_requires_sign_in(server: ServerUnderTest) -> None:
    with server.http() as http:
        r = http.post("/v1/changes", json={"cursor": "x.y", "wait": 1})
    assert r.status_code == 401


def test_a_pull_with_nothing_new_reads_no_change_log_and_a_real_change_is_never_hidden(
    team: tuple[ServerUnderTest, dict[str, Device]],
) -> None:
    server, devs = team
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    alice, carol = devs["alice"], devs["carol"]
    devs["bob"].push_ok(devs["bob"].new_ticket(server.queues["IT"]))  # IT only: carol's scope is idle
    event.listen(server.db.engine, "before_cursor_execute", record)
    try:
        before = carol.cursor
        [page] = carol.pull_all()
    finally:
        event.remove(server.db.engine, "before_cursor_execute", record)
    assert not any("change_log" in s or "scope_log" in s for s in statements), statements
    assert page["cursor"] != before and not page["has_more"] and not page["left_scope"]
    assert all(rows == [] for rows in page["records"].values())
    # and the cursor it gave hides nothing that comes after
    create = devs["bob"].new_ticket(server.queues["HR"])
    devs["bob"].push_ok(create)
    pages = carol.pull_all()
    assert create["entity_id"] in {t["id"] for p in pages for t in p["records"]["tickets"]}
    pages = alice.pull_all()
    assert create["entity_id"] not in {t["id"] for p in pages for t in p["records"]["tickets"]}
