"""The outbox against a real SMTP receiver: threading headers, retries, failures, templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mail.mail_support import DESK, make_queue
from sqlalchemy import select
from support.dovecot_server import PASSWORD, DovecotServer
from support.smtp_receiver import SmtpReceiver

from sync.ids import new_id
from sync.server.db.database import Database
from sync.server.db.models import Comment, Person, Ticket
from sync.server.mail import mailbox_service
from sync.server.mail.intake import deliver
from sync.server.mail.mail_models import Mailbox, MailOutbox
from sync.server.mail.mail_secrets import seal_secret
from sync.server.mail.outbox import MAX_ATTEMPTS, queue_pending_replies, send_due
from sync.server.mail.smtp_send import smtp_sender

REQUEST = (
    b"From: Anna Meyer <anna.meyer@example.org>\r\nTo: it-help@desk.example.com\r\n"
    b"Subject: Printer jams\r\nMessage-ID: <req.1@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nIt jams.\r\n"
)


def _setup(db: Database, receiver: SmtpReceiver) -> str:
    queue_id = make_queue(db, smtp=receiver.url)
    result = deliver(db, REQUEST, queue_id)
    assert result.outcome == "ticketed" and result.ticket_id
    return result.ticket_id


def _outbox(db: Database) -> list[MailOutbox]:
    with db.read_session() as s:
        return list(s.execute(select(MailOutbox).order_by(MailOutbox.created_at)).scalars())


def _agent_reply(db: Database, ticket_id: str, body: str, kind: str = "reply") -> str:
    with db.write_session() as s:
        now = datetime.now(UTC)
        agent = Person(id=new_id(), name="Alice Agent", username=new_id()[:8], role="agent", created_at=now)
        s.add(agent)
        s.flush()
        comment = Comment(
            id=new_id(), ticket_id=ticket_id, kind=kind, author_id=agent.id, body=body, created_at=now
        )
        s.add(comment)
        return comment.id


def test_the_acknowledgement_is_threaded_marked_automatic_and_sent_once(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    report = send_due(mail_db, smtp_sender)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert send_due(mail_db, smtp_sender).sent == 0
    [got] = smtp_receiver.messages
    msg = got.message
    assert got.mail_from == DESK and got.rcpt_tos == ("anna.meyer@example.org",)
    with mail_db.read_session() as s:
        number = s.get(Ticket, ticket_id).number  # type: ignore[union-attr]
    assert msg["Subject"] == f"[#{number}] Printer jams"
    assert msg["In-Reply-To"] == "<req.1@example.org>" and "<req.1@example.org>" in msg["References"]
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"] == f"<{_outbox(mail_db)[0].message_id}>"
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and f"ticket #{number}" in plain.get_content()
    assert html is not None and "<b>#" in html.get_content()


def test_an_agents_public_reply_is_mailed_once_and_an_internal_note_never(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    _agent_reply(mail_db, ticket_id, "Internal: it's the fuser again", kind="note")
    _agent_reply(mail_db, ticket_id, "We will replace the roller <today>.")
    assert queue_pending_replies(mail_db) == 1
    assert queue_pending_replies(mail_db) == 0
    assert send_due(mail_db, smtp_sender).sent == 2
    reply = smtp_receiver.messages[1].message
    assert "Auto-Submitted" not in reply
    assert reply["Subject"].startswith("[#") and "Re: Printer jams" in reply["Subject"]
    text = reply.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "We will replace the roller <today>." in text and "Alice Agent" in text
    assert "fuser" not in b"".join(m.raw for m in smtp_receiver.messages).decode()
    html = reply.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;today&gt;" in html
    ack_id = smtp_receiver.messages[0].message["Message-ID"]
    assert ack_id in reply["References"] and "<req.1@example.org>" in reply["References"]


def test_a_refused_send_is_retried_with_backoff_and_sent_once(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    _setup(mail_db, smtp_receiver)
    now = datetime.now(UTC)
    smtp_receiver.refuse_next(1)
    report = send_due(mail_db, smtp_sender, now=now)
    assert (report.sent, report.retrying) == (0, 1)
    [row] = _outbox(mail_db)
    assert row.attempts == 1 and row.status == "pending" and "451" in row.last_error
    assert row.next_attempt_at >= now + timedelta(minutes=1)
    assert send_due(mail_db, smtp_sender, now=now + timedelta(seconds=30)).sent == 0  # not due yet
    assert send_due(mail_db, smtp_sender, now=now + timedelta(minutes=2)).sent == 1
    assert len(smtp_receiver.messages) == 1
    assert smtp_receiver.messages[0].message["Message-ID"] == f"<{row.message_id}>"


def test_a_send_that_keeps_failing_is_shown_on_the_ticket(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    smtp_receiver.refuse_next(MAX_ATTEMPTS, "550 5.1.1 Mailbox unavailable")
    now = datetime.now(UTC)
    for step in range(MAX_ATTEMPTS):
        send_due(mail_db, smtp_sender, now=now + timedelta(days=step))
    [row] = _outbox(mail_db)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    with mail_db.read_session() as s:
        notes = s.execute(
            select(Comment.body).where(Comment.ticket_id == ticket_id, Comment.kind == "note")
        ).scalars()
        [note] = list(notes)
    assert "could not be sent after 5 attempts" in note and "Mailbox unavailable" in note
    assert smtp_receiver.messages == []


def test_a_resolution_notice_and_a_queue_template(mail_db: Database, smtp_receiver: SmtpReceiver) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    mailbox_service.set_template(
        mail_db, "IT", "resolved", subject="Done: ${subject}",
        text="Dear ${requester_name}, #${ticket_number} is fixed: ${body}", html="<p>${body}</p>",
    )  # fmt: skip
    with mail_db.write_session() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.status, ticket.resolved_at, ticket.resolution = "resolved", datetime.now(UTC), "New <roller>."
    assert queue_pending_replies(mail_db) == 1
    assert queue_pending_replies(mail_db) == 0
    send_due(mail_db, smtp_sender)
    notice = smtp_receiver.messages[-1].message
    assert notice["Subject"].endswith("Done: Printer jams") and notice["Auto-Submitted"] == "auto-replied"
    assert "Dear Anna Meyer, #" in notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<p>New &lt;roller&gt;.</p>" in notice.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_mailbox_test_signs_in_to_imap_and_smtp(
    mail_db: Database, smtp_receiver: SmtpReceiver, dovecot_server: DovecotServer
) -> None:
    address = dovecot_server.add_user()
    make_queue(mail_db, address=address, imap=dovecot_server.url("implicit"), smtp=smtp_receiver.url)
    with mail_db.write_session() as s:
        s.execute(select(Mailbox)).scalar_one().secret = seal_secret(PASSWORD)
    dovecot_server.append(address, REQUEST)
    lines = mailbox_service.check_mailbox(mail_db, address)
    assert lines[0].startswith("IMAP localhost:") and lines[0].endswith("1 message(s) to file")
    assert lines[1].startswith("SMTP 127.0.0.1:") and lines[1].endswith("signed in")
