"""The one new-ticket rule (replica and server): defaults from the schema, the channel
checked against its values, a priority override kept even when it equals the base P4."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sync.domain.new_ticket import new_ticket_values
from sync.errors import ValidationError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_new_ticket_starts_new_at_tier_one_by_phone() -> None:
    values = new_ticket_values({"subject": " Printer jams ", "queue_id": "q1", "tags": "B a"}, now=NOW)
    assert values["subject"] == "Printer jams" and values["tags"] == ["a", "b"]
    assert (values["status"], values["tier"], values["channel"], values["priority"]) == ("new", 1, "phone", 4)
    assigned = new_ticket_values({"subject": "x", "queue_id": "q1", "assignee_id": "p1"}, now=NOW)
    assert assigned["status"] == "open"


def test_the_channel_is_normalised_and_an_unknown_one_refused() -> None:
    assert (
        new_ticket_values({"subject": "x", "queue_id": "q", "channel": "Walk-in"}, now=NOW)["channel"]
        == "walk_in"
    )
    with pytest.raises(
        ValidationError, match=r"'fax' is not a valid channel .*phone, walk_in, email, portal, agent"
    ):
        new_ticket_values({"subject": "x", "queue_id": "q", "channel": "fax"}, now=NOW)


def test_a_priority_overridden_to_p4_stays_p4() -> None:
    values = new_ticket_values(
        {"subject": "x", "queue_id": "q", "impact": 1, "urgency": 1},
        now=NOW,
        priority=4,
        priority_reason="known",
    )
    assert (values["priority"], values["priority_overridden"]) == (4, True)
