"""A ticket's channel travels: made on one desk, stored by the server (SQLite and
PostgreSQL), pulled by another desk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk, server_snapshot

EXPECTED = {"Mailbox full": "email", "Badge broken": "walk_in", "Printer jammed": "phone"}


def _server_channels(srv: ServerUnderTest) -> dict[str, str]:
    with srv.db.engine.connect() as c:
        return {str(r[0]): str(r[1]) for r in c.execute(text("SELECT subject, channel FROM tickets"))}


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_channel_is_pushed_stored_and_pulled(
    engine: str, request: pytest.FixtureRequest, desk: Callable[..., Desk]
) -> None:
    srv: ServerUnderTest = request.getfixturevalue("server" if engine == "sqlite" else "pg_server")
    alice, bob = desk(srv, "alice"), desk(srv, "bob")
    alice.sync()  # the queues come down
    bob.sync()
    made = {
        "Mailbox full": alice.new_ticket("Mailbox full", channel="email"),
        "Badge broken": alice.new_ticket("Badge broken", channel="walk_in"),
        "Printer jammed": alice.new_ticket("Printer jammed"),  # typed by an agent: phone
    }
    alice.sync()
    assert _server_channels(srv) == EXPECTED
    bob.sync()
    assert {subject: bob.ticket(tid)["channel"] for subject, tid in made.items()} == EXPECTED
    assert server_snapshot(srv)["tickets"] == bob.snapshot()["tickets"]  # channel among the fields compared
