"""Per-field conflict rules, against the base the client edited (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import select

from sync.server.db.models import Activity, Article, ArticleRevision, Comment, Ticket


@pytest.fixture
def pair(server: ServerUnderTest) -> tuple[Device, Device, str, str]:
    """Two agents of IT who both hold one synced ticket."""
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    server.add_user("bob", queues=("IT",))
    ana, bob = server.device("ana"), server.device("bob")
    create = ana.new_ticket(it, "Boiler noise", location="Basement", tags=["heating"])
    ana.push_ok(create)
    return ana, bob, create["entity_id"], it


def _ticket(server: ServerUnderTest, ticket_id: str) -> Ticket:
    with server.db.snapshot_session() as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return t


def test_different_fields_merge(server: ServerUnderTest, pair: tuple[Device, Device, str, str]) -> None:
    ana, bob, tid, _ = pair
    [a] = ana.push_ok(ana.update(tid, {"location": "Plant room"}, {"location": "Basement"}))
    [b] = bob.push_ok(bob.update(tid, {"asset": "BOILER-2"}, {"asset": ""}))
    assert a["status"] == b["status"] == "applied" and b["conflicts"] == []
    t = _ticket(server, tid)
    assert (t.location, t.asset) == ("Plant room", "BOILER-2")


def test_same_scalar_last_arrival_wins_and_the_loser_is_in_the_activity_log(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, bob, tid, _ = pair
    ana.push_ok(ana.update(tid, {"location": "Plant room"}, {"location": "Basement"}))
    [b] = bob.push_ok(bob.update(tid, {"location": "Roof"}, {"location": "Basement"}))
    assert b["status"] == "applied"
    [c] = b["conflicts"]
    assert (c["field"], c["resolution"], c["server"], c["yours"]) == (
        "location",
        "overwrote",
        "Plant room",
        "Roof",
    )
    assert _ticket(server, tid).location == "Roof"
    with server.db.snapshot_session() as s:
        log = s.execute(
            select(Activity).where(Activity.entity_id == tid, Activity.field == "location")
        ).scalars()
        entries = [(e.old_value, e.new_value) for e in log]
    assert ("Plant room", "Roof") in entries  # the overwritten value is kept


def test_assignee_first_writer_wins_and_the_loser_is_told(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, bob, tid, _ = pair
    [a] = ana.push_ok(
        ana.update(
            tid, {"assignee_id": ana.user_id, "status": "open"}, {"assignee_id": None, "status": "new"}
        )
    )
    [b] = bob.push_ok(
        bob.update(
            tid, {"assignee_id": bob.user_id, "status": "open"}, {"assignee_id": None, "status": "new"}
        )
    )
    assert a["status"] == "applied"
    assert b["status"] == "conflict"
    assert [(c["field"], c["resolution"]) for c in b["conflicts"]] == [("assignee_id", "kept_server")]
    t = _ticket(server, tid)
    assert (t.assignee_id, t.status) == (ana.user_id, "open")


def test_status_follows_the_workflow_rules(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, bob, tid, _ = pair
    ana.push_ok(ana.update(tid, {"status": "in_progress"}, {"status": "new"}))
    # bob moved it new -> pending offline; from in_progress that is allowed: last arrival wins
    [b] = bob.push_ok(bob.update(tid, {"status": "pending_requester"}, {"status": "new"}))
    assert b["status"] == "applied" and b["conflicts"][0]["resolution"] == "overwrote"
    resolve = {"status": "resolved", "resolution": "Bled the radiators"}
    ana.push_ok(ana.update(tid, resolve, {"status": "pending_requester", "resolution": ""}))
    # a resolution made meanwhile is never undone by a stale status change
    [late] = bob.push_ok(bob.update(tid, {"status": "in_progress"}, {"status": "pending_requester"}))
    assert late["status"] == "conflict" and late["conflicts"][0]["resolution"] == "kept_server"
    t = _ticket(server, tid)
    assert t.status == "resolved" and t.resolved_at is not None


def test_a_transition_refused_offline_is_refused_online(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, _, tid, _ = pair
    outcomes = ana.push_ok(
        ana.update(tid, {"status": "resolved"}, {"status": "new"}),  # no resolution text
        ana.update(tid, {"status": "closed"}, {"status": "new"}),  # new -> closed
    )
    assert [o["kind"] for o in outcomes] == ["invalid_transition", "invalid_transition"]
    assert _ticket(server, tid).status == "new"


def test_tags_merge_both_sides(server: ServerUnderTest, pair: tuple[Device, Device, str, str]) -> None:
    ana, bob, tid, _ = pair
    ana.push_ok(ana.update(tid, {"tags": ["heating", "noise"]}, {"tags": ["heating"]}))
    [b] = bob.push_ok(bob.update(tid, {"tags": ["basement"]}, {"tags": ["heating"]}))
    assert b["conflicts"][0]["resolution"] == "merged"
    assert _ticket(server, tid).tags.split() == ["basement", "noise"]


def test_derived_priority_is_recomputed_not_trusted(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, _, tid, _ = pair
    [o] = ana.push_ok(
        ana.update(
            tid, {"impact": 1, "urgency": 1, "priority": 4}, {"impact": 3, "urgency": 3, "priority": 4}
        )
    )
    assert o["status"] == "applied"
    assert _ticket(server, tid).priority == 1  # the matrix, not the client's claim
    [override] = ana.push_ok(
        ana.update(tid, {"priority": 3, "priority_overridden": True}, {"priority": 1}, reason="VIP wait")
    )
    t = _ticket(server, tid)
    assert override["status"] == "applied" and (t.priority, t.priority_overridden) == (3, True)


def test_replies_notes_and_work_logs_append_and_first_reply_wins(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, bob, tid, _ = pair
    bob.clock = ana.clock.replace(hour=8)  # bob's reply was written earlier, offline
    early = bob.comment(tid, "Early reply", kind="reply")
    later = ana.comment(tid, "Later reply", kind="reply")
    ana.push_ok(later, ana.work_log(tid, 20))
    bob.push_ok(early, bob.comment(tid, "note"), bob.work_log(tid, 10))
    with server.db.snapshot_session() as s:
        bodies = sorted(s.execute(select(Comment.body).where(Comment.ticket_id == tid)).scalars())
    assert bodies == ["Early reply", "Later reply", "note"]
    first = _ticket(server, tid).first_response_at
    assert first is not None and first.hour == 8


def test_merge_closes_the_duplicate_and_refuses_a_second_merge(
    server: ServerUnderTest, pair: tuple[Device, Device, str, str]
) -> None:
    ana, bob, tid, it = pair
    other = ana.new_ticket(it, "Boiler noise again")
    ana.push_ok(other)
    merge = {"source_id": other["entity_id"], "target_id": tid}
    [a] = ana.push_ok(ana.mutation("ticket.merge", "ticket", other["entity_id"], merge))
    [b] = bob.push_ok(bob.mutation("ticket.merge", "ticket", other["entity_id"], merge))
    assert a["status"] == "applied" and b["status"] == "rejected"
    dup = _ticket(server, other["entity_id"])
    assert (dup.status, dup.merged_into_id) == ("closed", tid)


def _article_edit(dev: Device, article_id: str, changes: dict[str, Any], base: int) -> dict[str, Any]:
    return dev.mutation(
        "article.update",
        "article",
        article_id,
        {"article_id": article_id, "changes": changes, "base_revision": base},
    )


def test_article_body_edited_on_both_sides_becomes_a_conflicting_revision(server: ServerUnderTest) -> None:
    server.add_user("kim", role="knowledge_manager")
    server.add_user("kai", role="agent", knowledge_manager=True)
    kim, kai = server.device("kim"), server.device("kai")
    article = {
        "id": str(uuid.uuid4()),
        "title": "VPN",
        "body": "v1",
        "category": "",
        "tags": "",
        "kind": "how-to",
        "state": "draft",
        "revision": 1,
        "created_at": kim.clock.isoformat(),
    }
    kim.push_ok(kim.mutation("article.create", "article", article["id"], {"article": article}))
    [a] = kim.push_ok(_article_edit(kim, article["id"], {"body": "kim's body"}, 1))
    [b] = kai.push_ok(_article_edit(kai, article["id"], {"body": "kai's body", "category": "Network"}, 1))
    assert a["status"] == "applied"
    assert b["status"] == "conflict"
    assert {c["field"]: c["resolution"] for c in b["conflicts"]} == {
        "body": "conflicting_revision",
        "category": "overwrote",
    }
    with server.db.snapshot_session() as s:
        stored = s.get(Article, article["id"])
        assert stored is not None and (stored.body, stored.category) == ("kim's body", "Network")
        conflicts = (
            s.execute(select(ArticleRevision).where(ArticleRevision.conflict.is_(True))).scalars().all()
        )
        assert [(r.body, r.base_revision) for r in conflicts] == [("kai's body", 1)]
    pulled = [r for p in kai.pull_all() for r in p["records"]["article_revisions"] if r["conflict"]]
    assert [r["body"] for r in pulled] == ["kai's body"]
