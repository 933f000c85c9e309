"""Fetching queue mailboxes from a real Dovecot: TLS modes, marking, crashes, poison mail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mail.mail_support import load
from sqlalchemy import func, select
from support.dovecot_server import PASSWORD, DovecotServer

from sync.mail.imap_session import FILED_KEYWORD
from sync.server.admin import admin_service
from sync.server.db.database import Database
from sync.server.db.models import Ticket
from sync.server.mail import mailbox_service
from sync.server.mail.imap_fetch import fetch_mailbox
from sync.server.mail.mail_models import Mailbox, MailMessage
from sync.server.mail.mail_secrets import seal_secret


def _mailbox(
    db: Database, dovecot: DovecotServer, tls: str = "none", processed: str = "flag"
) -> tuple[str, str]:
    address = dovecot.add_user()
    if not db_has_queue(db):
        admin_service.add_queue(db, "IT")
    mailbox_id = mailbox_service.add_mailbox(
        db, queue="IT", address=address, imap_url=dovecot.url(tls), smtp_url="", password=PASSWORD,
        processed=processed,
    )  # fmt: skip
    return mailbox_id, address


def db_has_queue(db: Database) -> bool:
    from sync.server.db.models import Queue

    with db.read_session() as s:
        return s.execute(select(Queue.id)).first() is not None


def _tickets(db: Database) -> int:
    with db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(Ticket)).scalar_one())


def _numbered(n: int, tag: str = "m") -> list[bytes]:
    return [
        (
            f"From: Requester {i} <req{i}@example.org>\r\nTo: desk@desk.example.com\r\n"
            f"Subject: Request {i}\r\nMessage-ID: <{tag}{i}@example.org>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease help with {i}.\r\n"
        ).encode()
        for i in range(n)
    ]


@pytest.mark.parametrize("tls", ["none", "starttls", "implicit"])
def test_fetch_files_each_message_and_flags_it(
    mail_db: Database, dovecot_server: DovecotServer, tls: str
) -> None:
    mailbox_id, address = _mailbox(mail_db, dovecot_server, tls)
    dovecot_server.append(
        address, load("iso8859_1_plain.eml"), load("out_of_office.eml"), load("no_sender.eml")
    )
    report = fetch_mailbox(mail_db, mailbox_id)
    assert report.error == ""
    assert dict(report.outcomes) == {"ticketed": 1, "ignored": 1, "quarantined": 1}
    assert dovecot_server.count(address, f"KEYWORD {FILED_KEYWORD}") == 3
    assert dovecot_server.count(address, "SEEN") == 0  # the desk leaves the read state alone
    again = fetch_mailbox(mail_db, mailbox_id)
    assert again.fetched == 0 and _tickets(mail_db) == 1


def test_a_certificate_not_trusted_is_refused_and_nothing_is_marked(
    mail_db: Database, dovecot_server: DovecotServer
) -> None:
    address = dovecot_server.add_user()
    admin_service.add_queue(mail_db, "IT")
    untrusted = f"imaps://localhost:{dovecot_server.tls_port}/INBOX"
    mailbox_id = mailbox_service.add_mailbox(
        mail_db, queue="IT", address=address, imap_url=untrusted, smtp_url="", password=PASSWORD
    )
    dovecot_server.append(address, load("iso8859_1_plain.eml"))
    report = fetch_mailbox(mail_db, mailbox_id)
    assert "CERTIFICATE_VERIFY_FAILED" in report.error
    with mail_db.read_session() as s:
        row = s.get(Mailbox, mailbox_id)
        assert row is not None and "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert _tickets(mail_db) == 0 and dovecot_server.count(address, f"UNKEYWORD {FILED_KEYWORD}") == 1


def test_a_wrong_password_is_reported_without_the_password(
    mail_db: Database, dovecot_server: DovecotServer
) -> None:
    mailbox_id, _address = _mailbox(mail_db, dovecot_server)
    with mail_db.write_session() as s:
        row = s.get(Mailbox, mailbox_id)
        assert row is not None
        row.secret = seal_secret("wrong-password-xyz")
    report = fetch_mailbox(mail_db, mailbox_id)
    assert "cannot sign in" in report.error and "wrong-password-xyz" not in report.error


def test_password_read_from_an_environment_variable(
    mail_db: Database, dovecot_server: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = dovecot_server.add_user()
    admin_service.add_queue(mail_db, "IT")
    monkeypatch.setenv("IT_MAILBOX_PASSWORD", PASSWORD)
    mailbox_id = mailbox_service.add_mailbox(
        mail_db, queue="IT", address=address, imap_url=dovecot_server.url(), smtp_url="",
        secret_ref="env:IT_MAILBOX_PASSWORD",
    )  # fmt: skip
    dovecot_server.append(address, load("iso8859_1_plain.eml"))
    assert fetch_mailbox(mail_db, mailbox_id).outcomes["ticketed"] == 1


def test_processed_mail_moves_to_a_folder(mail_db: Database, dovecot_server: DovecotServer) -> None:
    mailbox_id, address = _mailbox(mail_db, dovecot_server, processed="move:Filed")
    dovecot_server.append(address, *_numbered(3))
    assert fetch_mailbox(mail_db, mailbox_id).outcomes["ticketed"] == 3
    assert dovecot_server.count(address) == 0
    assert dovecot_server.count(address, folder="Filed") == 3


def test_a_crash_between_fetch_and_commit_loses_nothing_and_doubles_nothing(
    mail_db: Database, dovecot_server: DovecotServer
) -> None:
    mailbox_id, address = _mailbox(mail_db, dovecot_server)
    dovecot_server.append(address, *_numbered(4))
    fetched: list[int] = []

    def die_on_third(uid: int, raw: bytes) -> None:
        fetched.append(uid)
        if len(fetched) == 3:
            raise KeyboardInterrupt("killed after fetching, before filing")

    with pytest.raises(KeyboardInterrupt):
        fetch_mailbox(mail_db, mailbox_id, after_fetch=die_on_third)
    assert _tickets(mail_db) == 2 and dovecot_server.count(address, f"KEYWORD {FILED_KEYWORD}") == 2

    def die_after_commit(uid: int, result: object) -> None:
        raise KeyboardInterrupt("killed after the commit, before marking")

    with pytest.raises(KeyboardInterrupt):
        fetch_mailbox(mail_db, mailbox_id, after_file=die_after_commit)
    assert _tickets(mail_db) == 3 and dovecot_server.count(address, f"KEYWORD {FILED_KEYWORD}") == 2
    report = fetch_mailbox(mail_db, mailbox_id)
    assert dict(report.outcomes) == {"duplicate": 1, "ticketed": 1}
    assert _tickets(mail_db) == 4 and dovecot_server.count(address, f"KEYWORD {FILED_KEYWORD}") == 4


def test_a_worker_killed_mid_fetch_files_everything_exactly_once_on_restart(
    tmp_path: Path, dovecot_server: DovecotServer, _mail_key: Path
) -> None:
    """A real ``outpost-server mail run`` process SIGKILLed wherever it happens to be once a
    few tickets exist (~10 s: the worker process takes seconds to import on a busy machine)."""
    from sync.server.db import migration
    from sync.server.db.database import open_database

    url = f"sqlite:///{tmp_path / 'server.db'}"
    db = open_database(url)
    try:
        migration.upgrade(db)
        mailbox_id, address = _mailbox(db, dovecot_server)
        total = 20
        dovecot_server.append(address, *_numbered(total, "kill"))
        env = {**os.environ, "OUTPOST_SERVER_DB": url}
        cmd = [sys.executable, "-m", "sync.server.cli", "mail", "run", "--once"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while proc.poll() is None and _tickets(db) < 3:
                time.sleep(0.02)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        filed_before = _tickets(db)
        assert filed_before < total  # killed part-way through
        report = fetch_mailbox(db, mailbox_id)  # the restarted worker's pass
        assert report.error == "" and report.outcomes["ticketed"] + filed_before == total
        assert _tickets(db) == total
        with db.read_session() as s:
            keys = s.execute(select(func.count(func.distinct(MailMessage.message_id)))).scalar_one()
        assert keys == total
        assert dovecot_server.count(address, f"KEYWORD {FILED_KEYWORD}") == total
    finally:
        db.dispose()


def test_imap_idle_wakes_when_mail_arrives(dovecot_server: DovecotServer) -> None:
    from sync.mail.imap_session import ImapMailbox
    from sync.mail.mail_url import parse_mail_url

    address = dovecot_server.add_user()
    dovecot_server.append(address, _numbered(1, "before")[0])  # makes the mailbox exist
    woke: list[bool] = []
    with ImapMailbox(parse_mail_url(dovecot_server.url(), "imap"), address, PASSWORD) as box:
        assert box.supports_idle
        waiter = threading.Thread(target=lambda: woke.append(box.wait_for_new_mail(120)))
        waiter.start()
        while waiter.is_alive() and not woke:
            dovecot_server.append(address, _numbered(1, f"during{time.monotonic_ns()}")[0])
            waiter.join(timeout=1)
        waiter.join()
        assert woke == [True]  # woken by the new mail, not by the 120 s timeout
        assert len(box.unfiled_uids()) >= 2  # the connection is usable after IDLE


def test_the_idle_watcher_files_mail_as_it_arrives(mail_db: Database, dovecot_server: DovecotServer) -> None:
    from sync.server.mail.mail_runner import watch_mailbox

    mailbox_id, address = _mailbox(mail_db, dovecot_server)
    dovecot_server.append(address, _numbered(1, "first")[0])
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_mailbox,
        args=(mail_db, mailbox_id, stop),
        kwargs={"idle_seconds": 600, "poll_seconds": 600},
    )
    watcher.start()
    try:
        while _tickets(mail_db) < 1:
            time.sleep(0.05)
        dovecot_server.append(address, _numbered(1, "second")[0])
        while _tickets(mail_db) < 2:  # only IDLE can wake it: the next pass is 600 s away
            assert watcher.is_alive()
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert not watcher.is_alive()
