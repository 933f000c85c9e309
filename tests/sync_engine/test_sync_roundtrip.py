"""End-to-end sync rounds between real replicas and a real server on loopback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk, server_snapshot

from sync.engine.conflicts import ConflictInbox
from sync.engine.progress import SyncProgress
from sync.engine.status import read_status

MakeDesk = Callable[..., Desk]


def test_standalone_replica_connects_and_its_journaled_work_reaches_the_server(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a = desk(server, "alice", connect=False)
    a.set_up_standalone("Alice Field")
    local_it = a.queue("IT")
    t = a.new_ticket("Boiler room leak", queue="IT")
    a.work.reply(t, "On my way")
    a.work.log_work(t, 30, note="replaced washer")
    a.tickets.change_status(t, "in_progress")
    requester = a.directory.add_requester("Pat Porter", email="pat@example.org").entity_id
    a.tickets.update_ticket(t, {"requester_id": requester})
    assert a.pending() == 6

    a.connect()
    report = a.sync()

    assert report.applied == 6 and report.rejected == 0 and a.pending() == 0
    server_it = server.queues["IT"]
    assert a.queue("IT") == server_it != local_it  # the local queue became the server's
    with server.db.engine.connect() as c:
        row = c.execute(
            text("SELECT number, status, requester_id, assignee_id FROM tickets WHERE id = :i"), {"i": t}
        ).one()
    local = a.ticket(t)
    assert local["number"] == row[0] == 1 and local["local_number"] == 1
    assert row[1] == "in_progress" and row[2] == requester
    assert a.snapshot()["tickets"][t] == server_snapshot(server)["tickets"][t]
    status = read_status(a.replica)
    assert status.mode == "connected" and status.pending == 0 and status.signed_in
    assert status.local_only == {"queues": 1}  # "Facilities" exists on both; "HR" is local only
    with a.replica.read() as s:  # no provisional duplicates of the activity log survive
        assert s.execute(text("SELECT count(*) FROM activity WHERE version = 0")).scalar_one() == 0


def test_two_agents_see_each_others_work_and_pending_edits_survive_a_pull(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a, b = desk(server, "alice"), desk(server, "bob")
    a.sync()
    b.sync()
    t = a.new_ticket("Projector dead", queue="IT", tags=("av",))
    a.sync()
    b.sync()
    assert b.ticket(t)["subject"] == "Projector dead"

    b.tickets.update_ticket(t, {"location": "Room 101"})
    b.sync()
    a.tickets.update_ticket(t, {"urgency": 1, "tags": ["av", "urgent"]})  # pending on A
    # Pull only (pushing first would hide the rebase): the page overwrites the ticket with
    # the server's copy and A's unsynced edit is replayed on top of it.
    a.engine().pull_only()
    local = a.ticket(t)
    assert local["location"] == "Room 101" and local["urgency"] == 1 and a.pending() == 1
    with a.replica.read() as s:
        tags = sorted(s.execute(text("SELECT tag FROM ticket_tags WHERE ticket_id = :i"), {"i": t}).scalars())
    assert tags == ["av", "urgent"]

    a.sync()
    b.sync()
    assert a.snapshot() == b.snapshot() == server_snapshot(server)


def test_assignment_race_is_a_conflict_that_the_loser_sees_and_can_resolve(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a, b = desk(server, "alice"), desk(server, "bob")
    a.sync()
    t = a.new_ticket("VPN down")
    a.sync()
    b.sync()
    a.tickets.assign(t, a.person("alice"))
    b.tickets.assign(t, b.person("bob"))
    a.sync()
    report = b.sync()

    assert report.conflicts == 1
    assert b.ticket(t)["assignee_id"] == a.person("alice")  # the server's choice, shown at once
    [conflict] = ConflictInbox(b.replica).open_conflicts()
    assert conflict.kind == "conflict" and conflict.fields[0].field == "assignee_id"
    assert conflict.fields[0].resolution == "kept_server" and "mine" in conflict.choices
    assert read_status(b.replica).open_conflicts == 1

    ConflictInbox(b.replica).resolve(conflict.id[:8], "mine")
    b.sync()
    a.sync()
    assert a.ticket(t)["assignee_id"] == b.person("bob")
    assert ConflictInbox(b.replica).open_conflicts() == []
    assert a.snapshot() == b.snapshot() == server_snapshot(server)


def test_rejected_change_is_kept_visible_and_the_replica_follows_the_server(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a, b = desk(server, "alice"), desk(server, "bob")
    a.sync()
    t = a.new_ticket("Printer")
    a.sync()
    b.sync()
    a.tickets.change_status(t, "resolved", resolution="cleared jam")
    a.tickets.change_status(t, "closed")
    a.sync()
    b.tickets.update_ticket(t, {"subject": "Printer on floor 2"})  # offline: B did not see it closed
    report = b.sync()

    assert report.rejected == 1
    [conflict] = ConflictInbox(b.replica).open_conflicts()
    assert conflict.kind == "rejected" and conflict.payload["changes"]["subject"] == "Printer on floor 2"
    assert "closed" in conflict.reason
    assert b.ticket(t)["subject"] == "Printer" and b.ticket(t)["status"] == "closed"
    assert b.states() == {"rejected": 1}
    assert b.snapshot() == server_snapshot(server)


def test_actions_keep_their_device_time_on_the_server(server: ServerUnderTest, desk: MakeDesk) -> None:
    a = desk(server, "alice")
    a.sync()
    a.clock.now = datetime(2026, 1, 5, 6, 30, tzinfo=UTC)  # worked offline, early in January
    t = a.new_ticket("Basement flood")
    a.work.reply(t, "Pumping now")
    a.clock.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # reconnects weeks later
    a.sync()
    with server.db.engine.connect() as c:
        created, first = c.execute(
            text("SELECT created_at, first_response_at FROM tickets WHERE id = :i"), {"i": t}
        ).one()
    assert str(created).startswith("2026-01-05 06:30:01")
    assert str(first).startswith("2026-01-05 06:30:0")


def test_ticket_leaving_scope_is_removed_with_a_notice_and_pending_work_is_still_pushed(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a, root = desk(server, "alice"), desk(server, "root")
    a.sync()
    root.sync()
    t = root.new_ticket("Network closet", queue="IT")
    root.sync()
    a.sync()
    a.work.note(t, "Cable tester is in my van")  # pending on A
    root.tickets.update_ticket(t, {"queue_id": root.queue("Facilities")})
    root.sync()
    report = a.engine().pull_only()  # learn of the move while the note is still queued

    assert report.left_scope == 1
    with a.replica.read() as s:
        assert s.execute(text("SELECT count(*) FROM tickets WHERE id = :i"), {"i": t}).scalar_one() == 0
    inbox = ConflictInbox(a.replica)
    [notice] = inbox.notices()
    assert notice.kind == "left_scope" and "Network closet" in notice.message and notice.pending_count == 1
    assert a.pending() == 1 and read_status(a.replica).pending_by_entity == {"ticket": 1}

    a.sync()  # the note is still sent; the server refuses it and the refusal is shown
    [rejected] = inbox.open_conflicts()
    assert (
        rejected.op == "ticket.comment" and rejected.payload["comment"]["body"] == "Cable tester is in my van"
    )
    assert a.pending() == 0


def test_a_change_made_while_a_round_runs_is_pushed_by_that_same_round(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a = desk(server, "alice")
    a.sync()
    t = a.new_ticket("Radiator cold")
    typed: list[str] = []

    def progress(p: SyncProgress) -> None:
        if p.phase == "pull" and not typed:  # the person keeps working while the sync runs
            typed.append(a.work.note(t, "typed during the sync").entity_id)

    report = a.engine().run_round(progress)
    assert typed and a.pending() == 0 and report.applied == 2
    assert typed[0] in server_snapshot(server)["comments"]
