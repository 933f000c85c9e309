"""A standalone office joins a server: its mail channel's state comes along with the replica.

Real Dovecot, a real SMTP receiver, a real server over loopback and a real agent desk: the
office files a mail, acknowledges it, mails an agent's reply, files the requester's answer
and mails the resolution notice; the admin imports the office's replica and configures the same mailbox on the
server; an agent replies on the server after the join. The server mails that reply threaded
onto the office's conversation and re-sends nothing the office already sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from office_mail.conftest import Office
from server.server_harness import PASSWORD as AGENT_PASSWORD
from server.server_harness import ServerUnderTest, iter_server
from sqlalchemy import select
from support.dovecot_server import PASSWORD
from sync_engine.support_sync import Desk

from sync.engine.session import connect, open_engine
from sync.office_mail.office_mail_worker import JOINED_SERVER
from sync.office_mail.office_mail_worker import run_once as office_round
from sync.server.admin.credentials import set_hash_cost
from sync.server.admin.import_service import import_replica
from sync.server.db.models import Comment, Ticket
from sync.server.mail import mailbox_service
from sync.server.mail.mail_runner import run_once as server_round
from sync.server.mail.mail_secrets import KEY_ENV
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import TicketService
from sync.services.ticket_work import TicketWork


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerUnderTest]:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "keys" / "mail.key"))
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    yield from iter_server(f"sqlite:///{tmp_path / 'server.db'}")


def _mail(desk: str, subject: str, body: str, message_id: str, in_reply_to: str = "") -> bytes:
    lines = [
        "From: Zoe Requester <zoe@example.org>", f"To: IT <{desk}>", f"Subject: {subject}",
        f"Message-ID: {message_id}", "Date: Mon, 2 Mar 2026 09:00:00 +0000",
        "Content-Type: text/plain; charset=utf-8",
    ]  # fmt: skip
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def _join_by_syncing(office: Office, server: ServerUnderTest) -> None:
    """The office signs in to the server itself and syncs: its tickets are pushed, but its mail
    state is replica-local and never syncs."""
    for queue in Directory(office.replica).queues():
        server.add_queue(queue.name)  # the office's queues become these (same names)
    server.add_user("ana", role="admin")  # the office's own agent, matched by user name
    with httpx.Client(base_url=server.url, timeout=10) as http:
        connect(office.replica, server.url, "ana", AGENT_PASSWORD, http=http)
        assert open_engine(office.replica, http=http).run_round().rejected == 0
    assert office_round(office.replica).stopped == JOINED_SERVER  # the in-app channel stops


@pytest.mark.parametrize("join", ["import", "sync_then_import"])
def test_after_the_join_the_server_mails_replies_on_office_tickets_threaded_and_resends_nothing(
    office: Office, server: ServerUnderTest, tmp_path: Path, join: str
) -> None:
    # Standalone: the office files the request, acknowledges it, mails the agent's reply,
    # files the requester's answer, and mails the resolution notice.
    desk = office.box.address
    office.deliver(_mail(desk, "Laptop will not charge", "The light stays off.", "<zoe.1@example.org>"))
    assert office_round(office.replica).outcomes == {"ticketed": 1}
    [ticket_id] = [r.id for r in TicketQueries(office.replica).rows(TicketFilter(), limit=10)]
    TicketWork(office.replica).reply(ticket_id, "Try the other charger in the drawer.")
    assert office_round(office.replica).sent.sent == 1
    [ack, office_reply] = office.smtp.messages
    office.deliver(_mail(desk, "Re: " + office_reply.message["Subject"], "Still dark.",
                         "<zoe.2@example.org>", in_reply_to=office_reply.message["Message-ID"]))  # fmt: skip
    assert office_round(office.replica).outcomes == {"replied": 1}
    TicketService(office.replica).change_status(ticket_id, "resolved", resolution="New charger ordered.")
    assert office_round(office.replica).sent.sent == 1
    [ack, office_reply, office_resolved] = office.smtp.messages
    queue_name = next(q.name for q in Directory(office.replica).queues() if q.id == office.box.queue_id)

    # The join: the admin imports the replica (for an office that joined by syncing, after its
    # sync: its tickets are skipped, its mail state is added) and configures the same mailbox.
    if join == "sync_then_import":
        _join_by_syncing(office, server)
    report = import_replica(server.db, office.replica.data_dir)
    assert report.counts.get("tickets", 0) == (1 if join == "import" else 0)  # pushed ones skipped
    assert report.counts["sent mails"] == 3 and report.counts["mail messages"] == 2
    mailbox_service.add_mailbox(
        server.db, queue=queue_name, address=desk, imap_url=office.dovecot.url("starttls"),
        smtp_url=office.smtp.url, password=PASSWORD,
    )  # fmt: skip
    assert import_replica(server.db, office.replica.data_dir).counts.get("sent mails", 0) == 0  # once

    # Nothing the office sent goes out again, and the mail it filed is not filed twice.
    first = server_round(server.db)
    assert first.queued == 0 and first.sent.sent == 0 and len(office.smtp.messages) == 3
    assert [(f.error, f.fetched) for f in first.fetched] == [("", 0)]

    # An agent replies on the server after the join: mailed, threaded onto the conversation.
    agent = Desk.create(tmp_path / "root", server, "root")
    try:
        agent.sync()
        agent.work.reply(ticket_id, "Then bring it to the desk; we have a spare.")
        agent.sync()
    finally:
        agent.close()
    after = server_round(server.db)
    assert after.sent.sent == 1
    [*_office_mails, server_reply] = office.smtp.messages
    msg = server_reply.message
    assert server_reply.rcpt_tos == ("zoe@example.org",)
    assert "spare" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert msg["In-Reply-To"] == "<zoe.2@example.org>"
    references = msg["References"].split()
    earlier = (ack, office_reply, office_resolved)
    for message_id in (
        "<zoe.1@example.org>",
        "<zoe.2@example.org>",
        *(m.message["Message-ID"] for m in earlier),
    ):
        assert message_id in references
    assert server_round(server.db).sent.sent == 0 and len(office.smtp.messages) == 4

    # The requester answers the office's old resolution notice: it joins the same ticket.
    office.deliver(_mail(desk, "Re: charger", "It came, thanks.", "<zoe.3@example.org>",
                         in_reply_to=office_resolved.message["Message-ID"]))  # fmt: skip
    answered = server_round(server.db)
    assert [dict(f.outcomes) for f in answered.fetched] == [{"replied": 1}]
    with server.db.read_session() as s:
        tickets = s.execute(select(Ticket.id)).scalars().all()
        last = s.execute(select(Comment.body).order_by(Comment.created_at.desc()).limit(1)).scalar()
    assert tickets == [ticket_id] and last == "It came, thanks."
