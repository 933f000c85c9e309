"""Pull: pages in commit order, whole versions, scope changes, deletions, restored servers."""

from __future__ import annotations

import gzip
import threading
from typing import Any

import httpx
from server.server_harness import PROTO, Device, ServerUnderTest

from sync.server.core.server_identity import bump_epoch


def _ids(pages: list[dict[str, Any]], family: str = "tickets") -> list[str]:
    return [r["id"] for p in pages for r in p["records"][family]]


def _left(pages: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for p in pages for r in p["left_scope"]}


def test_pages_follow_commit_order_and_never_split_a_version(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    creates = [ana.new_ticket(it, f"t{i}") for i in range(30)]
    for create in creates:  # one push each: one version each (a push's batch shares one)
        ana.push_ok(create)
    pages = ana.pull_all(limit=7)
    assert len(pages) > 4
    seen_versions: list[int] = []
    for page in pages:
        versions = {r["version"] for family in page["records"].values() for r in family}
        if seen_versions and versions:
            assert min(versions) > max(seen_versions)  # strictly after everything before
        seen_versions.extend(versions)
    assert _ids(pages) == [c["entity_id"] for c in creates]  # commit order
    # each ticket's creation (ticket + its activity) came in one page
    for page in pages:
        tickets = {r["id"] for r in page["records"]["tickets"]}
        assert tickets == {r["entity_id"] for r in page["records"]["activity"]}
    # caught up: another pull is empty and keeps the cursor moving forward only
    [idle] = ana.pull_all()
    assert idle["records"]["tickets"] == [] and idle["has_more"] is False


def test_a_ticket_moved_away_leaves_the_scope(server: ServerUnderTest) -> None:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    ana, hal = server.device("ana"), server.device("hal")
    create = ana.new_ticket(it, "Payroll app broken")
    tid = create["entity_id"]
    ana.push_ok(create, ana.comment(tid, "looks like HR's"))
    ana.pull_all()
    hal.pull_all()
    ana.push_ok(ana.update(tid, {"queue_id": hr}, {"queue_id": it}))
    ana_pages, hal_pages = ana.pull_all(), hal.pull_all()
    assert tid in _left(ana_pages) and tid not in _ids(ana_pages)
    # hal now sees the ticket with its whole history, though the note predates his cursor
    assert tid in _ids(hal_pages)
    assert [c["body"] for c in (r for p in hal_pages for r in p["records"]["comments"])] == [
        "looks like HR's"
    ]


def test_unassigning_from_another_queue_leaves_the_scope(server: ServerUnderTest) -> None:
    server.add_queue("IT")
    hr = server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    ana, hal = server.device("ana"), server.device("hal")
    create = hal.new_ticket(hr, "Laptop for new hire", assignee_id=ana.user_id)
    hal.push_ok(create)
    assert create["entity_id"] in _ids(ana.pull_all())
    hal.push_ok(hal.update(create["entity_id"], {"assignee_id": hal.user_id}, {"assignee_id": ana.user_id}))
    assert create["entity_id"] in _left(ana.pull_all())


def test_membership_changes_rescope_the_pull(server: ServerUnderTest) -> None:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    server.add_user("root", role="admin")
    ana, hal, root = server.device("ana"), server.device("hal"), server.device("root")
    hr_ticket = hal.new_ticket(hr, "HR ticket")
    it_ticket = ana.new_ticket(it, "IT ticket")
    hal.push_ok(hr_ticket)
    ana.push_ok(it_ticket)
    ana.pull_all()
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT", "HR"]}).status_code == 204
    gained = ana.pull_all()
    assert gained[0]["rescoped"] is True
    assert hr_ticket["entity_id"] in _ids(gained)  # older than her cursor, sent because her scope grew
    member_ids = {r["id"] for p in gained for r in p["records"]["queue_members"]}
    assert f"{hr}:{ana.user_id}" in member_ids
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT"]}).status_code == 204
    lost = ana.pull_all()
    assert _left(lost) == {hr_ticket["entity_id"]}
    assert {"entity_type": "queue_members", "id": f"{hr}:{ana.user_id}"} in lost[0]["deletions"]
    assert it_ticket["entity_id"] not in _left(lost)


def test_cursor_from_another_server_or_a_restored_one_is_refused(server: ServerUnderTest) -> None:
    server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    [page] = ana.pull_all()
    assert ana.pull("not-a-cursor").json()["kind"] == "cursor_invalid"
    with server.db.write_session() as s:
        bump_epoch(s)  # `outpost-server mark-restored`
    r = ana.pull(page["cursor"])
    assert r.status_code == 409 and r.json()["kind"] == "server_restored"
    assert ana.pull(None).status_code == 200  # a fresh bootstrap works


def test_cursor_ahead_of_the_server_means_restored(server: ServerUnderTest, tmp_path: Any) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    ana.push_ok(ana.new_ticket(it))
    [page] = ana.pull_all()
    from sqlalchemy import update

    from sync.server.db.state_models import ServerState

    with server.db.write_session() as s:  # simulate restoring yesterday's backup
        s.execute(update(ServerState).values(last_version=1))
    r = ana.pull(page["cursor"])
    assert r.status_code == 409 and r.json()["kind"] == "server_restored"


def test_bootstrap_is_gzip_compressed(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    ana = server.device("ana")
    ana.push_ok(*[ana.new_ticket(it, f"Printer on floor {i} jams") for i in range(50)])
    with httpx.Client(
        base_url=server.url, headers={**PROTO, "Authorization": ana.http.headers["Authorization"]}
    ) as h:
        r = h.post("/v1/pull", json={"cursor": None}, headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        raw = len(gzip.compress(r.content))
        assert raw < len(r.content)


def test_concurrent_writers_never_make_a_pull_skip_a_change(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    writers = []
    for i in range(4):
        server.add_user(f"w{i}", queues=("IT",))
        writers.append(server.device(f"w{i}"))
    server.add_user("reader", queues=("IT",))
    reader = server.device("reader")
    done = threading.Event()
    pushed: list[str] = []
    lock = threading.Lock()

    def write(dev: Device) -> None:
        for k in range(15):
            create = dev.new_ticket(it, f"{dev.user_id[:4]}-{k}")
            dev.push_ok(create)
            with lock:
                pushed.append(create["entity_id"])

    seen: set[str] = set()
    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    last_cursor_version = -1
    while not done.is_set():
        for page in reader.pull_all(limit=5):
            versions = [r["version"] for f in page["records"].values() for r in f]
            assert all(v > last_cursor_version for v in versions)
            if versions:
                last_cursor_version = max(versions)
            seen.update(r["id"] for r in page["records"]["tickets"])
        if not any(t.is_alive() for t in threads):
            done.set()
    for page in reader.pull_all():
        seen.update(r["id"] for r in page["records"]["tickets"])
    assert seen == set(pushed) and len(pushed) == 60
