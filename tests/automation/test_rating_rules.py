"""``rating_received`` rules: a rating pulled into the replica fires the matching rules once
on the timer, with a condition on the score; ``notify`` reaches the queue's managers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from support.clocks import DeviceClock

from sync.automation.due_rules import run_due_rules
from sync.automation.notifications import Notifications
from sync.automation.rule_store import RuleStore
from sync.ids import new_id
from sync.replica.models import Person, QueueMember
from sync.replica.replica import Replica
from sync.services.ticket_service import NewTicket, TicketService


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def pulled_rating(replica: Replica, ticket_id: str, score: int, when: datetime) -> None:
    """The row a pull writes (``sync.engine.pull_apply``) for a rating made in the portal."""
    with replica.write() as s:
        s.execute(
            text(
                "INSERT OR REPLACE INTO ratings (id, ticket_id, person_id, score, comment, at, version) "
                "VALUES (:t, :t, :p, :score, '', :at, 9)"
            ),
            {"t": ticket_id, "p": new_id(), "score": score, "at": when.replace(tzinfo=None)},
        )


def test_a_low_rating_notifies_the_queue_managers_once(
    replica: Replica, clock: DeviceClock, it_queue: str
) -> None:
    with replica.write() as s:
        mia, bob = new_id(), new_id()
        s.add(Person(id=mia, name="Mia Manager", username="mia", role="manager", tier=1, active=True))
        s.add(Person(id=bob, name="Bob Builder", username="bob", role="agent", tier=1, active=True))
        s.add_all(
            [QueueMember(queue_id=it_queue, person_id=mia), QueueMember(queue_id=it_queue, person_id=bob)]
        )
    RuleStore(replica).save(
        {
            "name": "Low rating to the managers",
            "event": "rating_received",
            "conditions": [{"field": "rating", "op": "le", "value": 2}],
            "actions": [
                {"kind": "notify", "to": "queue_managers", "value": "{ticket.number} was rated low"},
                {"kind": "add_tag", "value": "low-csat"},
            ],
        }
    )
    tickets = TicketService(replica)
    low = tickets.create_ticket(NewTicket("VPN drops", it_queue)).entity_id
    high = tickets.create_ticket(NewTicket("New mouse", it_queue)).entity_id
    pulled_rating(replica, low, 1, at(2, 9))
    pulled_rating(replica, high, 5, at(2, 9))

    fired = run_due_rules(replica, at(2, 9, 5)).fired
    assert [(f.rule_name, f.ticket_id) for f in fired] == [("Low rating to the managers", low)]
    assert run_due_rules(replica, at(2, 9, 10)).fired == ()  # once per rating
    notes = Notifications(replica)
    [note] = notes.for_user(mia)
    assert note.message == "L1 was rated low"
    assert notes.for_user(bob) == []  # an agent of the queue, not a manager

    pulled_rating(replica, high, 2, at(3, 9))  # the requester changed their mind: a new event
    assert [f.ticket_id for f in run_due_rules(replica, at(3, 9, 5)).fired] == [high]
    assert run_due_rules(replica, at(20, 9)).fired == ()  # old ratings raise nothing
