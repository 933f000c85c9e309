"""``outpost-server mail …`` and ``mailbox …`` as an admin or an MTA pipe runs them."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from mail.mail_support import load
from sqlalchemy import create_engine, text

from sync.server.cli import main


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_mailbox_admin_and_mta_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], _mail_key: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    monkeypatch.setenv("OUTPOST_SERVER_DB", url)
    assert main(["migrate"]) == 0
    assert main(["queue", "add", "IT"]) == 0
    _stdin(monkeypatch, b"app-password-123\n")
    add = ["mailbox", "add", "--queue", "IT", "--address", "IT-Help@Desk.example.com"]
    add += ["--imap", "imaps://mail.example.com/INBOX", "--smtp", "smtp://mail.example.com:587"]
    assert main([*add, "--password-stdin"]) == 0
    assert main(["mailbox", "add", "--queue", "Nope", "--address", "x@y.z", "--password-from", "env:X"]) == 1
    assert "No queue named" in capsys.readouterr().err
    bad = [
        "mailbox",
        "add",
        "--queue",
        "IT",
        "--address",
        "a@b.c",
        "--imap",
        "imaps://u:pw@h",
        "--password-from",
        "env:X",
    ]
    assert main(bad) == 1
    assert "no password in the URL" in capsys.readouterr().err
    assert main(["mailbox", "list"]) == 0
    listed = capsys.readouterr().out
    assert "it-help@desk.example.com\tqueue=IT\tenabled" in listed and "password=sealed" in listed
    assert "app-password-123" not in listed
    engine = create_engine(url)
    with engine.connect() as conn:
        sealed = conn.execute(text("select secret from mailboxes")).scalar_one()
    engine.dispose()
    assert sealed and "app-password-123" not in sealed
    assert b"app-password-123" not in (tmp_path / "server.db").read_bytes()
    assert _mail_key.exists() and oct(_mail_key.stat().st_mode & 0o777) == "0o600"

    _stdin(monkeypatch, load("iso8859_1_plain.eml"))
    assert main(["mail", "deliver", "--queue", "IT"]) == 0
    assert capsys.readouterr().out.startswith("ticketed #1")
    _stdin(monkeypatch, load("iso8859_1_plain.eml"))
    assert main(["mail", "deliver", "--queue", "it"]) == 0
    assert capsys.readouterr().out.startswith("duplicate")
    _stdin(monkeypatch, load("no_sender.eml"))
    assert main(["mail", "deliver", "--queue", "IT"]) == 0
    assert "quarantined: the message has no usable sender" in capsys.readouterr().out
    assert main(["mail", "quarantine"]) == 0
    line = capsys.readouterr().out.strip()
    assert "no usable sender" in line
    assert main(["mail", "retry", line.split("\t")[0]]) == 0
    assert capsys.readouterr().out.startswith("quarantined")  # still unreadable, kept for the admin
    assert main(["mailbox", "disable", "it-help@desk.example.com"]) == 0
    assert main(["mailbox", "list"]) == 0
    assert "\tdisabled\t" in capsys.readouterr().out


def test_the_mail_key_in_an_existing_shared_folder_leaves_the_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.server.mail.mail_secrets import KEY_ENV, open_secret, seal_secret

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv(KEY_ENV, str(shared / "mail.key"))
    assert open_secret(seal_secret("pw")) == "pw"
    assert oct(shared.stat().st_mode & 0o7777) == "0o1777"
    assert oct((shared / "mail.key").stat().st_mode & 0o777) == "0o600"
