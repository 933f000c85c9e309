"""Push: at most once per (client_id, seq), gaps refused, rejections never block, concurrency safe."""

from __future__ import annotations

import hashlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from server.server_harness import Device, ServerUnderTest
from sqlalchemy import func, select

from sync.server.db.models import Comment, Ticket
from sync.server.db.state_models import ServerState
from sync.server.push.push_service import BATCH


def _setup(server: ServerUnderTest) -> tuple[str, Device]:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    return it, server.device("ana")


def _count(server: ServerUnderTest, model: type) -> int:
    with server.db.snapshot_session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_replayed_push_returns_the_stored_outcome_and_applies_nothing_twice(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    create = dev.new_ticket(it)
    note = dev.comment(create["entity_id"])
    first = dev.push_ok(create, note)
    again = dev.push_ok(create, note)  # the response was "lost": the client sends the same batch
    assert again == first
    assert _count(server, Ticket) == 1 and _count(server, Comment) == 1
    assert first[0]["ticket_number"] == 1


def test_same_seq_with_a_different_mutation_is_refused(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    dev.push_ok(dev.new_ticket(it))
    dev.seq = 0
    r = dev.push(dev.new_ticket(it, "another"))
    assert r.status_code == 409 and r.json()["kind"] == "client_mismatch"
    assert _count(server, Ticket) == 1


def test_gap_is_refused_with_the_expected_seq(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    first = dev.new_ticket(it)
    second = dev.comment(first["entity_id"])
    r = dev.push(second)
    assert r.status_code == 409
    assert r.json()["kind"] == "sequence_gap" and r.json()["detail"]["expected_seq"] == 1
    assert _count(server, Comment) == 0
    # Out of order inside one batch: the first is decided, the push stops at the gap.
    third = dev.comment(first["entity_id"], "third")
    r = dev.push(first, third)
    body = r.json()
    assert r.status_code == 200 and [o["seq"] for o in body["outcomes"]] == [1]
    assert body["stopped"]["kind"] == "sequence_gap" and body["last_seq"] == 1
    assert [o["status"] for o in dev.push_ok(second, third)] == ["applied", "applied"]


def test_a_rejection_does_not_block_later_mutations(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    create = dev.new_ticket(it)
    bad = dev.update(create["entity_id"], {"status": "closed"}, {"status": "new"})  # new -> closed is refused
    unknown = dev.mutation("ticket.teleport", "ticket", create["entity_id"], {})
    later = dev.comment(create["entity_id"])
    outcomes = dev.push_ok(create, bad, unknown, later)
    assert [o["status"] for o in outcomes] == ["applied", "rejected", "rejected", "applied"]
    assert outcomes[1]["kind"] == "invalid_transition" and "cannot become closed" in outcomes[1]["reason"]
    assert outcomes[2]["kind"] == "invalid_input"
    with server.db.snapshot_session() as s:
        assert s.execute(select(Ticket.status)).scalar_one() == "new"


def test_malformed_payload_is_rejected_with_a_reason_not_a_500(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    create = dev.new_ticket(it)
    create["payload"]["ticket"]["impact"] = "high"  # wrong type
    create["payload"]["ticket"]["surprise"] = 1  # unknown field
    [outcome] = dev.push_ok(create)
    assert outcome["status"] == "rejected" and outcome["kind"] == "invalid_input"
    assert "ticket.impact" in outcome["reason"]


def test_newer_payload_version_stops_the_push_undecided(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    create = dev.new_ticket(it)
    create["payload_version"] = 99
    r = dev.push(create)
    assert r.status_code == 200
    assert r.json()["outcomes"] == [] and r.json()["stopped"]["kind"] == "upgrade_server"
    create["payload_version"] = 1
    assert dev.push_ok(create)[0]["status"] == "applied"


def test_concurrent_pushes_to_one_ticket_lose_no_update(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    names = [f"agent{i}" for i in range(6)]
    for name in names:
        server.add_user(name, queues=("IT",))
    owner = server.device(names[0])
    create = owner.new_ticket(it)
    owner.push_ok(create)
    ticket_id = create["entity_id"]
    devices = [server.device(n) for n in names]
    start = threading.Barrier(len(devices))

    def work(i: int, dev: Device) -> list[str]:
        fields = ["location", "asset", "category", "description", "subject", "resolution"]
        batch = [dev.comment(ticket_id, f"note {i}-{k}") for k in range(5)]
        batch.append(dev.update(ticket_id, {fields[i]: f"value {i}"}, {fields[i]: ""}))
        start.wait()
        return [o["status"] for o in dev.push_ok(*batch)]

    with ThreadPoolExecutor(len(devices)) as pool:
        results = list(pool.map(work, range(len(devices)), devices))
    assert all(status == "applied" for statuses in results for status in statuses)
    assert _count(server, Comment) == 5 * len(devices)
    with server.db.snapshot_session() as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        assert (t.location, t.asset, t.category) == ("value 0", "value 1", "value 2")
        assert (t.description, t.subject, t.resolution) == ("value 3", "value 4", "value 5")


def test_concurrent_creates_get_unique_gapless_numbers(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    devices = []
    for i in range(5):
        server.add_user(f"tech{i}", queues=("IT",))
        devices.append(server.device(f"tech{i}"))

    def work(dev: Device) -> list[int]:
        outcomes = dev.push_ok(*[dev.new_ticket(it, f"t{k}") for k in range(8)])
        return [o["ticket_number"] for o in outcomes]

    with ThreadPoolExecutor(5) as pool:
        numbers = [n for batch in pool.map(work, devices) for n in batch]
    assert sorted(numbers) == list(range(1, 41))


def test_the_same_batch_racing_itself_applies_once(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    batch = [dev.new_ticket(it, f"t{k}") for k in range(10)]
    start = threading.Barrier(4)

    def send(_: int) -> list[dict[str, object]]:
        start.wait()
        return dev.push_ok(*batch)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(send, range(4)))
    assert all(a == answers[0] for a in answers)
    assert _count(server, Ticket) == 10


def test_rule_changes_and_notifications_are_accepted_and_delivered(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    server.add_user("bob", queues=("IT",))
    bob = server.device("bob")
    create = dev.new_ticket(it)
    tid = create["entity_id"]
    marker = {"rule_id": "r1", "rule_name": "Escalate P1"}
    update = dev.update(tid, {"tier": 2}, {"tier": 1}, reason="Escalate P1")
    update["payload"]["automation"] = marker
    notification = {
        "id": str(uuid.uuid4()),
        "ticket_id": tid,
        "recipient_ids": [bob.user_id, str(uuid.uuid4())],  # an unknown recipient is skipped
        "message": "P1 needs you",
        "created_at": dev.clock.isoformat(),
    }
    notify = dev.mutation(
        "ticket.notify", "ticket", tid, {"notification": notification, "automation": marker}
    )
    outcomes = dev.push_ok(create, update, notify)
    assert [o["status"] for o in outcomes] == ["applied"] * 3
    activity = [a for p in bob.pull_all() for a in p["records"]["activity"]]
    delivered = [a for a in activity if a["entity_type"] == "notification"]
    assert [(a["entity_id"], a["field"], a["new_value"]) for a in delivered] == [
        (bob.user_id, tid, "P1 needs you")
    ]
    assert any(a["field"] == "tier" and "Escalate P1" in a["note"] for a in activity)


def _server_version(server: ServerUnderTest) -> int:
    with server.db.snapshot_session() as s:
        return int(s.execute(select(ServerState.last_version)).scalar_one())


def test_a_long_push_is_decided_in_batches_each_stamped_once(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    count = 2 * BATCH + 10
    before = _server_version(server)
    outcomes = dev.push_ok(*(dev.new_ticket(it, f"Ticket {i}") for i in range(count)))
    assert [o["status"] for o in outcomes] == ["applied"] * count
    assert [o["ticket_number"] for o in outcomes] == list(range(1, count + 1))  # gapless, in seq order
    versions = [o["versions"][0]["version"] for o in outcomes]
    assert versions == sorted(versions) and len(set(versions)) == 3  # three transactions, not 210
    assert _server_version(server) == before + 3
    assert _count(server, Ticket) == count


def test_a_deferred_mutation_mid_batch_keeps_what_came_before_and_stops_there(
    server: ServerUnderTest,
) -> None:
    it, dev = _setup(server)
    create = dev.new_ticket(it)
    tid = create["entity_id"]
    note = dev.comment(tid, "before the file")
    data = b"not uploaded yet"
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": tid,
        "sha256": hashlib.sha256(data).hexdigest(),
        "filename": "later.txt",
        "size": len(data),
        "mime_type": "text/plain",
        "added_at": dev.clock.isoformat(),
    }
    attach = dev.mutation("ticket.attach", "ticket", tid, {"attachment": attachment})
    after = dev.comment(tid, "after the file")
    body = dev.push(create, note, attach, after).json()
    assert [o["status"] for o in body["outcomes"]] == ["applied", "applied"]
    assert body["stopped"]["kind"] == "blob_missing" and body["last_seq"] == 2
    assert _count(server, Ticket) == 1 and _count(server, Comment) == 1
    sha = attachment["sha256"]
    dev.http.put(f"/v1/blobs/{sha}/upload", params={"offset": 0, "size": len(data)}, content=data)
    assert [o["status"] for o in dev.push_ok(attach, after)] == ["applied", "applied"]
    assert _count(server, Comment) == 2


def test_a_merge_pushed_with_the_tickets_it_names_sees_their_numbers(server: ServerUnderTest) -> None:
    it, dev = _setup(server)
    first, second = dev.new_ticket(it, "Boiler noise"), dev.new_ticket(it, "Boiler noise again")
    merge = {"source_id": second["entity_id"], "target_id": first["entity_id"]}
    outcomes = dev.push_ok(first, second, dev.mutation("ticket.merge", "ticket", second["entity_id"], merge))
    assert [o["status"] for o in outcomes] == ["applied"] * 3
    with server.db.snapshot_session() as s:
        bodies = set(s.execute(select(Comment.body)).scalars())
    assert "Merged into #1" in bodies and "#2 merged into this ticket" in bodies
