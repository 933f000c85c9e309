"""Rules run at the moment of the event, through the services, exactly once, loops stopped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from sync import protocol
from sync.automation.due_rules import run_due_rules
from sync.automation.markers import action_mutation_id, execution_id
from sync.automation.rule_store import RuleStore
from sync.errors import PermissionDeniedError, ValidationError
from sync.replica.models import Activity, Mutation, Ticket
from sync.replica.replica import Replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork
from tests.automation.conftest import DeviceClock


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def save(replica: Replica, **data: Any) -> str:
    return RuleStore(replica).save(data).entity_id


def journal(replica: Replica) -> list[Mutation]:
    with replica.read() as s:
        return list(s.execute(select(Mutation).order_by(Mutation.seq)).scalars())


def executions(replica: Replica, ticket_id: str) -> list[tuple[str, str, str]]:
    with replica.read() as s:
        rows = s.execute(
            select(Activity.field, Activity.old_value, Activity.new_value).where(
                Activity.entity_type == "rule_execution", Activity.entity_id == ticket_id
            )
        ).all()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def history(replica: Replica, ticket_id: str, field: str) -> list[tuple[str | None, str]]:
    detail = TicketQueries(replica).detail(ticket_id)
    return [(a.new_value, a.note) for a in detail.activity if a.field == field]


def test_a_created_rule_fires_once_through_the_services_and_is_journaled(
    replica: Replica, it_queue: str
) -> None:
    rule_id = save(
        replica,
        name="Printers",
        event="created",
        conditions=[{"field": "subject", "op": "contains", "value": "printer"}],
        actions=[
            {"kind": "set_field", "field": "category", "value": "Printing"},
            {"kind": "add_tag", "value": "printer"},
            {"kind": "add_note", "value": "Auto-triaged {ticket.number}: check toner first."},
        ],
    )
    tid = TicketService(replica).create_ticket(NewTicket("Printer on floor 2 jams", it_queue)).entity_id
    TicketService(replica).create_ticket(NewTicket("Mouse broken", it_queue))
    detail = TicketQueries(replica).detail(tid)
    assert (detail.category, detail.tags) == ("Printing", ("printer",))
    assert [c.body for c in detail.comments] == ["Auto-triaged L1: check toner first."]
    assert ("Printing", "rule 'Printers'") in [(a.new_value, a.note) for a in detail.activity]
    create, update, note = [m for m in journal(replica) if m.entity_id == tid][:3]
    assert (create.op, update.op, note.op) == ("ticket.create", "ticket.update", "ticket.comment")
    event_id = f"{create.id}:{tid}:created"
    expected = execution_id(rule_id, event_id)
    assert executions(replica, tid) == [(rule_id, event_id, expected)]
    # The firing's mutations have ids derived from its execution id; v1 payloads stay as the
    # version-1 server accepts them (no unknown keys).
    assert (update.id, note.id) == (action_mutation_id(expected, 0), action_mutation_id(expected, 1))
    assert "automation" not in update.payload and "automation" not in create.payload


def test_the_marker_travels_once_the_protocol_declares_payload_version_2(
    replica: Replica, it_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(protocol.PAYLOAD_VERSIONS, "ticket.update", 2)
    monkeypatch.setitem(protocol.PAYLOAD_VERSIONS, "ticket.create", 2)
    rule_id = save(replica, name="Tag all", event="created", actions=[{"kind": "add_tag", "value": "new"}])
    tid = TicketService(replica).create_ticket(NewTicket("Anything", it_queue)).entity_id
    create, update = [m for m in journal(replica) if m.entity_id == tid]
    exec_id = execution_id(rule_id, f"{create.id}:{tid}:created")
    assert create.payload["automation"]["executions"] == [exec_id]
    assert update.payload["automation"]["execution_id"] == exec_id
    assert update.payload["automation"]["rule_id"] == rule_id


def test_status_changed_rules_see_the_change_and_notes_do_not_retrigger(
    replica: Replica, it_queue: str
) -> None:
    save(
        replica,
        name="Thank on resolve",
        event="status_changed",
        conditions=[{"field": "status", "op": "changed_to", "value": "resolved"}],
        actions=[{"kind": "add_note", "value": "Resolved; survey goes to {requester.name}."}],
    )
    save(replica, name="Count updates", event="updated", actions=[{"kind": "add_tag", "value": "touched"}])
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("VPN drops", it_queue)).entity_id
    service.change_status(tid, "in_progress")
    assert TicketQueries(replica).detail(tid).comments == ()
    service.change_status(tid, "resolved", resolution="New VPN profile.")
    detail = TicketQueries(replica).detail(tid)
    assert [c.body for c in detail.comments] == ["Resolved; survey goes to ."]
    assert detail.tags == ("touched",)
    assert history(replica, tid, "automation") == []  # nothing stopped, nothing failed


def test_two_rules_that_undo_each_other_are_stopped_with_a_clear_message(
    replica: Replica, it_queue: str
) -> None:
    save(
        replica,
        name="VIP is critical",
        event="updated",
        conditions=[{"field": "tags", "op": "has", "value": "vip"}],
        actions=[{"kind": "set_field", "field": "priority", "value": 1}],
    )
    save(
        replica,
        name="Cap at P2",
        event="updated",
        conditions=[{"field": "priority", "op": "is", "value": 1}],
        actions=[{"kind": "set_field", "field": "priority", "value": 2}],
    )
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("Dean's laptop", it_queue)).entity_id
    service.update_ticket(tid, {"tags": ["vip"]})  # the person's change commits whatever the rules do
    detail = TicketQueries(replica).detail(tid)
    assert detail.tags == ("vip",) and detail.priority == 2
    [(what, message)] = history(replica, tid, "automation")
    assert what == "stopped"
    assert "'VIP is critical' → 'Cap at P2' → 'VIP is critical'" in message
    assert message.startswith(f"Automation stopped on {detail.display_number}: rule 'VIP is critical'")
    # Each rule fired once for its own event; nothing was journaled for the stopped run.
    assert sorted(name for _rule, _event, name in _names(replica, tid)) == ["Cap at P2", "VIP is critical"]


def _names(replica: Replica, ticket_id: str) -> list[tuple[str, str, str]]:
    with replica.read() as s:
        rows = s.execute(
            select(Activity.field, Activity.old_value, Activity.note).where(
                Activity.entity_type == "rule_execution", Activity.entity_id == ticket_id
            )
        ).all()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def test_a_rule_matching_again_without_undoing_anything_is_skipped_silently(
    replica: Replica, it_queue: str
) -> None:
    save(
        replica,
        name="Escalate P1",
        event="updated",
        conditions=[{"field": "priority", "op": "is", "value": 1}],
        actions=[{"kind": "assign_tier", "value": 2}, {"kind": "add_note", "value": "Escalated to tier 2."}],
    )
    save(
        replica,
        name="Tag tier 2",
        event="updated",
        conditions=[{"field": "tier", "op": "is", "value": 2}],
        actions=[{"kind": "add_tag", "value": "t2"}],
    )
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("Core switch down", it_queue)).entity_id
    service.update_ticket(tid, {"impact": 1, "urgency": 1})
    detail = TicketQueries(replica).detail(tid)
    assert (detail.tier, detail.tags, [c.body for c in detail.comments]) == (
        2,
        ("t2",),
        ["Escalated to tier 2."],
    )
    assert history(replica, tid, "automation") == []


def test_a_rule_the_services_refuse_is_rolled_back_alone_and_reported(
    replica: Replica, it_queue: str
) -> None:
    save(
        replica,
        name="Close quickly",
        event="created",
        actions=[{"kind": "set_field", "field": "status", "value": "resolved"}],
    )
    save(replica, name="Tag", event="created", actions=[{"kind": "add_tag", "value": "seen"}])
    tid = TicketService(replica).create_ticket(NewTicket("Projector", it_queue)).entity_id
    detail = TicketQueries(replica).detail(tid)
    assert (detail.status, detail.tags) == ("new", ("seen",))
    [(what, message)] = history(replica, tid, "automation")
    assert what == "failed" and "rule 'Close quickly' could not run" in message and "resolution" in message


def test_time_rules_fire_once_per_event_on_the_timer(
    replica: Replica, clock: DeviceClock, it_queue: str, agents: dict[str, str]
) -> None:
    save(
        replica,
        name="Warn the assignee",
        event="sla_warning",
        actions=[{"kind": "notify", "to": "assignee", "value": "{ticket.number} is due {ticket.due}"}],
    )
    save(replica, name="Breach to tier 2", event="sla_breach", actions=[{"kind": "assign_tier", "value": 2}])
    tid = (
        TicketService(replica)
        .create_ticket(
            NewTicket("Payroll export fails", it_queue, impact=1, urgency=2, assignee_id=agents["bob"])
        )
        .entity_id
    )  # P2: respond by 10:00
    assert run_due_rules(replica, at(2, 9, 30)).fired == ()
    warned = run_due_rules(replica, at(2, 9, 50))
    assert [f.rule_name for f in warned.fired] == ["Warn the assignee"] and tid in warned.changed
    assert run_due_rules(replica, at(2, 9, 55)).fired == ()  # the same warning is not repeated
    breached = run_due_rules(replica, at(2, 10, 1))
    assert [f.rule_name for f in breached.fired] == ["Breach to tier 2"]
    assert run_due_rules(replica, at(2, 10, 30)).fired == ()
    with replica.read() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None and (ticket.tier, ticket.sla_state) == (2, "breached")
    from sync.automation.notifications import Notifications

    [note] = Notifications(replica).for_user(agents["bob"])
    assert note.message == "L1 is due 2026-03-02 10:00 UTC" and note.source == "rule 'Warn the assignee'"
    assert Notifications(replica).unread_count(agents["bob"]) == 1


def test_no_reply_fires_once_per_waiting_period(replica: Replica, clock: DeviceClock, it_queue: str) -> None:
    save(replica, name="Chase", event="no_reply", hours=2, actions=[{"kind": "add_tag", "value": "chase"}])
    save(replica, name="Late", event="no_reply", hours=8, actions=[{"kind": "add_tag", "value": "late"}])
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("Heating off in B2", it_queue)).entity_id  # 09:00
    assert run_due_rules(replica, at(2, 10, 59)).fired == ()
    assert [f.rule_name for f in run_due_rules(replica, at(2, 11, 1)).fired] == ["Chase"]
    assert run_due_rules(replica, at(2, 12)).fired == ()
    service.update_ticket(tid, {"tags": []})
    clock.set(2, 12, 30)
    TicketWork(replica).reply(tid, "Engineer on the way.")
    clock.set(2, 13)
    TicketWork(replica).add_comment(tid, "reply", "Still cold.", from_requester=True)
    assert run_due_rules(replica, at(2, 14, 59)).fired == ()
    assert [f.rule_name for f in run_due_rules(replica, at(2, 15, 1)).fired] == ["Chase"]  # a new wait
    assert TicketQueries(replica).detail(tid).tags == ("chase",)


def test_rule_changes_are_admin_only_validated_and_journaled(replica: Replica, it_queue: str) -> None:
    with pytest.raises(ValidationError, match="unknown placeholder"):
        save(
            replica,
            name="Bad",
            event="created",
            actions=[{"kind": "add_note", "value": "Hi {requester.nick}"}],
        )
    with pytest.raises(ValidationError, match="queue that does not exist"):
        save(replica, name="Bad", event="created", actions=[{"kind": "assign_queue", "value": "nope"}])
    rule_id = save(replica, name="Ok", event="created", actions=[{"kind": "assign_queue", "value": it_queue}])
    with pytest.raises(ValidationError, match="already called"):
        save(replica, name="ok", event="updated", actions=[{"kind": "add_tag", "value": "x"}])
    store = RuleStore(replica)
    store.set_enabled("Ok", False)
    assert store.get(rule_id).enabled is False
    store.delete(rule_id)
    ops = [(m.op, m.payload["action"]) for m in journal(replica) if m.op == "config.rules"]
    assert ops == [("config.rules", "put"), ("config.rules", "put"), ("config.rules", "delete")]
    replica.set_setting("current_user_id", Directory(replica).add_requester("Rita").entity_id)
    with pytest.raises(PermissionDeniedError):
        save(replica, name="Mine", event="created", actions=[{"kind": "add_tag", "value": "x"}])


def test_a_chain_longer_than_the_limit_is_stopped(replica: Replica, it_queue: str) -> None:
    for n in range(10):  # rule n reacts to tag t<n> by adding t<n+1>; evaluated last-first so
        save(  # that each step only matches the event the previous step raised
            replica,
            name=f"Step {n}",
            event="updated",
            position=10 - n,
            conditions=[{"field": "tags", "op": "has", "value": f"t{n}"}],
            actions=[{"kind": "add_tag", "value": f"t{n + 1}"}],
        )
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("Chain", it_queue)).entity_id
    service.update_ticket(tid, {"tags": ["t0"]})
    detail = TicketQueries(replica).detail(tid)
    assert detail.tags == tuple(sorted(f"t{n}" for n in range(9)))
    [(what, message)] = history(replica, tid, "automation")
    assert what == "stopped" and "rule 'Step 8' would make a chain of more than 8 rules" in message


def test_a_firing_whose_record_was_lost_is_recognised_by_its_journaled_change(
    replica: Replica, it_queue: str
) -> None:
    save(replica, name="Breach tag", event="sla_breach", actions=[{"kind": "add_tag", "value": "late"}])
    tid = (
        TicketService(replica)
        .create_ticket(NewTicket("Phones down", it_queue, impact=1, urgency=2))
        .entity_id
    )
    assert len(run_due_rules(replica, at(2, 10, 5)).fired) == 1
    TicketService(replica).update_ticket(tid, {"tags": []})
    with replica.write() as s:  # e.g. the ticket's history was replaced by a pull
        s.query(Activity).filter(Activity.entity_type == "rule_execution").delete()
    assert run_due_rules(replica, at(2, 10, 10)).fired == ()
    assert TicketQueries(replica).detail(tid).tags == ()
