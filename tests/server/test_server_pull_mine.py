"""Pull ``only: "mine"``: the caller's own open tickets and their families, before a bootstrap."""

from __future__ import annotations

from typing import Any

from server.server_harness import ServerUnderTest

from sync import protocol


def _by_id(pages: list[dict[str, Any]], family: str) -> dict[str, int]:
    return {r["id"]: r["version"] for p in pages for r in p["records"][family]}


def test_only_mine_sends_the_callers_open_tickets_with_their_families(server: ServerUnderTest) -> None:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("bob", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    ana, bob, hal = server.device("ana"), server.device("bob"), server.device("hal")

    mine_it = ana.new_ticket(it, "My IT ticket", assignee_id=ana.user_id)
    mine_hr = hal.new_ticket(hr, "HR ticket handed to ana", assignee_id=ana.user_id)
    unassigned = bob.new_ticket(it, "Nobody's yet")
    bobs = bob.new_ticket(it, "Bob's", assignee_id=bob.user_id)
    hidden = hal.new_ticket(hr, "HR only", assignee_id=hal.user_id)
    done = ana.new_ticket(it, "Done already", assignee_id=ana.user_id)
    ana.push_ok(mine_it, done)
    hal.push_ok(mine_hr, hidden)
    bob.push_ok(unassigned, bobs)
    mid, hid, uid, bid = (t["entity_id"] for t in (mine_it, mine_hr, unassigned, bobs))
    ana.push_ok(
        ana.comment(mid, "checking the cable"),
        ana.work_log(mid, 20),
        ana.comment(uid, "not mine"),
        ana.update(done["entity_id"], {"status": "resolved", "resolution": "fixed"}, {"status": "open"}),
    )
    hal.push_ok(hal.comment(hid, "payroll needs this"), hal.comment(hidden["entity_id"], "secret"))
    bob.push_ok(bob.comment(bid, "bob's note"))

    r = ana.http.post("/v1/pull", json={"cursor": None, "limit": 100, "only": "mine"})
    assert r.status_code == 200, r.text
    page = r.json()
    protocol.PullResponse.model_validate(page)
    records = page["records"]
    assert page["has_more"] is False and page["deletions"] == [] and page["left_scope"] == []
    assert {t["id"] for t in records["tickets"]} == {mid, hid}
    assert {c["body"] for c in records["comments"]} == {"checking the cable", "payroll needs this"}
    assert [w["ticket_id"] for w in records["work_logs"]] == [mid]
    assert {a["entity_id"] for a in records["activity"]} == {mid, hid}
    assert {q["id"] for q in records["queues"]} == {it, hr}
    assert {p["id"] for p in records["people"]} == {ana.user_id, hal.user_id}
    assert records["articles"] == [] and records["queue_members"] == []

    # every record comes again in the bootstrap, at the same version
    stream = ana.pull_all(limit=5)
    for family in records:
        assert _by_id([page], family).items() <= _by_id(stream, family).items(), family
    assert page["high_water"] == stream[-1]["high_water"]


def test_only_mine_is_advertised_and_needs_a_bootstrap(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    hello = ana.http.get("/v1/hello").json()
    assert protocol.FEATURE_PULL_ONLY_MINE in hello["features"]
    ana.push_ok(ana.new_ticket(it, "x", assignee_id=ana.user_id))
    [first] = ana.pull_all()
    r = ana.http.post("/v1/pull", json={"cursor": first["cursor"], "only": "mine"})
    assert r.status_code == 400 and r.json()["kind"] == "invalid_input"
    assert ana.http.post("/v1/pull", json={"cursor": None, "only": "all"}).status_code == 422
    # nothing assigned: an empty page, not an error
    server.add_user("bob", queues=("IT",))
    bob = server.device("bob")
    empty = bob.http.post("/v1/pull", json={"cursor": None, "only": "mine"}).json()
    assert all(rows == [] for rows in empty["records"].values())
