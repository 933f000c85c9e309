"""A lost device: the admin revokes it; on its next connection it wipes its replica and
pushes nothing (its unsynced work is deleted, and the message says how much). And the
server setting that requires new replicas to be encrypted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from server.server_harness import PASSWORD, ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk

from sync.cli import main as cli_main
from sync.credentials import secure_keyring
from sync.engine.errors import DeviceRevokedError, EncryptionRequiredError
from sync.engine.replica_conn import open_engine_connection
from sync.engine.status import read_status
from sync.errors import ReplicaError
from sync.replica import sqlite_driver
from sync.replica.encryption import KEYRING_SERVICE, read_info
from sync.replica.replica import open_replica
from sync.server import cli as server_cli
from sync.server.core.runtime_settings import store_runtime_settings

MakeDesk = Callable[..., Desk]


def _server_subjects(server: ServerUnderTest) -> set[str]:
    with server.db.engine.connect() as c:
        return set(c.execute(text("SELECT subject FROM tickets")).scalars())


def test_a_revoked_device_wipes_its_replica_and_pushes_nothing(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = desk(server, "alice", mode="encrypted")
    a.sync()
    a.new_ticket("Synced before the loss")
    a.sync()
    a.new_ticket("Written after the loss")
    info = read_info(a.path)
    client_id = a.replica.client_id
    assert info is not None and a.pending() == 1

    code = server_cli.main(["device", "revoke", client_id, "--db", f"sqlite:///{tmp_path / 'server.db'}"])
    assert code == 0 and "1 session(s) ended" in capsys.readouterr().out

    with pytest.raises(DeviceRevokedError, match="1 unsynced change"):
        a.sync()
    assert "Written after the loss" not in _server_subjects(server)
    assert "Synced before the loss" in _server_subjects(server)
    assert sorted(p.name for p in a.path.iterdir()) == []
    # Nothing late brings the wiped file back: the closed handle refuses work, and the
    # engine's own connections (a change watcher reading its cursor) never create a file.
    with pytest.raises(ReplicaError, match="closed"):
        a.new_ticket("Written after the wipe")
    with pytest.raises(sqlite_driver.OperationalError):
        open_engine_connection(a.path / "replica.db", None)
    assert sorted(p.name for p in a.path.iterdir()) == []
    backend = secure_keyring()
    assert backend is not None and backend.get_password(KEYRING_SERVICE, info.key_id) is None

    # Signing in again from that replica's identity is refused too.
    r = server.http().post(
        "/v1/session", json={"username": "alice", "password": PASSWORD, "client_id": client_id}
    )
    assert r.status_code == 403 and r.json()["kind"] == "device_revoked"


def test_only_an_admin_may_revoke_a_device_over_the_api(server: ServerUnderTest) -> None:
    server.add_user("root", role="admin")
    server.add_user("tech", role="agent")
    tech, root = server.device("tech"), server.device("root")
    assert tech.http.post(f"/v1/admin/devices/{tech.client_id}/revoke").status_code == 403
    assert root.http.post("/v1/admin/devices/no-such-device/revoke").status_code == 404
    assert root.http.post(f"/v1/admin/devices/{tech.client_id}/revoke").status_code == 204
    r = tech.http.get("/v1/me")
    assert r.status_code == 403 and r.json()["kind"] == "device_revoked"


def test_a_server_that_requires_encryption_refuses_a_plain_replica_at_connect(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    with server.db.write_session() as s:
        store_runtime_settings(s, {"require_encrypted_replicas": 1})
    assert server.http().get("/v1/hello").json()["require_encryption"] is True
    plain = desk(server, "alice", connect=False)
    with pytest.raises(EncryptionRequiredError, match="accepts only encrypted replicas"):
        plain.connect()
    assert plain.replica.mode == "standalone"
    encrypted = desk(server, "bob", name="bob-encrypted", mode="encrypted")  # connects
    assert encrypted.sync().applied == 0


def test_every_answer_carrying_the_server_info_carries_the_encryption_rule(server: ServerUnderTest) -> None:
    """Hello, sign-in and both kinds of pull page agree on ``require_encryption``: a pull
    used to say ``false`` whatever the setting."""
    with server.db.write_session() as s:
        store_runtime_settings(s, {"require_encrypted_replicas": 1})
    server.add_user("ana")
    ana = server.device("ana")
    http = server.http()
    signed_in = http.post("/v1/session", json={"username": "ana", "password": PASSWORD, "client_id": "c-1"})
    assert signed_in.status_code == 200, signed_in.text
    answers = {
        "hello": http.get("/v1/hello").json(),
        "sign-in": signed_in.json()["server"],
        "pull": ana.pull_all()[-1]["server"],
        "pull mine": ana.http.post("/v1/pull", json={"cursor": None, "only": "mine"}).json()["server"],
    }
    assert {name: a["require_encryption"] for name, a in answers.items()} == dict.fromkeys(answers, True)


def _require_encryption(server: ServerUnderTest, on: bool) -> None:
    with server.db.write_session() as s:
        store_runtime_settings(s, {"require_encrypted_replicas": int(on)})


def test_a_connected_plain_replica_learns_the_rule_keeps_syncing_and_the_status_says_to_encrypt(
    server: ServerUnderTest, desk: MakeDesk, capsys: pytest.CaptureFixture[str]
) -> None:
    a = desk(server, "alice")
    a.sync()
    assert not read_status(a.replica).encryption_required
    _require_encryption(server, True)
    a.new_ticket("Written after the rule")
    assert a.sync().pushed == 1  # the work already on the device still goes (see sync_round)
    assert "Written after the rule" in _server_subjects(server)
    assert read_status(a.replica).encryption_required
    a.replica.close()
    assert cli_main.run(["--data-dir", str(a.path), "status"]) == 0
    assert "required by your server: run `outpost encrypt`" in capsys.readouterr().out
    a.replica = open_replica(a.path)
    _require_encryption(server, False)
    a.sync()
    assert not read_status(a.replica).encryption_required


def test_the_rule_is_learnt_from_a_pull_page_too(server: ServerUnderTest, desk: MakeDesk) -> None:
    """The rule turned on between the round's hello (which still said no) and its pull."""
    a = desk(server, "alice")
    a.sync()

    def turn_on_after_hello(response: httpx.Response) -> None:
        if response.request.url.path == "/v1/hello":
            _require_encryption(server, True)

    a.http().event_hooks["response"].append(turn_on_after_hello)
    a.sync()
    assert read_status(a.replica).encryption_required


def test_an_encrypted_replica_has_nothing_to_do_about_the_rule(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    _require_encryption(server, True)
    a = desk(server, "alice", mode="encrypted")
    a.sync()
    assert not read_status(a.replica).encryption_required
