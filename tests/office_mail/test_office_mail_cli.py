"""``outpost mailbox set|show|test`` and ``outpost mail run --once`` in-process over a real replica,
the session's Dovecot and a real SMTP receiver; the password only ever on standard input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from office_mail.conftest import Office
from support.dovecot_server import PASSWORD, DovecotServer
from support.smtp_receiver import SmtpReceiver

from sync.cli.main import run
from sync.office_mail.office_intake import IntakeLimits
from sync.office_mail.office_mail_worker import run_once


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


def test_configure_test_show_and_run_the_mailbox_from_the_command_line(
    tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    dovecot: DovecotServer = request.getfixturevalue("dovecot_server")
    smtp: SmtpReceiver = request.getfixturevalue("smtp_receiver")
    data = tmp_path / "desk"
    assert cli(data, "setup", "--name", "Sam Tech", "--username", "sam") == 0
    address = dovecot.add_user()
    assert cli(data, "mail", "run", "--once") == 1  # nothing configured yet: says so
    assert "No mailbox is configured" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli(data, "mailbox", "set", "--address", address, "--imap", dovecot.url("starttls"),
               "--smtp", smtp.url, "--queue", "Facilities", "--password-stdin") == 0  # fmt: skip
    assert "system keyring" in capsys.readouterr().out
    assert cli(data, "mailbox", "test") == 0
    assert "IMAP: signed in" in capsys.readouterr().out
    assert cli(data, "mailbox", "show", "--json") == 0
    shown = capsys.readouterr().out
    assert PASSWORD not in shown
    assert json.loads(shown) | {"imap_url": ""} == {
        "address": address, "queue_id": json.loads(shown)["queue_id"], "imap_url": "", "smtp_url": smtp.url,
        "username": "", "processed": "flag", "enabled": True, "queue_name": "Facilities",
        "password_stored": True, "mode": "standalone",
    }  # fmt: skip
    dovecot.append(
        address,
        b"From: Ben <ben@example.org>\r\nTo: " + address.encode() + b"\r\nSubject: Door sticks\r\n"
        b"Message-ID: <ben.1@example.org>\r\n\r\nThe fire door on 2 sticks.\r\n",
    )
    assert cli(data, "mail", "run", "--once", "--json") == 0
    assert json.loads(capsys.readouterr().out)["outcomes"] == {"ticketed": 1}
    assert [m.rcpt_tos for m in smtp.messages] == [("ben@example.org",)]
    assert cli(data, "ticket", "list", "--json") == 0
    [ticket] = json.loads(capsys.readouterr().out)["tickets"]
    assert ticket["subject"] == "Door sticks"
    assert cli(data, "mailbox", "set", "--imap", "http://nope") == 1  # bad input: a clear refusal
    assert "imap://" in capsys.readouterr().err
    assert cli(data, "mailbox", "set", "--disable") == 0
    assert cli(data, "mail", "run", "--once") == 1 and "switched off" in capsys.readouterr().err


from support.dovecot_server import dovecot_server  # noqa: E402, F401  (the session's Dovecot)
from support.smtp_receiver import smtp_receiver  # noqa: E402, F401  (an in-process SMTP server)


def test_quarantined_mail_is_listed_and_can_be_let_in(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = office.box.address
    office.deliver(*(_from_ben(desk, n) for n in range(3)))
    office.deliver(b"To: " + desk.encode() + b"\r\nSubject: who am I\r\n\r\nNo sender.\r\n")
    capped = run_once(office.replica, limits=IntakeLimits(sender_messages_per_hour=2))
    assert capped.outcomes == {"ticketed": 2, "quarantined": 2}
    data = office.replica.data_dir
    assert cli(data, "mail", "quarantine", "--json") == 0
    kept = {q["sender"]: q for q in json.loads(capsys.readouterr().out)}
    assert "rate cap" in kept["ben@example.org"]["reason"] and "no usable sender" in kept[""]["reason"]
    assert cli(data, "mail", "retry", kept["ben@example.org"]["id"]) == 0  # an agent lets it in
    assert capsys.readouterr().out.startswith("ticketed")
    assert cli(data, "mail", "retry", kept[""]["id"]) == 1  # still unreadable: it stays, reason and all
    assert "still kept out: the message has no usable sender" in capsys.readouterr().out
    assert cli(data, "mail", "quarantine", "--json") == 0
    assert [q["id"] for q in json.loads(capsys.readouterr().out)] == [kept[""]["id"]]
    assert cli(data, "mail", "retry", "no-such-id") == 1


def _from_ben(desk: str, n: int) -> bytes:
    return (
        f"From: Ben <ben@example.org>\r\nTo: {desk}\r\nSubject: Door {n}\r\n"
        f"Message-ID: <ben.door.{n}@example.org>\r\n\r\nThe door sticks.\r\n"
    ).encode()
