"""Macros with placeholders, ticket templates and the checklists technicians tick off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sync.automation.checklists import Checklists, apply_checklist_change
from sync.automation.macros import MacroService
from sync.automation.rule_store import RuleStore
from sync.automation.ticket_templates import TemplateService, default_ticket_templates
from sync.errors import NotFoundError, PermissionDeniedError, ValidationError
from sync.replica.models import Mutation, Person
from sync.replica.replica import Replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService
from tests.automation.conftest import DeviceClock


def ops(replica: Replica, ticket_id: str) -> list[str]:
    with replica.read() as s:
        return list(
            s.execute(
                select(Mutation.op).where(Mutation.entity_id == ticket_id).order_by(Mutation.seq)
            ).scalars()
        )


@pytest.fixture
def ticket(replica: Replica, it_queue: str) -> str:
    requester = Directory(replica).add_requester("Zoë {agent.name} O'Neil", email="zoe@example.org").entity_id
    subject = "Printer says {0.__class__} and {{ticket.number}}"
    return (
        TicketService(replica).create_ticket(NewTicket(subject, it_queue, requester_id=requester)).entity_id
    )


def test_a_macro_replies_with_literal_values_and_changes_fields_in_one_action(
    replica: Replica, clock: DeviceClock, ticket: str
) -> None:
    macros = MacroService(replica)
    macros.save(
        {
            "name": "Ask for details",
            "body": "Hi {requester.first_name}, about {ticket.number} ({ticket.subject}): which room? "
            "{{Reply above this line}} — {agent.name}",
            "changes": {"status": "pending_requester", "assignee_id": "me"},
            "add_tags": ["waiting"],
        }
    )
    clock.set(2, 9, 20)
    macros.apply(ticket, "ask for details")
    detail = TicketQueries(replica).detail(ticket)
    [reply] = detail.comments
    assert reply.kind == "reply" and reply.body == (
        "Hi Zoë, about L1 (Printer says {0.__class__} and {{ticket.number}}): which room? "
        "{Reply above this line} — Ana Admin"
    )
    assert (detail.status, detail.assignee_id, detail.tags) == (
        "pending_requester",
        replica.current_user_id,
        ("waiting",),
    )
    assert detail.first_response_at is not None and detail.sla is not None and detail.sla.state == "paused"
    assert ops(replica, ticket) == ["ticket.create", "ticket.update", "ticket.comment"]
    assert ("pending_requester", "macro 'Ask for details'") in [
        (a.new_value, a.note) for a in detail.activity
    ]


def test_requester_text_cannot_inject_placeholders(replica: Replica, ticket: str) -> None:
    macros = MacroService(replica)
    macros.save({"name": "Ack", "body": "Dear {requester.name}, logged as {ticket.number}."})
    assert macros.preview(ticket, "Ack") == "Dear Zoë {agent.name} O'Neil, logged as L1."
    with pytest.raises(ValidationError, match="unknown placeholder"):
        macros.save({"name": "Bad", "body": "Dear {requester.title}"})
    with pytest.raises(ValidationError, match="cannot change"):
        macros.save({"name": "Bad", "changes": {"subject": "x"}})


def test_personal_macros_belong_to_their_owner_and_shared_ones_to_managers(
    replica: Replica, ticket: str, agents: dict[str, str]
) -> None:
    MacroService(replica).save({"name": "Shared ack", "body": "Thanks!"})
    replica.set_setting("current_user_id", agents["bob"])
    bob = MacroService(replica)
    with pytest.raises(PermissionDeniedError, match="shared"):
        bob.save({"name": "Mine", "body": "Hello"})
    bob.save({"name": "Bob's ack", "body": "Cheers, {agent.first_name}", "owner_id": agents["bob"]})
    assert [m.name for m in bob.list()] == ["Bob's ack", "Shared ack"]
    bob.apply(ticket, "Bob's ack")
    assert TicketQueries(replica).detail(ticket).comments[0].body == "Cheers, Bob"
    replica.set_setting("current_user_id", agents["cleo"])
    assert [m.name for m in MacroService(replica).list()] == ["Shared ack"]
    with pytest.raises(NotFoundError):
        MacroService(replica).apply(ticket, "Bob's ack")


def test_templates_create_tickets_with_checklists_that_technicians_tick(
    replica: Replica, clock: DeviceClock, it_queue: str, agents: dict[str, str]
) -> None:
    templates = TemplateService(replica)
    assert templates.install_defaults() == 3 and templates.install_defaults() == 0
    assert [t.name for t in templates.list()] == ["Equipment move", "New starter", "Room setup"]
    with pytest.raises(ValidationError, match="no queue"):
        templates.create_ticket("New starter")
    tid = templates.create_ticket(
        "new starter", queue_id=it_queue, subject="New starter: Priya, Monday"
    ).entity_id
    detail = TicketQueries(replica).detail(tid)
    assert (detail.subject, detail.type, detail.tags) == (
        "New starter: Priya, Monday",
        "service_request",
        ("onboarding",),
    )
    checklists = Checklists(replica)
    checklist = checklists.get(tid)
    assert checklist is not None and checklist.template_id == "tpl-new-starter"
    assert [i.text for i in checklist.items] == list(default_ticket_templates()[0].checklist)
    clock.set(2, 10, 5)
    checklists.tick(tid, "2")
    assert checklists.tick(tid, "2").changes.is_empty  # ticking a ticked step writes nothing
    checklists.tick(tid, checklist.items[0].id)
    checklists.tick(tid, "1", done=False)
    checklists.add_item(tid, "Order a second monitor")
    after = checklists.get(tid)
    assert after is not None
    assert [(i.done, i.done_at) for i in after.items[:2]] == [(False, None), (True, clock.now)]
    assert after.items[1].done_by == replica.current_user_id and len(after.items) == 7
    assert ops(replica, tid) == ["ticket.create", "ticket.checklist"] + ["ticket.checklist"] * 4
    steps = [a.new_value for a in TicketQueries(replica).detail(tid).activity if a.field == "checklist"]
    assert sorted(steps, key=str) == sorted(
        [  # activity at the same instant has no order
            "6 steps",
            "✓ Add to the team's groups and shared drives",
            "✓ Create the user account and mailbox",
            "☐ Create the user account and mailbox",
            "+ Order a second monitor",
        ]
    )
    with pytest.raises(NotFoundError, match="1 to 7"):
        checklists.tick(tid, "9")


def test_checklist_ticks_are_ticket_updates_for_rules_and_pulled_ticks_apply(
    replica: Replica, it_queue: str
) -> None:
    RuleStore(replica).save(
        {
            "name": "Checklist progress",
            "event": "updated",
            "conditions": [{"field": "changed", "op": "includes", "value": "checklist"}],
            "actions": [{"kind": "set_field", "field": "status", "value": "in_progress"}],
        }
    )
    tid = TicketService(replica).create_ticket(NewTicket("Move desk", it_queue)).entity_id
    checklists = Checklists(replica)
    checklists.attach(tid, ["Unplug", "Carry", "Plug in"])
    assert TicketQueries(replica).detail(tid).status == "in_progress"
    checklist = checklists.get(tid)
    assert checklist is not None
    with replica.write() as s:  # the server sends another technician's tick
        apply_checklist_change(
            s,
            {
                "ticket_id": tid,
                "action": "tick",
                "item_id": checklist.items[2].id,
                "at": "2026-03-02T11:00:00+00:00",
            },
        )
    pulled = checklists.get(tid)
    assert pulled is not None and [i.done for i in pulled.items] == [False, False, True]
    with pytest.raises(ValidationError, match="needs some text"):
        checklists.add_item(tid, "  ")


def test_templates_are_for_managers(replica: Replica, agents: dict[str, str]) -> None:
    with replica.write() as s:
        bob = s.get(Person, agents["bob"])
        assert bob is not None and bob.role == "agent"
    replica.set_setting("current_user_id", agents["bob"])
    with pytest.raises(PermissionDeniedError):
        TemplateService(replica).install_defaults()
