"""The server's side of a ticket's channel (each test runs on SQLite and PostgreSQL): a create
from an Outpost that predates the field reads ``phone``; an unknown channel is refused with
a reason, and the pull carries the stored value."""

from __future__ import annotations

from server.server_harness import ServerUnderTest
from sqlalchemy import select

from sync.server.db.models import Ticket


def test_a_create_without_a_channel_reads_phone_and_an_unknown_one_is_refused(
    server: ServerUnderTest,
) -> None:
    it = server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    dev = server.device("ana")
    old = dev.new_ticket(it, "Sent by an older Outpost")
    del old["payload"]["ticket"]["channel"]
    mail = dev.new_ticket(it, "Sent by mail", channel="email")
    fax = dev.new_ticket(it, "Sent by fax", channel="fax")
    outcomes = dev.push_ok(old, mail, fax)
    assert [o["status"] for o in outcomes] == ["applied", "applied", "rejected"]
    assert "not a valid channel" in outcomes[2]["reason"] and "walk_in" in outcomes[2]["reason"]
    with server.db.snapshot_session() as s:
        stored = {subject: channel for subject, channel in s.execute(select(Ticket.subject, Ticket.channel))}
    assert stored == {"Sent by an older Outpost": "phone", "Sent by mail": "email"}
    pulled = {t["subject"]: t["channel"] for page in dev.pull_all() for t in page["records"]["tickets"]}
    assert pulled == stored
