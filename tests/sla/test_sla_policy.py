"""SLA policies, selection rules, the built-in defaults and the synced document."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest

from sync.domain.priority import Priority
from sync.domain.ticket_type import TicketType
from sync.sla import (
    ALWAYS_OPEN_CALENDAR,
    OFFICE_HOURS_CALENDAR,
    BusinessCalendar,
    SlaConfig,
    SlaPolicy,
    SlaRule,
    SlaSubject,
    SlaTargets,
    default_sla_config,
    default_sla_policy,
)

HOUR = 3600


def uniform_policy(name: str, calendar: str = "office", hours: int = 1) -> SlaPolicy:
    return SlaPolicy(name, calendar, {p: SlaTargets(hours * HOUR, 4 * hours * HOUR) for p in Priority})


OFFICE = BusinessCalendar.weekdays("office", "UTC", time(9), time(17))


def make_config() -> SlaConfig:
    return SlaConfig(
        calendars=[OFFICE, BusinessCalendar.always_open()],
        policies=[
            uniform_policy("standard"),
            uniform_policy("vip", "24/7"),
            uniform_policy("facilities", hours=8),
            uniform_policy("hr-questions", hours=24),
        ],
        rules=[
            SlaRule("vip", requester_group="executives"),
            SlaRule("facilities", queue="facilities"),
            SlaRule("hr-questions", queue="hr", ticket_type=TicketType.QUESTION),
        ],
        default_policy="standard",
    )


def test_the_built_in_defaults_have_the_documented_targets() -> None:
    policy = default_sla_policy()
    p1, p2, p3, p4 = (policy.targets_for(p) for p in Priority)
    assert (p1.first_response, p1.resolution) == (15 * 60, 4 * HOUR)
    assert policy.calendar_for(Priority.CRITICAL) == ALWAYS_OPEN_CALENDAR
    assert (p2.first_response, p2.resolution) == (HOUR, 8 * HOUR)
    assert (p3.first_response, p3.resolution) == (4 * HOUR, 30 * HOUR)
    assert (p4.first_response, p4.resolution) == (10 * HOUR, 50 * HOUR)
    assert {policy.calendar_for(p) for p in (Priority.HIGH, Priority.MEDIUM, Priority.LOW)} == {
        OFFICE_HOURS_CALENDAR
    }
    assert policy.warn_at == 0.75
    office = default_sla_config("Europe/Berlin").calendars[OFFICE_HOURS_CALENDAR]
    assert office.time_zone == "Europe/Berlin"
    assert office.weekly[0] == ((time(8), time(18)),)
    assert office.weekly[5] == office.weekly[6] == ()


def test_first_matching_rule_wins_and_none_is_a_wildcard() -> None:
    config = make_config()
    executive_in_facilities = SlaSubject(queue="facilities", requester_groups=frozenset({"executives"}))
    assert config.select_policy(executive_in_facilities).name == "vip"
    assert config.select_policy(SlaSubject(queue="facilities", category="hvac")).name == "facilities"
    hr_question = SlaSubject(queue="hr", ticket_type=TicketType.QUESTION)
    assert config.select_policy(hr_question).name == "hr-questions"


def test_every_condition_of_a_rule_must_match_else_the_default_applies() -> None:
    config = make_config()
    assert config.select_policy(SlaSubject(queue="hr", ticket_type=TicketType.INCIDENT)).name == "standard"
    assert (
        config.select_policy(SlaSubject(queue="it", requester_groups=frozenset({"staff"}))).name == "standard"
    )
    assert config.select_policy(SlaSubject()).name == "standard"


def test_a_rule_can_match_on_category() -> None:
    rule = SlaRule("x", category="safety")
    assert rule.matches(SlaSubject(queue="anything", category="safety"))
    assert not rule.matches(SlaSubject(category="printers"))


def test_the_whole_configuration_round_trips_through_json() -> None:
    config = make_config()
    document = json.loads(json.dumps(config.to_dict()))
    assert [item["name"] for item in document["calendars"]] == ["24/7", "office"]
    assert document["rules"][2] == {
        "policy": "hr-questions",
        "queue": "hr",
        "category": None,
        "ticket_type": "question",
        "requester_group": None,
    }
    restored = SlaConfig.from_dict(document)
    assert restored == config
    assert restored.rules == config.rules
    assert restored.policies["vip"] == config.policies["vip"]
    assert restored.calendars["office"] == OFFICE
    assert default_sla_config("America/New_York") == SlaConfig.from_dict(
        json.loads(json.dumps(default_sla_config("America/New_York").to_dict()))
    )
    assert default_sla_config("America/New_York") != default_sla_config("Europe/Berlin")


def test_policy_targets_are_read_only_and_validated() -> None:
    policy = uniform_policy("p")
    with pytest.raises(TypeError):
        policy.targets[Priority.LOW] = SlaTargets(1, 1)  # type: ignore[index]
    with pytest.raises(ValueError, match="no targets for P4"):
        SlaPolicy("p", "office", {p: SlaTargets(1, 1) for p in Priority if p is not Priority.LOW})
    with pytest.raises(ValueError, match="warn_at"):
        SlaPolicy("p", "office", {p: SlaTargets(1, 1) for p in Priority}, warn_at=1.5)
    with pytest.raises(ValueError, match="first_response"):
        SlaTargets(0, 10)
    with pytest.raises(ValueError, match="next_update"):
        SlaTargets(10, 10, next_update=-5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"default_policy": "missing"}, "default SLA policy"),
        ({"rules": [SlaRule("missing")]}, "undefined policy"),
        ({"calendars": [OFFICE]}, "undefined calendar '24/7'"),
        ({"policies": [uniform_policy("standard"), uniform_policy("standard")]}, "two SLA policy"),
    ],
)
def test_dangling_or_duplicate_names_are_refused(change: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "calendars": [OFFICE, BusinessCalendar.always_open()],
        "policies": [uniform_policy("standard"), uniform_policy("vip", "24/7")],
        "rules": [],
        "default_policy": "standard",
    }
    with pytest.raises(ValueError, match=message):
        SlaConfig(**(arguments | change))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.pop("default_policy"),
        lambda d: d["policies"][0].pop("targets"),
        lambda d: d["policies"][0]["targets"].update({"9": d["policies"][0]["targets"]["1"]}),
        lambda d: d["policies"][0]["targets"]["1"].update({"resolution": "4h"}),
        lambda d: d["rules"][0].update({"ticket_type": "complaint"}),
        lambda d: d["calendars"][0].update({"time_zone": "Nowhere/Special"}),
    ],
)
def test_malformed_documents_raise_value_error(mangle: Any) -> None:
    document = json.loads(json.dumps(make_config().to_dict()))
    mangle(document)
    with pytest.raises(ValueError):
        SlaConfig.from_dict(document)
