"""Property: random offline work from several devices, synced in random interleavings, converges.

Each simulated device keeps a replica as plain dicts (what a client engine would store):
it edits its local copy offline, and at random moments pushes its journal and pulls pages,
applying records, deletions and left-scope removals. After everyone syncs a last time,
every device must hold exactly what the server holds within that user's scope, ticket
numbers must be unique and gapless, and every acknowledged comment must exist once.
Devices differ in scope (IT only, IT+HR, HR only), and tickets move between queues, so
records leave and enter scopes along the way.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import select

from sync.server.db.models import Comment, QueueMember, Ticket, WorkLog

EXAMPLES = int(os.environ.get("OUTPOST_CONVERGENCE_EXAMPLES", "6"))
FIELDS = ("location", "asset", "subject", "status", "assignee_id", "queue_id", "tags", "impact")
STATUSES = ("open", "in_progress", "pending_requester", "resolved", "closed")
CHILDREN = ("comments", "work_logs", "attachments", "ticket_links", "activity")


class SimReplica:
    """A device plus its local store, shaped like PullRecords: family -> id -> record."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self.store: dict[str, dict[str, dict[str, Any]]] = {}
        self.local: dict[str, dict[str, Any]] = {}  # tickets as this device sees them offline
        self.pending: list[dict[str, Any]] = []
        self.comments_sent: list[str] = []

    def apply_page(self, page: dict[str, Any]) -> None:
        for family, records in page["records"].items():
            bucket = self.store.setdefault(family, {})
            for record in records:
                bucket[record["id"]] = record
        for ref in page["deletions"]:
            self.store.get(ref["entity_type"], {}).pop(ref["id"], None)
        for ref in page["left_scope"]:
            self.store.get("tickets", {}).pop(ref["id"], None)
            for family in CHILDREN:
                bucket = self.store.get(family, {})
                for rid in [
                    r
                    for r, rec in bucket.items()
                    if ref["id"] in (rec.get("ticket_id"), rec.get("entity_id"))
                ]:
                    del bucket[rid]

    def sync(self) -> None:
        if self.pending:
            outcomes = self.device.push_ok(*self.pending)
            assert [o["seq"] for o in outcomes] == [m["seq"] for m in self.pending]
            for m, o in zip(self.pending, outcomes, strict=True):
                assert o["status"] in ("applied", "conflict", "rejected")
                if m["op"] == "ticket.comment" and o["status"] != "rejected":
                    self.comments_sent.append(m["payload"]["comment"]["id"])
            self.pending = []
        for page in self.device.pull_all(limit=25):
            self.apply_page(page)
        self.local = copy.deepcopy(self.store.get("tickets", {}))

    def queue(self, mutation: dict[str, Any]) -> None:
        self.pending.append(mutation)


def _new_value(name: str, ticket: dict[str, Any], draw: Any, queues: list[str], agents: list[str]) -> Any:
    if name == "status":
        return draw(st.sampled_from(STATUSES))
    if name == "assignee_id":
        return draw(st.sampled_from([None, *agents]))
    if name == "queue_id":
        return draw(st.sampled_from(queues))
    if name == "tags":
        return sorted(draw(st.sets(st.sampled_from(["a", "b", "c", "d"]), max_size=3)))
    if name == "impact":
        return draw(st.integers(1, 3))
    return draw(st.sampled_from(["Basement", "Roof", "Lab 2", "Hall"]))


def _scope_truth(server: ServerUnderTest, user_id: str, admin: bool = False) -> dict[str, set[Any]]:
    with server.db.snapshot_session() as s:
        queues = set(
            s.execute(select(QueueMember.queue_id).where(QueueMember.person_id == user_id)).scalars()
        )
        tickets = [
            t
            for t in s.execute(select(Ticket)).scalars()
            if admin or t.queue_id in queues or t.assignee_id == user_id
        ]
        ids = {t.id for t in tickets}
        return {
            "tickets": {
                (t.id, t.number, t.subject, t.status, t.queue_id, t.assignee_id, t.location, t.tags)
                for t in tickets
            },
            "comments": {c.id for c in s.execute(select(Comment)).scalars() if c.ticket_id in ids},
            "work_logs": {w.id for w in s.execute(select(WorkLog)).scalars() if w.ticket_id in ids},
        }


def _replica_view(r: SimReplica) -> dict[str, set[Any]]:
    tickets = r.store.get("tickets", {}).values()
    return {
        "tickets": {
            (
                t["id"],
                t["number"],
                t["subject"],
                t["status"],
                t["queue_id"],
                t["assignee_id"],
                t["location"],
                " ".join(t["tags"]),
            )
            for t in tickets
        },
        "comments": set(r.store.get("comments", {})),
        "work_logs": set(r.store.get("work_logs", {})),
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_offline_work_converges(server: ServerUnderTest, data: st.DataObject) -> None:
    if "IT" not in server.queues:
        server.add_queue("IT")
        server.add_queue("HR")
    it, hr = server.queues["IT"], server.queues["HR"]
    tag = os.urandom(3).hex()
    server.add_user(f"ana{tag}", queues=("IT",))
    server.add_user(f"bob{tag}", queues=("IT", "HR"))
    server.add_user(f"hal{tag}", queues=("HR",))
    replicas = [SimReplica(server.device(f"{n}{tag}")) for n in ("ana", "bob", "hal")]
    homes = [it, it, hr]
    agents = [r.device.user_id for r in replicas]
    for r in replicas:
        r.sync()
    steps = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, 2), st.sampled_from(["create", "update", "update", "comment", "work", "sync"])
            ),
            min_size=4,
            max_size=30,
        )
    )
    created: list[str] = []  # this example's tickets in creation order (draws must not see uuids)
    for who, action in steps:
        r = replicas[who]
        dev = r.device
        known = [tid for tid in created if tid in r.local]
        if action == "create" or (action in ("update", "comment", "work") and not known):
            m = dev.new_ticket(homes[who], data.draw(st.sampled_from(["Leak", "No heat", "VPN"])))
            r.local[m["entity_id"]] = {**m["payload"]["ticket"], "tags": []}
            created.append(m["entity_id"])
            r.queue(m)
        elif action == "update":
            tid = data.draw(st.sampled_from(known))
            ticket = r.local[tid]
            name = data.draw(st.sampled_from(FIELDS))
            value = _new_value(name, ticket, data.draw, [it, hr], agents)
            base_value = ticket.get(name)
            changes = {name: value}
            extra: dict[str, Any] = {}
            if name == "status" and value == "resolved":
                changes["resolution"] = "Fixed"
                extra["resolution"] = ticket.get("resolution", "")
            r.queue(dev.update(tid, changes, {name: base_value, **extra}))
            ticket.update(changes)
        elif action == "comment":
            r.queue(dev.comment(data.draw(st.sampled_from(known)), "note"))
        elif action == "work":
            r.queue(dev.work_log(data.draw(st.sampled_from(known)), data.draw(st.integers(1, 90))))
        else:
            r.sync()
    for r in replicas:
        r.sync()
    for r in replicas:  # a second round: everyone sees everyone's last pushes
        r.sync()
    for r in replicas:
        assert _replica_view(r) == _scope_truth(server, r.device.user_id)
        assert set(r.comments_sent) <= set(r.store.get("comments", {})) | _invisible_comments(server, r)
    with server.db.snapshot_session() as s:
        numbers = sorted(n for n in s.execute(select(Ticket.number)).scalars())
    assert numbers == list(range(1, len(numbers) + 1))
    for r in replicas:
        r.device.close()


def _invisible_comments(server: ServerUnderTest, r: SimReplica) -> set[str]:
    """Comments this device sent on tickets that later left its scope (they exist on the server)."""
    with server.db.snapshot_session() as s:
        stored = {c for c in s.execute(select(Comment.id).where(Comment.id.in_(r.comments_sent))).scalars()}
    assert stored == set(r.comments_sent)  # every acknowledged comment exists exactly once (ids are keys)
    return stored
