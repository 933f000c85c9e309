"""The standalone office's mail channel end to end, with real Dovecot and a real SMTP receiver.

Mail in the desk's IMAP folder becomes an e-mail ticket in the replica (requester found or
created), acknowledged; an agent's reply written while the SMTP server is unreachable is
mailed, threaded, once it is back; the requester's answer lands on the same ticket; an
internal note is never mailed; an out-of-office produces nothing; a crash on either side of
the commit neither loses nor doubles a message; a joined server stops the in-app channel.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid

import pytest
from office_mail.conftest import Office
from sqlalchemy import select
from support.dovecot_server import PASSWORD

from sync.mail.imap_session import ImapMailbox
from sync.office_mail import office_mail_worker
from sync.office_mail.mailbox_settings import load_mail_password, save_mail_password, save_mailbox
from sync.office_mail.office_mail_worker import JOINED_SERVER, run_once
from sync.office_mail.office_outbox import SendReport
from sync.replica.office_mail_models import OfficeMailMessage
from sync.replica.replica import set_setting
from sync.services.ticket_queries import TicketFilter, TicketQueries
from sync.services.ticket_service import TicketService
from sync.services.ticket_work import TicketWork

CORPUS_OOO = "tests/mail/corpus/out_of_office.eml"


def _mail(desk: str, subject: str, body: str, *, sender: str = "Zoë Requester <zoe@example.org>",
          message_id: str = "", in_reply_to: str = "") -> bytes:  # fmt: skip
    mid = message_id or make_msgid(domain="example.org")
    lines = [
        f"From: {sender}", f"To: IT <{desk}>", f"Subject: {subject}", f"Message-ID: {mid}",
        "Date: Mon, 2 Mar 2026 09:00:00 +0000", "Content-Type: text/plain; charset=utf-8",
    ]  # fmt: skip
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def _tickets(office: Office) -> list[str]:
    return [row.id for row in TicketQueries(office.replica).rows(TicketFilter(), limit=100)]


def test_mail_becomes_a_ticket_the_offline_reply_goes_out_threaded_and_the_answer_lands(
    office: Office,
) -> None:
    request_id = "<zoe.1@example.org>"
    office.deliver(_mail(office.box.address, "Laptop will not charge", "The light stays off.",
                         message_id=request_id))  # fmt: skip
    first = run_once(office.replica)
    assert first.error == "" and first.outcomes == {"ticketed": 1}
    [ticket_id] = _tickets(office)
    queries = TicketQueries(office.replica)
    detail = queries.detail(ticket_id)
    assert (detail.channel, detail.subject, detail.requester) == (
        "email",
        "Laptop will not charge",
        "Zoë Requester",
    )
    assert detail.requester_email == "zoe@example.org"
    assert detail.description.startswith("The light stays off.")
    [ack] = office.smtp.messages
    token = f"[#{detail.local_number}]"
    assert token in ack.message["Subject"] and ack.rcpt_tos == ("zoe@example.org",)
    assert ack.message["In-Reply-To"] == request_id and ack.message["Auto-Submitted"] == "auto-replied"
    assert office.dovecot.count(office.box.address, "UNKEYWORD $OutpostFiled") == 0

    # The agent answers while the mail server cannot be reached, and adds an internal note.
    work = TicketWork(office.replica)
    work.reply(ticket_id, "Try the other charger in the drawer.")
    work.note(ticket_id, "Internal: charger stock is low")
    office.smtp.refuse_next(1, "421 4.3.2 Service not available")
    offline = run_once(office.replica)
    assert (offline.queued, offline.sent.sent, offline.sent.retrying) == (1, 0, 1)
    assert len(office.smtp.messages) == 1
    again_too_soon = run_once(office.replica)  # the backoff holds it back
    assert again_too_soon.sent.sent == 0
    office.clock.now += timedelta(minutes=2)
    back = run_once(office.replica)
    assert back.sent.sent == 1
    [_ack, reply] = office.smtp.messages
    assert (
        token in reply.message["Subject"]
        and "other charger" in reply.message.get_body(("plain",)).get_content()
    )
    assert reply.message["In-Reply-To"] == request_id
    assert (
        request_id in reply.message["References"] and ack.message["Message-ID"] in reply.message["References"]
    )
    assert all("charger stock" not in m.raw.decode("ascii", "replace") for m in office.smtp.messages)

    # The requester answers the reply: it lands on the same ticket, from the requester.
    office.deliver(_mail(office.box.address, "Re: " + reply.message["Subject"], "That one works, thanks!",
                         in_reply_to=reply.message["Message-ID"]))  # fmt: skip
    answered = run_once(office.replica)
    assert answered.outcomes == {"replied": 1} and _tickets(office) == [ticket_id]
    last = queries.detail(ticket_id).comments[-1]
    assert (last.from_requester, last.body, last.author) == (True, "That one works, thanks!", "Zoë Requester")
    assert len(office.smtp.messages) == 2  # no acknowledgement of a reply
    assert run_once(office.replica).sent.sent == 0  # nothing is sent twice


def test_out_of_office_files_nothing_and_sends_nothing(office: Office) -> None:
    with open(CORPUS_OOO, "rb") as fh:
        office.deliver(fh.read())
    report = run_once(office.replica)
    assert report.outcomes == {"ignored": 1}
    assert _tickets(office) == [] and office.smtp.messages == []
    assert office.dovecot.count(office.box.address, "KEYWORD $OutpostFiled") == 1


def test_mail_that_arrived_offline_is_filed_at_the_next_connection(office: Office) -> None:
    unreachable = replace(office.box, imap_url=f"imap://127.0.0.1:{_closed_port()}/INBOX?tls=none")
    save_mailbox(office.replica, unreachable)
    office.deliver(*(_mail(office.box.address, f"Request {n}", "Help") for n in range(3)))
    offline = run_once(office.replica)
    assert offline.error.startswith("Fetching") and PASSWORD not in offline.error
    assert _tickets(office) == []
    save_mailbox(office.replica, office.box)  # the connection is back
    assert run_once(office.replica).outcomes == {"ticketed": 3}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nobody listens there


@pytest.mark.parametrize("crash", ["before_commit", "after_commit"])
def test_a_crash_on_either_side_of_the_commit_loses_and_doubles_nothing(
    office: Office, crash: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    office.deliver(*(_mail(office.box.address, f"Request {n}", f"Body {n}") for n in range(4)))

    class Crash(Exception):
        pass

    seen: list[int] = []

    def crash_before_commit(uid: int, raw: bytes) -> None:
        seen.append(uid)
        if len(seen) == 3:
            raise Crash  # the process dies after fetching the third message, before filing it

    if crash == "before_commit":
        with pytest.raises(Crash):
            run_once(office.replica, after_fetch=crash_before_commit)
        assert len(_tickets(office)) == 2
    else:
        real_mark = ImapMailbox.mark_filed
        calls: list[int] = []

        def crash_before_mark(self: ImapMailbox, uid: int, processed: str) -> None:
            calls.append(uid)
            if len(calls) == 3:
                raise Crash  # the third message is committed, but never marked in the mailbox
            real_mark(self, uid, processed)

        monkeypatch.setattr(ImapMailbox, "mark_filed", crash_before_mark)
        with pytest.raises(Crash):
            run_once(office.replica)
        monkeypatch.setattr(ImapMailbox, "mark_filed", real_mark)
        assert len(_tickets(office)) == 3
    after = run_once(office.replica)
    assert after.error == ""
    tickets = _tickets(office)
    subjects = sorted(TicketQueries(office.replica).detail(t).subject for t in tickets)
    assert subjects == [f"Request {n}" for n in range(4)]
    assert office.dovecot.count(office.box.address, "UNKEYWORD $OutpostFiled") == 0
    assert len(office.smtp.messages) == 4  # one acknowledgement each, none twice
    if crash == "after_commit":
        assert after.outcomes["duplicate"] == 1


def test_joining_a_server_stops_the_in_app_channel(office: Office) -> None:
    office.deliver(_mail(office.box.address, "After the move", "Hello"))
    with office.replica.write() as s:
        set_setting(s, "mode", "connected")
    report = run_once(office.replica)
    assert report.stopped == JOINED_SERVER and report.fetched == 0
    assert _tickets(office) == [] and office.dovecot.count(office.box.address, "UNKEYWORD $OutpostFiled") == 1
    worker = office_mail_worker.OfficeMailWorker(office.replica, interval=0.1)
    assert worker.run().stopped == JOINED_SERVER  # the loop ends by itself


def test_the_password_is_only_in_the_keyring_never_in_the_replica_or_logs(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    office.deliver(_mail(office.box.address, "Printer", "Jammed"))
    assert run_once(office.replica).outcomes == {"ticketed": 1}
    assert load_mail_password(office.replica, office.box.address) == PASSWORD
    wrong = "not-the-right-secret-4711"
    save_mail_password(office.replica, office.box.address, wrong)
    refused = run_once(office.replica)
    assert "sign in" in refused.error and wrong not in refused.error
    save_mail_password(office.replica, office.box.address, PASSWORD)
    stored = b"".join(p.read_bytes() for p in office.replica.data_dir.rglob("*") if p.is_file())
    assert b"office_mail.mailbox" in stored  # the settings are in the replica ...
    for secret in (PASSWORD, wrong):
        assert secret.encode() not in stored  # ... the passwords are not
        assert secret not in caplog.text


def test_a_real_worker_killed_mid_round_files_everything_exactly_once_on_restart(office: Office) -> None:
    """``outpost mail run --once`` in its own process, SIGKILLed wherever it happens to be once a
    few tickets exist (a few seconds: the process imports the app's core first)."""
    total = 15
    office.deliver(*(_mail(office.box.address, f"Kill {n}", f"Body {n}") for n in range(total)))
    cmd = [sys.executable, "-c", "from sync.cli.main import main; main()",
           "--data-dir", str(office.replica.data_dir), "mail", "run", "--once"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while proc.poll() is None and len(_tickets(office)) < 3:
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    filed_before = len(_tickets(office))
    assert 0 < filed_before < total  # killed part-way through
    # The restarted worker's round, on the killed process's clock past the send lease (a mail
    # it had claimed but not marked is sent again then, with the same Message-ID).
    office.clock.now = datetime.now(UTC) + timedelta(minutes=11)
    after = run_once(office.replica)
    assert after.error == "" and after.outcomes["ticketed"] + filed_before == total
    subjects = sorted(TicketQueries(office.replica).detail(t).subject for t in _tickets(office))
    assert subjects == sorted(f"Kill {n}" for n in range(total))
    assert office.dovecot.count(office.box.address, "UNKEYWORD $OutpostFiled") == 0
    acks = {m.message["Message-ID"]: m.message["Subject"].split("] ", 1)[1] for m in office.smtp.messages}
    assert sorted(acks.values()) == subjects  # one acknowledgement each: none lost, none made twice


def test_loop_rules_bounces_quarantine_and_the_resolution_notice(office: Office) -> None:
    """One round over mixed mail: a list message is filed but never acknowledged, mail from the
    desk's own address and a message without a sender file nothing (the latter is kept in
    quarantine with its reason), a bounce of our acknowledgement becomes a note on its ticket;
    resolving the ticket mails the resolution notice once."""
    desk = office.box.address
    office.deliver(_mail(desk, "Monitor flickers", "Since Monday.", sender="Bob <nobody@example.org>"))
    assert run_once(office.replica).outcomes == {"ticketed": 1}
    [ack] = office.smtp.messages
    [ticket_id] = _tickets(office)
    with open("tests/mail/corpus/bounce_dsn.eml", "rb") as fh:
        bounce = fh.read().replace(
            b"<outpost.ticket-1042.5@desk.example.com>", ack.message["Message-ID"].encode()
        )
    with open("tests/mail/corpus/mailing_list.eml", "rb") as fh:
        listed = fh.read()
    with open("tests/mail/corpus/no_sender.eml", "rb") as fh:
        no_sender = fh.read()
    office.deliver(bounce, listed, no_sender, _mail(desk, "Loop?", "me again", sender=f"Desk <{desk}>"))
    report = run_once(office.replica)
    assert report.outcomes == {"bounce": 1, "ticketed": 1, "quarantined": 1, "ignored": 1}
    assert len(office.smtp.messages) == 1  # the list message is not acknowledged
    notes = [c for c in TicketQueries(office.replica).detail(ticket_id).comments if c.kind == "note"]
    assert len(notes) == 1 and "nobody@example.org" in notes[0].body and "550 5.1.1" in notes[0].body
    with office.replica.read() as s:
        quarantined = s.execute(
            select(OfficeMailMessage.reason, OfficeMailMessage.raw).where(
                OfficeMailMessage.outcome == "quarantined"
            )
        ).one()
    assert "no usable sender" in quarantined.reason
    assert quarantined.raw.replace(b"\r\n", b"\n") == no_sender.replace(b"\r\n", b"\n")  # kept to retry

    TicketService(office.replica).change_status(ticket_id, "resolved", resolution="Replaced the cable.")
    assert run_once(office.replica).sent.sent == 1
    notice = office.smtp.messages[-1].message
    assert notice["Subject"].startswith("[#") and "Resolved" in notice["Subject"]
    assert "Replaced the cable." in notice.get_body(("plain",)).get_content()
    assert run_once(office.replica).sent.sent == 0


def test_a_mail_that_cannot_be_sent_becomes_a_note_on_its_ticket_after_five_attempts(office: Office) -> None:
    office.smtp.refuse_next(10, "550 5.7.1 Relaying denied")
    office.deliver(_mail(office.box.address, "VPN drops", "Every hour."))
    report = run_once(office.replica)
    [ticket_id] = _tickets(office)
    waits = [1, 5, 30, 120]
    for minutes in waits:
        assert report.sent == SendReport(0, 1, 0)
        office.clock.now += timedelta(minutes=minutes, seconds=5)
        report = run_once(office.replica)
    assert report.sent == SendReport(0, 0, 1) and office.smtp.messages == []
    [note] = [c for c in TicketQueries(office.replica).detail(ticket_id).comments if c.kind == "note"]
    assert "could not be sent after 5 attempts" in note.body and "Relaying denied" in note.body
    office.clock.now += timedelta(days=1)
    assert run_once(office.replica).sent == SendReport()  # failed for good: never retried again


def test_attachments_and_inline_images_become_the_tickets_attachments(office: Office) -> None:
    with open("tests/mail/corpus/attachments_inline_image.eml", "rb") as fh:
        office.deliver(fh.read())
    assert run_once(office.replica).outcomes == {"ticketed": 1}
    [ticket_id] = _tickets(office)
    attachments = TicketQueries(office.replica).detail(ticket_id).attachments
    assert sorted((a.filename, a.mime_type) for a in attachments) == [
        ("Rechnung_März.pdf", "application/pdf"), ("screenshot.png", "image/png"),
    ]  # fmt: skip
    for a in attachments:
        path = TicketWork(office.replica).attachment_file(a.id)
        assert path.stat().st_size == a.size and path.read_bytes()[:4] in (b"%PDF", b"\x89PNG")
