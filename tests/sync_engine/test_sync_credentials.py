"""Where the sign-in token lives: a keyring, an opted-in file keyring, or memory only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from sync import credentials
from sync.engine.session import open_engine, sign_out
from sync.engine.status import read_status
from sync.engine.sync_client import SyncClient
from sync.errors import AuthRequiredError
from sync.replica.replica import Replica

MakeDesk = Callable[..., Desk]
URL = "https://desk.example.org"


def _files_under(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_configured_keyring_stores_loads_and_deletes_the_token(keyring_file: Path) -> None:
    stored = credentials.save_token(URL, "alice", "tok-123")
    assert stored.kind == "keyring"
    credentials._MEMORY.clear()  # a new process: only the keyring remembers
    assert credentials.load_token(URL, "alice", "keyring") == "tok-123"
    credentials.delete_token(URL, "alice")
    assert credentials.load_token(URL, "alice", "keyring") is None


def test_without_a_backend_the_token_is_kept_in_memory_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    stored = credentials.save_token(URL, "bob", "tok-456")
    assert stored.kind == "memory"
    assert "memory only" in stored.message and "--allow-file-keyring" in stored.message
    assert credentials.load_token(URL, "bob", "memory") == "tok-456"
    credentials._MEMORY.clear()  # the process ended
    assert credentials.load_token(URL, "bob", "memory") is None


def test_a_plaintext_keyring_is_never_picked_by_itself_only_when_allowed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keyring_file: Path
) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyringrc.cfg either
    assert credentials.secure_backend_name() is None  # keyrings.alt is installed, but not secure
    assert credentials.save_token(URL, "carol", "tok-789").kind == "memory"
    assert not keyring_file.exists() or b"tok-789" not in _files_under(keyring_file)
    credentials._MEMORY.clear()
    opted = credentials.save_token(URL, "carol", "tok-789", allow_file=True)
    assert opted.kind == "file" and "plain-text" in opted.message
    credentials._MEMORY.clear()
    assert credentials.load_token(URL, "carol", "file") == "tok-789"
    credentials.delete_token(URL, "carol")
    assert credentials.load_token(URL, "carol", "file") is None


def _account(replica: Replica) -> str:
    account = replica.get_setting("sync.keyring_account")
    assert account is not None and account.startswith("alice [")
    return account


def test_two_replicas_of_one_user_keep_separate_sign_ins(server: ServerUnderTest, desk: MakeDesk) -> None:
    """The server binds a token to its device: a second replica signing in as the same person
    on the same computer must not replace (and so break) the first replica's sign-in."""
    first, second = desk(server, "alice"), desk(server, "alice", name="alice-second-replica")
    first.sync()
    second.sync()  # signed in after the first: must not have replaced its sign-in
    first.new_ticket("Laptop replica")
    second.new_ticket("Second replica")
    first.sync()
    second.sync()
    assert first.pending() == 0 and second.pending() == 0
    assert _account(first.replica) != _account(second.replica)


def test_the_token_never_reaches_the_replica_and_sign_out_revokes_it(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path
) -> None:
    a = desk(server, "alice")
    token = credentials.load_token(a.url, _account(a.replica), "keyring")
    assert token is not None
    a.sync()
    a.new_ticket("Badge reader")
    a.replica.close()
    assert token.encode() not in _files_under(a.path)  # not in the replica, its WAL or backups
    reopened = Desk.create(a.path, server, "alice", connect=False)
    a.replica = reopened.replica  # closed by the fixture
    assert sign_out(reopened.replica, http=reopened.http())
    assert credentials.load_token(reopened.url, _account(reopened.replica), "keyring") is None
    with pytest.raises(AuthRequiredError):  # revoked on the server too, not just forgotten here
        SyncClient(reopened.http(), token=token).me()
    with pytest.raises(AuthRequiredError, match="Sign in"):
        open_engine(reopened.replica)
    status = read_status(reopened.replica)
    assert status.needs_sign_in and status.pending == 1  # the work waits for the next sign-in
    reopened.connect()
    reopened.sync()
    assert reopened.pending() == 0
