"""Qt-free services the desktop needs: a macro's message for the composer, a template's form
turned into a ticket with its checklist, and the dry run that finds rule loops before saving."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from sync.automation.checklists import Checklists
from sync.automation.macros import MacroService
from sync.automation.rule_check import RuleCheck
from sync.automation.rule_model import Rule
from sync.automation.rule_store import RuleStore
from sync.automation.ticket_templates import TemplateService
from sync.errors import ValidationError
from sync.replica.models import Mutation, Ticket
from sync.replica.replica import Replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import NewTicket, TicketService


def _counts(replica: Replica) -> tuple[int, int]:
    with replica.read() as s:
        return (
            int(s.execute(select(func.count()).select_from(Mutation)).scalar_one()),
            int(s.execute(select(func.count()).select_from(Ticket)).scalar_one()),
        )


def test_fill_changes_fields_and_returns_the_message_unwritten(replica: Replica, it_queue: str) -> None:
    requester = Directory(replica).add_requester("Zoë Field", email="zoe@example.org").entity_id
    tid = TicketService(replica).create_ticket(NewTicket("VPN", it_queue, requester_id=requester)).entity_id
    macros = MacroService(replica)
    macros.save(
        {
            "name": "Waiting",
            "body": "Hi {requester.first_name}, re {ticket.number} ({ticket.status})",
            "changes": {"status": "pending_requester"},
            "add_tags": ["waiting"],
        }
    )
    filled = macros.fill(tid, "Waiting")
    detail = TicketQueries(replica).detail(tid)
    assert filled.text == "Hi Zoë, re L1 (pending requester)"  # rendered against the changed ticket
    assert filled.kind == "reply" and tid in filled.result.changes.tickets
    assert (detail.status, detail.tags, detail.comments) == ("pending_requester", ("waiting",), ())


def test_create_from_draft_keeps_the_form_and_adds_the_template_checklist(
    replica: Replica, it_queue: str
) -> None:
    templates = TemplateService(replica)
    templates.install_defaults()
    draft = NewTicket("New starter: Kim", it_queue, type="service_request", impact=2, tags=("onboarding",))
    tid = templates.create_from_draft("New starter", draft).entity_id
    detail = TicketQueries(replica).detail(tid)
    checklist = Checklists(replica).get(tid)
    assert (detail.subject, detail.impact) == ("New starter: Kim", 2)
    assert checklist is not None and checklist.template_id == "tpl-new-starter" and len(checklist.items) == 6


def _rule(name: str, **data: Any) -> Rule:
    return Rule.from_dict({"id": name.lower().replace(" ", "-"), "name": name, **data})


VIP = {
    "event": "updated",
    "conditions": [{"field": "tags", "op": "has", "value": "vip"}],
    "actions": [{"kind": "set_field", "field": "priority", "value": 1}],
}
CAP = {
    "event": "updated",
    "conditions": [{"field": "priority", "op": "is", "value": 1}],
    "actions": [{"kind": "set_field", "field": "priority", "value": 2}],
}


@pytest.mark.parametrize("saved_first", ["vip", "cap"])
def test_a_rule_that_would_loop_with_a_saved_one_is_found_without_writing(
    replica: Replica, it_queue: str, saved_first: str
) -> None:
    TicketService(replica).create_ticket(NewTicket("Mouse", it_queue))  # no ticket is VIP yet
    first, second = (("VIP is critical", VIP), ("Cap at P2", CAP))[:: 1 if saved_first == "vip" else -1]
    RuleStore(replica).save(_rule(first[0], **first[1]))
    before = _counts(replica)
    check = RuleCheck(replica)
    loops = check.loops(_rule(second[0], **second[1]))
    assert len(loops) == 1 and "These rules undo or re-trigger each other" in loops[0]
    assert "'VIP is critical'" in loops[0] and "'Cap at P2'" in loops[0]
    with pytest.raises(ValidationError, match="was not saved"):
        check.check(_rule(second[0], **second[1]))
    assert _counts(replica) == before  # the dry run left nothing behind
    assert [r.name for r in RuleStore(replica).list()] == [first[0]]


def test_rules_that_agree_pass_the_check(replica: Replica, it_queue: str) -> None:
    TicketService(replica).create_ticket(NewTicket("Mouse", it_queue, tags=("vip",)))
    RuleStore(replica).save(_rule("VIP is critical", **VIP))
    agree = {**CAP, "actions": [{"kind": "add_tag", "value": "p1"}]}
    assert RuleCheck(replica).loops(_rule("Tag P1", **agree)) == []
    disabled = _rule("Cap at P2", **CAP, enabled=False)
    assert RuleCheck(replica).loops(disabled) == []


def test_save_checked_refuses_loops_and_incomplete_rules_and_saves_good_ones(
    replica: Replica, it_queue: str
) -> None:
    from sync.automation.rule_check import save_checked

    save_checked(replica, {"name": "VIP is critical", **VIP})
    with pytest.raises(
        ValidationError,
        match=r"'Cap at P2' was not saved\. Rule 'VIP is critical' would run again after 'Cap at P2'",
    ):
        save_checked(replica, {"name": "Cap at P2", **CAP})
    with pytest.raises(ValidationError, match="has no actions"):
        save_checked(replica, {"name": "Empty", "event": "created", "actions": []})
    save_checked(replica, {"name": "Tag P1", **CAP, "actions": [{"kind": "add_tag", "value": "p1"}]})
    assert [r.name for r in RuleStore(replica).list()] == ["Tag P1", "VIP is critical"]


def test_a_dry_run_does_not_log_the_loops_it_finds_but_a_real_loop_still_is(
    replica: Replica, it_queue: str, caplog: pytest.LogCaptureFixture
) -> None:
    RuleStore(replica).save(_rule("VIP is critical", **VIP))
    assert RuleCheck(replica).loops(_rule("Cap at P2", **CAP))
    assert [r for r in caplog.records if r.name == "sync.automation.rule_engine"] == []
    RuleStore(replica).save(_rule("Cap at P2", **CAP))  # saved past the check, as a sync would
    service = TicketService(replica)
    tid = service.create_ticket(NewTicket("Dean's laptop", it_queue)).entity_id
    service.update_ticket(tid, {"tags": ["vip"]})
    assert any("Automation stopped" in r.getMessage() for r in caplog.records)
