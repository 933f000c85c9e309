"""Plain ``http://`` to another computer: refused unless allowed, and the choice holds for every request.

Before this, the client accepted ``http://`` to any host silently, handing the password and
the bearer token to anyone on the network path. A real server answers on loopback; to give a
replica a *non-loopback* ``http://`` address that still reaches it, ``ToLoopback`` forwards
each request to the server's loopback port over a real socket.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from server.server_harness import PASSWORD, ServerUnderTest
from sync_engine.loopback_forward import FAR_AWAY, ToLoopback
from sync_engine.support_sync import ensure_user

from sync.cli.main import run
from sync.engine.errors import InsecureConnectionError
from sync.engine.server_url import check_server_url
from sync.engine.session import connect, open_engine, sign_out
from sync.engine.status import read_status
from sync.replica.replica import open_replica


@pytest.mark.parametrize(
    "url",
    [
        "https://desk.example.org",
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:80/",
        "http://127.9.9.9",
    ],
)
def test_https_and_loopback_need_no_permission(url: str) -> None:
    assert check_server_url(url, allow_insecure_http=False) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", [FAR_AWAY, "http://192.0.2.10", "http://127.0.0.1.example.org", "ftp://desk.example.org", "desk"]
)
def test_plain_http_elsewhere_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(InsecureConnectionError):
        check_server_url(url, allow_insecure_http=False)


def test_connect_refuses_plain_http_to_another_computer_before_sending_anything(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    ensure_user(server, "alice")
    forward = ToLoopback(server.url)
    replica = open_replica(tmp_path / "replica")
    try:
        with (
            httpx.Client(base_url=FAR_AWAY, transport=forward) as http,
            pytest.raises(InsecureConnectionError),
        ):
            connect(replica, FAR_AWAY, "alice", PASSWORD, http=http)
        assert forward.sent == []  # not even the hello: the password never left
        assert read_status(replica).mode == "standalone" and replica.get_setting("sync.server_url") is None
    finally:
        replica.close()


def test_an_allowed_insecure_server_is_stored_and_checked_on_every_later_request(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    ensure_user(server, "alice")
    forward = ToLoopback(server.url)
    replica = open_replica(tmp_path / "replica")
    try:
        with httpx.Client(base_url=FAR_AWAY, transport=forward) as http:
            connect(replica, FAR_AWAY, "alice", PASSWORD, http=http, allow_insecure_http=True)
            assert replica.get_setting("sync.allow_insecure_http") == "1"
            status = read_status(replica)
            assert status.mode == "connected" and status.insecure_http  # what the app warns about
            report = open_engine(replica, http=http).run_round()  # rounds use the stored choice
            assert report.pulled_records > 0

            # A replica whose settings lost the permission (edited by hand, or an old file) is
            # refused on the next request, not only at connect time: nothing is sent.
            replica.set_setting("sync.allow_insecure_http", None)
            sent = len(forward.sent)
            with pytest.raises(InsecureConnectionError):
                open_engine(replica, http=http).run_round()
            assert sign_out(replica, http=http)  # forgets the token here, without sending it in clear
            assert len(forward.sent) == sent
    finally:
        replica.close()


def test_cli_connect_needs_allow_insecure_http_for_plain_http_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "replica"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = run(["--data-dir", str(data), "connect", FAR_AWAY, "--user", "alice", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 1 and "not encrypted" in err and "--allow-insecure-http" in err and err.count("\n") == 1
    assert not data.exists()  # refused before the password was read or a replica made

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["--data-dir", str(data), "connect", FAR_AWAY, "--user", "alice", "--password-stdin"]
    code = run([*args, "--allow-insecure-http"])
    err = capsys.readouterr().err
    assert code == 4 and "Cannot reach the server" in err  # allowed: it really tried that address
