"""A poison mutation in the outbox is refused for good and the rest of the outbox drains.

The journal rows here are edited by hand after a service wrote them — what an older app
version or a broken device clock leaves behind, since today's services refuse such values
before journaling. The real engine pushes them to a real server (SQLite and PostgreSQL):
the server rejects the poison as ``invalid_input`` (it used to answer 500, leaving the
mutation undecided and every later change stuck behind it), the good change after it is
applied, and the refused work is shown to the person in the sync inbox, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk

MakeDesk = Callable[..., Desk]


def _edit_last_payload(desk: Desk, edit: Callable[[dict[str, Any]], None]) -> int:
    with desk.replica.write() as s:
        seq, payload = s.execute(text("SELECT seq, payload FROM journal ORDER BY seq DESC LIMIT 1")).one()
        data = json.loads(payload) if isinstance(payload, str) else dict(payload)
        edit(data)
        s.execute(text("UPDATE journal SET payload = :p WHERE seq = :s"), {"p": json.dumps(data), "s": seq})
    return int(seq)


def _far_future(payload: dict[str, Any]) -> None:
    payload["ticket"]["created_at"] = "9999-12-31T23:59:59-23:59"


@pytest.mark.parametrize("server_kind", ["server", "pg_server"])
@pytest.mark.parametrize("poison", ["create_far_future", "update_listed_queue"])
def test_a_poison_mutation_is_reported_and_the_outbox_drains(
    request: pytest.FixtureRequest, desk: MakeDesk, server_kind: str, poison: str
) -> None:
    srv: ServerUnderTest = request.getfixturevalue(server_kind)
    a = desk(srv, "alice")
    a.sync()
    if poison == "create_far_future":
        bad_ticket = a.new_ticket("Created while the clock was broken")
        poison_seq = _edit_last_payload(a, _far_future)
    else:
        bad_ticket = a.new_ticket("Printer jammed")
        a.sync()
        a.tickets.update_ticket(bad_ticket, {"location": "Room 4"})
        queue = a.queue("IT")  # a real queue id, wrapped in a list: the server used to crash
        poison_seq = _edit_last_payload(a, lambda p: p["changes"].update(queue_id=[queue]))
    good_ticket = a.new_ticket("Monitor flickers")

    report = a.sync()

    assert a.pending() == 0
    assert report.rejected == 1 and report.blocked is None
    with a.replica.read() as s:
        state = s.execute(text("SELECT state FROM journal WHERE seq = :s"), {"s": poison_seq}).scalar_one()
        refused = s.execute(
            text("SELECT kind, reason_kind, reason, payload FROM sync_conflicts WHERE mutation_seq = :s"),
            {"s": poison_seq},
        ).one()
    assert state == "rejected"
    assert refused.kind == "rejected" and refused.reason_kind == "invalid_input"
    assert refused.reason and json.loads(refused.payload)  # the work is kept for the person
    with srv.db.snapshot_session() as s:
        subjects = set(s.execute(text("SELECT subject FROM tickets")).scalars())
        location = s.execute(text("SELECT location FROM tickets WHERE id = :i"), {"i": bad_ticket}).scalar()
    assert "Monitor flickers" in subjects
    if poison == "create_far_future":
        assert "Created while the clock was broken" not in subjects
    else:
        assert location == ""  # the refused update changed nothing on the server
        assert a.ticket(bad_ticket)["location"] == ""  # and was put back locally
    assert a.ticket(good_ticket)["number"] is not None
