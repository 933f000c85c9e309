"""The issue's "done when", end to end with real parts.

Real Dovecot (the queue's mailbox), the real server over loopback, a real desktop replica
signed in as an agent, and a real SMTP receiver standing for the requester's mailbox:

1. an email to the queue's address becomes a ticket the agent sees after sync;
2. the agent's reply, written with the replica offline and synced later, reaches the
   requester threaded (In-Reply-To / References / [#N]);
3. the requester's answer lands on the same ticket, and the agent sees it after sync;
4. an out-of-office produces nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mail.mail_support import load
from server.server_harness import ServerUnderTest, iter_server
from sqlalchemy import text
from support.dovecot_server import PASSWORD, DovecotServer
from support.smtp_receiver import SmtpReceiver
from sync_engine.support_sync import Desk

from sync.server.admin.credentials import set_hash_cost
from sync.server.mail import mailbox_service
from sync.server.mail.mail_runner import run_once


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerUnderTest]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    for srv in iter_server(f"sqlite:///{tmp_path / 'server.db'}"):
        srv.add_queue("IT")
        yield srv


def test_mail_in_reply_out_answer_in(
    server: ServerUnderTest, dovecot_server: DovecotServer, smtp_receiver: SmtpReceiver, tmp_path: Path
) -> None:
    desk_address = dovecot_server.add_user()
    mailbox_service.add_mailbox(
        server.db, queue="IT", address=desk_address, imap_url=dovecot_server.url("starttls"),
        smtp_url=smtp_receiver.url, password=PASSWORD,
    )  # fmt: skip
    request = (
        f"From: =?utf-8?q?Zo=C3=AB_Requester?= <zoe@example.org>\r\nTo: IT <{desk_address}>\r\n"
        "Subject: Laptop will not charge\r\nMessage-ID: <zoe.1@example.org>\r\n"
        "Date: Mon, 7 Dec 2026 09:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe charger light stays off.\r\n"
    ).encode()
    dovecot_server.append(desk_address, request)
    run_once(server.db)
    [ack] = smtp_receiver.messages
    number = ack.message["Subject"].split("]")[0].removeprefix("[#")

    alice = Desk.create(tmp_path / "alice", server, "alice")
    try:
        alice.sync()
        with alice.replica.read() as s:
            row = (
                s.execute(text("SELECT * FROM tickets WHERE number = :n"), {"n": int(number)})
                .mappings()
                .one()
            )
        ticket = dict(row)
        assert ticket["subject"] == "Laptop will not charge"
        assert ticket["description"] == "The charger light stays off."
        assert ticket.get("channel", "email") == "email"

        # Written while the replica is not talking to the server; synced afterwards.
        alice.work.reply(ticket["id"], "Please try the spare charger in the cabinet.")
        alice.work.note(ticket["id"], "Probably the power brick.")
        assert alice.pending() == 2
        alice.sync()
        assert alice.pending() == 0
        run_once(server.db)
        reply = smtp_receiver.messages[-1]
        assert len(smtp_receiver.messages) == 2 and reply.rcpt_tos == ("zoe@example.org",)
        msg = reply.message
        assert msg["Subject"] == f"[#{number}] Re: Laptop will not charge"
        assert msg["In-Reply-To"] == "<zoe.1@example.org>"
        assert "<zoe.1@example.org>" in msg["References"] and ack.message["Message-ID"] in msg["References"]
        assert "spare charger" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert b"power brick" not in reply.raw

        answer = (
            f"From: Zoe Requester <zoe@example.org>\r\nTo: {desk_address}\r\n"
            f"Subject: Re: [#{number}] Re: Laptop will not charge\r\nMessage-ID: <zoe.2@example.org>\r\n"
            f"In-Reply-To: {msg['Message-ID']}\r\nReferences: <zoe.1@example.org> {msg['Message-ID']}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nThe spare one works, thanks!\r\n\r\n"
            f"On Mon, 7 Dec 2026, IT <{desk_address}> wrote:\r\n"
            "> Please try the spare charger in the cabinet.\r\n"
        ).encode()
        dovecot_server.append(desk_address, answer, load("out_of_office.eml"))
        report = run_once(server.db)
        assert dict(report.fetched[0].outcomes) == {"replied": 1, "ignored": 1}
        assert len(smtp_receiver.messages) == 2  # neither the answer nor the out-of-office is acknowledged
        alice.sync()
        with alice.replica.read() as s:
            comments = s.execute(
                text(
                    "SELECT kind, from_requester, body FROM comments WHERE ticket_id = :t ORDER BY created_at"
                ),
                {"t": ticket["id"]},
            ).all()
            tickets = s.execute(text("SELECT count(*) FROM tickets")).scalar_one()
        assert [tuple(c) for c in comments][-1] == ("reply", 1, "The spare one works, thanks!")
        assert tickets == 1
    finally:
        alice.close()
