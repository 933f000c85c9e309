"""The replica's folder is 0700 and its files 0600: on creation, and tightened at open."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.replica.replica import REPLICA_FILENAME, open_replica


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The common default (022) that made files world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_replica_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "outpost"
    replica = open_replica(data_dir)
    try:
        replica.set_setting("probe", "x")  # a write, so the -wal and -shm files exist
        assert _mode(data_dir) == 0o700
        files = [
            data_dir / REPLICA_FILENAME,
            data_dir / f"{REPLICA_FILENAME}-wal",
            data_dir / f"{REPLICA_FILENAME}-shm",
        ]
        assert all(f.exists() for f in files)
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        replica.close()


def test_opening_tightens_an_existing_replica_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "outpost"
    replica = open_replica(data_dir)
    replica.close()
    blob_dir = data_dir / "attachments" / "ab"
    blob_dir.mkdir(parents=True)
    blob = blob_dir / "ab12"
    blob.write_bytes(b"salary list")
    backup = data_dir / "replica.schema2.20260101T000000Z.bak"
    backup.write_bytes(b"old copy")
    key_file = data_dir / "device.key"  # any key or secret file kept beside the replica
    key_file.write_text("{}")
    db = data_dir / REPLICA_FILENAME
    files = (db, blob, backup, key_file)
    for path in (data_dir, blob_dir):
        path.chmod(0o755)
    for path in files:
        path.chmod(0o644)
    caplog.set_level(logging.WARNING)
    replica = open_replica(data_dir)
    try:
        assert replica.get_setting("client_id")  # still a good replica
        assert {p.name: _mode(p) for p in (data_dir, blob_dir)} == {
            data_dir.name: 0o700,
            blob_dir.name: 0o700,
        }
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        replica.close()
    logged = caplog.text
    assert str(db) in logged and "tightened" in logged


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="needs root to make a file owned by another account",
)
def test_a_file_owned_by_another_account_is_reported_not_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "outpost"
    open_replica(data_dir).close()
    backup = data_dir / "replica.schema2.20260101T000000Z.bak"
    backup.write_bytes(b"old copy")
    backup.chmod(0o644)
    os.chown(backup, 65534, 65534)
    caplog.set_level(logging.WARNING)
    replica = open_replica(data_dir)
    replica.close()
    assert _mode(backup) == 0o644
    assert str(backup) in caplog.text and "another user" in caplog.text


def test_files_the_replica_makes_later_are_private_from_the_start(tmp_path: Path) -> None:
    """An attachment being downloaded, the sync lock and a schema-upgrade backup are created
    0600 (their folders 0700), not left world-readable until the next open tightens them."""
    import sqlite3

    from sync.engine.progress import CancelToken
    from sync.engine.round_lock import round_lock
    from sync.replica.blob_store import BlobStore, PartialBlob
    from sync.replica.schema_upgrade import backup_replica

    data_dir = tmp_path / "outpost"
    open_replica(data_dir).close()
    store = BlobStore(data_dir / "attachments", None)
    partial = PartialBlob(store, "ab" * 32)
    partial.write(b"half a photo")
    partial.close()
    with round_lock(data_dir, CancelToken()):
        pass
    conn = sqlite3.connect(data_dir / REPLICA_FILENAME)
    backup = backup_replica(conn, data_dir / REPLICA_FILENAME, 3)
    conn.close()
    assert _mode(store.root) == 0o700
    assert _mode(partial.path) == 0o600
    assert _mode(data_dir / "sync.lock") == 0o600
    assert _mode(backup) == 0o600
