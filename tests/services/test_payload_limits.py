"""The replica's services refuse, offline and at once, what the server would refuse.

The services journal every change with the wire payload models the server validates with
(``sync.protocol.payloads``): an oversized or wrongly typed value is a ``ValidationError``
with a message naming the field, and nothing is written or queued.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from sync.errors import ValidationError
from sync.replica.models import Activity, Mutation, Ticket
from sync.replica.replica import Replica
from sync.services.article_service import ArticleService
from sync.services.directory import Directory
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork


def _state(replica: Replica, ticket_id: str) -> tuple[int, int, dict[str, Any]]:
    with replica.read() as s:
        journal = int(s.execute(select(func.count()).select_from(Mutation)).scalar_one())
        activity = int(s.execute(select(func.count()).select_from(Activity)).scalar_one())
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return journal, activity, {c.name: getattr(t, c.name) for c in Ticket.__table__.columns}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("description", "d" * 500_001, "description is longer than 500,000"),
        ("resolution", "r" * 500_001, "resolution is longer than 500,000"),
        ("category", "c" * 121, "category is longer than 120"),
        ("location", "l" * 201, "location is longer than 200"),
        ("asset", "a" * 201, "asset is longer than 200"),
        ("subject", ["x"], "subject must be text"),
        ("queue_id", ["x"], "queue must be given by its id"),
        ("assignee_id", {"id": "x"}, "assignee must be given by its id"),
        ("location", "Plant room\x00B", "NUL character"),
    ],
)
def test_an_update_the_server_would_refuse_is_refused_offline(
    replica: Replica, it_queue: str, field: str, value: object, words: str
) -> None:
    svc = TicketService(replica)
    ticket_id = svc.create_ticket(NewTicket(subject="Projector dead", queue_id=it_queue)).entity_id
    before = _state(replica, ticket_id)
    with pytest.raises(ValidationError) as refused:
        svc.update_ticket(ticket_id, {field: value})
    assert words in refused.value.message
    assert _state(replica, ticket_id) == before


def test_a_new_ticket_with_an_oversized_field_is_refused_offline(replica: Replica, it_queue: str) -> None:
    with pytest.raises(ValidationError, match="location is longer than 200"):
        TicketService(replica).create_ticket(NewTicket(subject="Leak", queue_id=it_queue, location="x" * 201))
    with replica.read() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Mutation)).scalar_one() == 0


def test_other_services_use_the_same_limits(replica: Replica, it_queue: str) -> None:
    ticket_id = TicketService(replica).create_ticket(NewTicket(subject="Leak", queue_id=it_queue)).entity_id
    with pytest.raises(ValidationError, match="longer than 100"):
        TicketWork(replica).note(ticket_id, "n" * 100_001)
    with pytest.raises(ValidationError, match="phone is longer than 60"):
        Directory(replica).add_requester("Pat Doe", phone="1" * 61)
    with pytest.raises(ValidationError, match="tags is longer than 2,000"):
        ArticleService(replica).create("Reset", "Off and on.", tags=[f"t{i}" for i in range(600)])
    with replica.read() as s:
        assert s.execute(select(func.count()).select_from(Mutation)).scalar_one() == 1  # the ticket
