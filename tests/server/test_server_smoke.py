"""End to end over HTTP: sign in, create a ticket, pull it back with its server number."""

from __future__ import annotations

from server.server_harness import ServerUnderTest


def test_create_push_then_pull(server: ServerUnderTest) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    dev = server.device("ana")
    create = dev.new_ticket(it, "VPN down")
    [outcome] = dev.push_ok(create)
    assert outcome["status"] == "applied", outcome
    assert outcome["ticket_number"] == 1
    pages = dev.pull_all()
    tickets = [t for p in pages for t in p["records"]["tickets"]]
    assert [t["subject"] for t in tickets] == ["VPN down"]
    assert tickets[0]["number"] == 1
