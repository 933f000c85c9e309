"""The `outpost-server` commands: migrate an empty database, users and queues, serve over TLS."""

from __future__ import annotations

import io
import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from server.server_harness import PASSWORD, PROTO

from sync.server.cli import main
from sync.server.db import migration
from sync.server.db.database import open_database
from sync.server.serve import ServerThread
from sync.server.settings import ServerSettings


def test_migrate_an_empty_database_then_manage_users(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTPOST_SERVER_DB", db_url)
    assert main(["queue", "add", "IT"]) == 1  # not migrated yet: a clear refusal
    assert "outpost-server migrate" in capsys.readouterr().err
    assert main(["migrate"]) == 0
    assert main(["migrate"]) == 0  # idempotent
    engine = sa.create_engine(db_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"tickets", "change_log", "applied_mutations", "auth_tokens", "alembic_version"} <= tables
    assert main(["queue", "add", "IT", "--db", db_url]) == 0
    assert main(["queue", "add", "it"]) == 1  # names are unique regardless of case
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "Ana", "--role", "manager", "--password-stdin", "--queues", "IT"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["user", "add", "bob", "--role", "agent", "--password-stdin"]) == 1
    assert "8 characters" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "kim", "--role", "agent", "--knowledge-manager", "--password-stdin"]) == 0
    assert main(["user", "disable", "ana"]) == 0
    assert main(["user", "disable", "nobody"]) == 1
    db = open_database(db_url)
    try:
        assert migration.current_status(db).is_current
        from sync.server.admin.admin_service import list_users

        users = {u.username: u for u in list_users(db)}
    finally:
        db.dispose()
    assert users["ana"].role == "manager" and users["ana"].active is False and users["ana"].queues == ("IT",)
    assert users["kim"].knowledge_manager is True


def test_healthz_reports_pending_migrations(db_url: str) -> None:
    db = open_database(db_url)
    thread = ServerThread(ServerSettings(database_url=db_url, port=0), db).start()
    try:
        with httpx.Client(base_url=thread.url) as h:
            r = h.get("/healthz")
            assert r.status_code == 503 and r.json()["migrations"] == "pending"
            migration.upgrade(db)
            assert h.get("/healthz").status_code == 200
    finally:
        thread.stop()
        db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command_over_tls(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["migrate", "--db", url]) == 0
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--certfile",
            str(cert),
            "--keyfile",
            str(key),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with httpx.Client(
                    base_url=f"https://127.0.0.1:{port}", verify=ssl.create_default_context(cafile=str(cert))
                ) as h:
                    r = h.get("/v1/hello", headers=PROTO)
                break
            except httpx.ConnectError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["protocol_max"] == 1
        with pytest.raises(httpx.HTTPError), httpx.Client(base_url=f"http://127.0.0.1:{port}") as plain:
            plain.get("/v1/hello")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stdout:
            proc.stdout.close()


def test_an_unreachable_database_is_503_not_500() -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none?connect_timeout=2"
    db = open_database(url, pool_size=1)
    thread = ServerThread(ServerSettings(database_url=url, port=0), db).start()
    try:
        with httpx.Client(base_url=thread.url, headers=PROTO, timeout=30) as h:
            health = h.get("/healthz")
            assert health.status_code == 503 and health.json()["database"] == "unreachable"
            r = h.get("/v1/hello")
            assert r.status_code == 503 and r.json()["kind"] == "retry_later"
            assert "Retry-After" in r.headers
    finally:
        thread.stop()
        db.dispose()


def test_serve_with_several_worker_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["migrate", "--db", url]) == 0
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                if r.status_code == 200:
                    break
            except httpx.TransportError:  # not up yet, or a worker still starting on a busy machine
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not come up"
            time.sleep(0.2)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=PROTO, timeout=20) as h:
            ids = {h.get("/v1/hello").json()["server_id"] for _ in range(20)}
        assert len(ids) == 1  # every process serves the same database
    finally:
        proc.terminate()
        proc.wait(timeout=20)
