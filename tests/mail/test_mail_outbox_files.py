"""Files with a mailed reply: the size cap (and the note that says so), a file still on its
way, and another ticket's attachment, against a real SMTP receiver."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from mail.test_mail_outbox import _agent_reply, _setup
from sqlalchemy import select
from support.smtp_receiver import SmtpReceiver

from sync.domain.attachment_refs import attachment_link
from sync.ids import new_id
from sync.server.db.database import Database
from sync.server.db.models import Attachment, Comment, Ticket
from sync.server.db.state_models import Blob, BlobChunk
from sync.server.mail.intake import deliver
from sync.server.mail.outbox import FILE_WAIT, MAX_MAIL_FILES_BYTES, queue_pending_replies, send_due
from sync.server.mail.smtp_send import smtp_sender


def _attachment(db: Database, ticket_id: str, name: str, data: bytes, *, uploaded: bool = True) -> str:
    sha = hashlib.sha256(data).hexdigest()
    now = datetime.now(UTC)
    with db.write_session() as s:
        if uploaded:
            _store_blob(s, sha, data, now)
        att_id = new_id()
        s.add(
            Attachment(
                id=att_id,
                ticket_id=ticket_id,
                sha256=sha,
                filename=name,
                size=len(data),
                mime_type="application/pdf",
                added_at=now,
            )
        )
    return att_id


def _store_blob(s: object, sha: str, data: bytes, now: datetime) -> None:
    s.add(Blob(sha256=sha, size=len(data), created_at=now))  # type: ignore[attr-defined]
    s.flush()  # type: ignore[attr-defined]
    s.add(BlobChunk(sha256=sha, offset=0, data=data))  # type: ignore[attr-defined]


def _reply_mail(receiver: SmtpReceiver):  # type: ignore[no-untyped-def]
    return next(m.message for m in receiver.messages if "Re: Printer jams" in m.message["Subject"])


def test_files_over_the_cap_are_left_out_with_a_line_in_the_mail_and_a_note_on_the_ticket(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    small = _attachment(mail_db, ticket_id, "Job sheet #1.pdf", b"%PDF-1.4 small sheet")
    big = _attachment(mail_db, ticket_id, "Survey.pdf", b"%PDF" + b"x" * MAX_MAIL_FILES_BYTES)
    body = (
        f"Here you are.\n\n{attachment_link(small, 'Job sheet #1.pdf')}\n{attachment_link(big, 'Survey.pdf')}"
    )
    _agent_reply(mail_db, ticket_id, body)
    assert queue_pending_replies(mail_db) == 1
    assert send_due(mail_db, smtp_sender).sent == 2
    mail = _reply_mail(smtp_receiver)
    text = mail.get_body(("plain",)).get_content()
    assert "Job sheet #1.pdf (attached)" in text
    assert "Survey.pdf (not attached: too large to send by mail; ask us for a copy)" in text
    assert [p.get_filename() for p in mail.iter_attachments()] == ["Job sheet #1.pdf"]
    with mail_db.read_session() as s:
        notes = [c.body for c in s.execute(select(Comment).where(Comment.kind == "note")).scalars()]
    assert len(notes) == 1 and "Survey.pdf: it is too large to send by mail" in notes[0]


def test_a_reply_waits_for_its_file_to_upload_and_never_takes_another_tickets_file(
    mail_db: Database, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id = _setup(mail_db, smtp_receiver)
    data = b"%PDF-1.4 the job sheet"
    sheet = _attachment(mail_db, ticket_id, "Job sheet #1.pdf", data, uploaded=False)
    other_ticket = _setup_other(mail_db, ticket_id)
    foreign = _attachment(mail_db, other_ticket, "Someone else's.pdf", b"%PDF private")
    links = [attachment_link(sheet, "Job sheet #1.pdf"), attachment_link(foreign, "x.pdf")]
    body = "Attached.\n\n" + "\n".join(links)
    _agent_reply(mail_db, ticket_id, body)
    queue_pending_replies(mail_db)
    now = datetime.now(UTC)
    assert send_due(mail_db, smtp_sender, now=now).sent == 2  # the two acknowledgements only
    assert send_due(mail_db, smtp_sender, now=now + timedelta(minutes=2)).sent == 0  # still waiting
    with mail_db.write_session() as s:  # the device's upload completes
        _store_blob(s, hashlib.sha256(data).hexdigest(), data, now)
    assert send_due(mail_db, smtp_sender, now=now + timedelta(minutes=4)).sent == 1
    mail = _reply_mail(smtp_receiver)
    [part] = list(mail.iter_attachments())
    assert part.get_filename() == "Job sheet #1.pdf" and part.get_content() == data
    assert b"private" not in b"".join(m.raw for m in smtp_receiver.messages)
    assert timedelta(hours=1) <= FILE_WAIT


def _setup_other(db: Database, beside: str) -> str:
    """A second mail ticket in the same queue as ``beside``."""
    with db.read_session() as s:
        queue_id = s.get(Ticket, beside).queue_id  # type: ignore[union-attr]
    raw = (
        b"From: Bo <bo@example.org>\r\nTo: it-help@desk.example.com\r\nSubject: Other\r\n"
        b"Message-ID: <other.1@example.org>\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
    )
    result = deliver(db, raw, queue_id)
    assert result.ticket_id
    return result.ticket_id
