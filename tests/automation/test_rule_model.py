"""Rules as data: validation, JSON round trip, and condition semantics (pure)."""

from __future__ import annotations

import json

import pytest

from sync.automation.conditions import TicketFacts, condition_holds, conditions_hold
from sync.automation.placeholders import check_template, render
from sync.automation.rule_model import Action, ActionKind, Condition, EventKind, Rule


def rule(**kw: object) -> Rule:
    base: dict[str, object] = {
        "id": "r1",
        "name": "Printers to facilities",
        "event": "created",
        "conditions": [{"field": "subject", "op": "contains", "value": "printer"}],
        "actions": [{"kind": "add_tag", "value": "printer"}],
    }
    base.update(kw)
    return Rule.from_dict(base)


def test_a_rule_round_trips_through_json() -> None:
    original = Rule(
        id="r2",
        name="Chase silent tickets",
        event=EventKind.NO_REPLY,
        hours=4,
        conditions=(Condition("priority", "le", 2), Condition("queue", "in", ["q1", "q2"])),
        actions=(
            Action(ActionKind.NOTIFY, value="{ticket.number} waits", to="queue"),
            Action(ActionKind.ASSIGN_TIER, value=2),
        ),
        position=3,
    )
    assert Rule.from_dict(json.loads(json.dumps(original.to_dict()))) == original


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event": "sometimes"}, "sometimes"),
        ({"conditions": [{"field": "colour", "op": "is", "value": "red"}]}, "unknown condition field"),
        ({"conditions": [{"field": "tags", "op": "contains", "value": "x"}]}, "does not apply"),
        ({"conditions": [{"field": "priority", "op": "lt", "value": "two"}]}, "whole number"),
        ({"actions": []}, "no actions"),
        ({"actions": [{"kind": "set_field", "field": "assignee_id", "value": "x"}]}, "cannot set"),
        ({"actions": [{"kind": "assign_tier", "value": 5}]}, "tier of 1, 2 or 3"),
        ({"actions": [{"kind": "notify", "value": "hi"}]}, "recipient"),
        ({"event": "no_reply"}, "hours"),
        ({"hours": 3}, "only apply"),
        ({"name": " "}, "name"),
    ],
)
def test_invalid_rules_are_refused_with_a_reason(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rule(**change)


def facts(**values: object) -> TicketFacts:
    base = {"subject": "Printer jammed on floor 2", "description": "", "priority": 3, "status": "open"}
    base.update(values)
    return TicketFacts(
        base, frozenset({"hardware"}), {"status": ("new", "open")}, "It is URGENT", "requester"
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("subject", "contains", "PRINTER"), True),
        (Condition("subject", "starts_with", "printer jam"), True),
        (Condition("text", "contains", "urgent"), True),  # the event's comment counts as text
        (Condition("comment", "not_contains", "urgent"), False),
        (Condition("comment_from", "is", "requester"), True),
        (Condition("priority", "is", "3"), True),
        (Condition("priority", "lt", 3), False),
        (Condition("priority", "ge", 3), True),
        (Condition("status", "in", ["open", "in_progress"]), True),
        (Condition("status", "changed_to", "open"), True),
        (Condition("status", "changed_from", "open"), False),
        (Condition("assignee", "is_empty"), True),
        (Condition("tags", "has", "#Hardware"), True),  # tags are normalised like the ticket's
        (Condition("tags", "has_not", "hardware"), False),
        (Condition("changed", "includes", "status"), True),
        (Condition("changed", "excludes", "assignee"), True),
    ],
)
def test_conditions(condition: Condition, expected: bool) -> None:
    assert condition_holds(condition, facts()) is expected


def test_no_conditions_always_match_and_all_must_hold() -> None:
    assert conditions_hold((), facts())
    assert not conditions_hold((Condition("priority", "is", 3), Condition("status", "is", "new")), facts())


def test_placeholders_are_filled_in_one_pass_and_values_stay_literal() -> None:
    values = {"ticket.subject": "{agent.name} {0.__class__} {{x}}", "agent.name": "Ana"}
    text = render("Re: {ticket.subject} from {agent.name} {{ok}} {unknown.thing} {", values)
    assert text == "Re: {agent.name} {0.__class__} {{x}} from Ana {ok} {unknown.thing} {"
    with pytest.raises(ValueError, match="unknown placeholder"):
        check_template("Dear {requester.nickname}")
    check_template("Dear {requester.first_name}, about {{this}}")
