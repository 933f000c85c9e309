"""``outpost connect | sync | status | conflicts | signout``: exit codes and messages."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from server.server_harness import PASSWORD, PROTO, ServerUnderTest
from sync_engine.support_sync import ensure_user

from sync.cli.main import run
from sync.credentials import load_token
from sync.replica.replica import open_replica
from sync.services.directory import Directory
from sync.services.ticket_service import NewTicket, TicketService


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _connect(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path, url: str,
             user: str = "alice", password: str = PASSWORD) -> tuple[int, str, str]:  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return _run(capsys, "--data-dir", str(data), "connect", url, "--user", user, "--password-stdin")


def test_connect_sync_status_conflicts_signout(
    server: ServerUnderTest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ensure_user(server, "alice")
    data = tmp_path / "replica"
    code, out, err = _connect(monkeypatch, capsys, data, server.url)
    assert code == 0, err
    assert f"Connected to {server.url} as alice." in out and "system keyring" in out and "Synced" in out
    assert PASSWORD not in out + err

    replica = open_replica(data)
    queue = Directory(replica).queue_by_name("IT").id
    TicketService(replica).create_ticket(NewTicket(subject="Lift stuck", queue_id=queue))
    replica.close()

    code, out, _ = _run(capsys, "--data-dir", str(data), "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["mode"] == "connected" and status["pending"] == 1 and status["signed_in"]
    assert status["pending_by_entity"] == {"ticket": 1}

    code, out, err = _run(capsys, "--data-dir", str(data), "sync", "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["ok"] and report["applied"] == 1 and report["pending"] == 0

    code, out, _ = _run(capsys, "--data-dir", str(data), "status")
    assert code == 0 and "pending changes       0" in out and "last successful sync" in out

    code, out, _ = _run(capsys, "--data-dir", str(data), "conflicts", "--json")
    assert code == 0 and json.loads(out) == {"conflicts": [], "notices": []}
    code, out, _ = _run(capsys, "--data-dir", str(data), "conflicts")
    assert "Nothing needs your decision." in out

    code, out, _ = _run(capsys, "--data-dir", str(data), "signout")
    assert code == 0 and "Signed out." in out

    replica = open_replica(data)
    TicketService(replica).create_ticket(NewTicket(subject="Lift stuck again", queue_id=queue))
    replica.close()
    code, out, err = _run(capsys, "--data-dir", str(data), "sync")
    assert code == 3
    assert "Sign in to" in err and "kept" in err  # the work stays queued
    code, out, err = _run(capsys, "--data-dir", str(data), "sync", "--json")
    answer = json.loads(out)
    assert code == 3 and (answer["ok"], answer["kind"], answer["pending"]) == (False, "sign_in", 1)


def test_unreachable_server_and_wrong_password_exit_codes(
    server: ServerUnderTest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ensure_user(server, "alice")
    data = tmp_path / "replica"
    code, _, err = _connect(monkeypatch, capsys, data, server.url, password="not the password")
    assert code == 3 and "refused the user name 'alice'" in err

    code, _, err = _connect(monkeypatch, capsys, data, "http://127.0.0.1:9")  # nothing listens there
    assert code == 4 and "Cannot reach the server" in err

    assert _connect(monkeypatch, capsys, data, server.url)[0] == 0
    server.thread.stop()  # the server goes away; the replica keeps working
    replica = open_replica(data)
    TicketService(replica).create_ticket(
        NewTicket(subject="Offline", queue_id=Directory(replica).queue_by_name("IT").id)
    )
    replica.close()
    code, _, err = _run(capsys, "--data-dir", str(data), "sync")
    assert code == 4 and "will retry" in err and "1 unsynced change waits on this computer" in err
    code, out, _ = _run(capsys, "--data-dir", str(data), "status", "--json")
    status = json.loads(out)
    assert status["pending"] == 1 and status["last_error_kind"] == "retry_later"


def test_no_password_without_a_terminal_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = _run(capsys, "--data-dir", str(tmp_path), "connect", "http://127.0.0.1:9", "--user", "x")
    assert code == 1 and "--password-stdin" in err


def test_signout_through_the_console_script_revokes_the_token_on_the_server(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    """``outpost signout`` once started the desktop app (the script's list of command words
    missed it), so the token stayed valid. Through the installed script, as a user runs it."""
    ensure_user(server, "alice")
    data = tmp_path / "replica"
    script = Path(sys.executable).with_name("outpost")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"  # were the app started by mistake, it would not return

    def outpost(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), "--data-dir", str(data), *args],
            input=stdin, capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip

    connected = outpost("connect", server.url, "--user", "alice", "--password-stdin", "--no-sync",
                        stdin=PASSWORD + "\n")  # fmt: skip
    assert connected.returncode == 0, connected.stderr
    replica = open_replica(data)
    token = load_token(
        server.url, replica.get_setting("sync.keyring_account") or "", replica.get_setting("sync.token_store")
    )
    replica.close()
    assert token is not None
    with httpx.Client(base_url=server.url, headers={**PROTO, "Authorization": f"Bearer {token}"}) as h:
        assert h.get("/v1/me").status_code == 200

        signed_out = outpost("signout")
        assert signed_out.returncode == 0, signed_out.stderr
        assert "Signed out." in signed_out.stdout

        assert h.get("/v1/me").status_code == 401  # revoked on the server, not only forgotten here
    status = outpost("status", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["signed_in"] is False
