"""Turning encryption on and off for an existing replica, safe against a crash at any point.

``outpost encrypt`` (:func:`encrypt_replica`), in order — each step durable before the next:

1. a new master key (into the keyring, or sealed by the passphrase);
2. an encrypted copy of the replica, ``replica.db.encrypting`` (``sqlcipher_export``, under
   the write lock so nothing changes meanwhile), fsynced and checked row for row;
3. ``encryption.json.pending`` with the key's description;
4. the backup: a hard link ``replica.pre-encrypt.bak`` to the plain file (a copy where links
   are not possible);
5. **commit**: ``encryption.json.pending`` renamed to ``encryption.json``;
6. ``replica.db.encrypting`` renamed over ``replica.db``;
7. every attachment, and every schema-upgrade backup, re-written encrypted (each atomically);
8. ``encryption.json`` marked complete; the plaintext backup deleted.

``outpost decrypt`` (:func:`decrypt_replica`) mirrors it: a plain copy
``replica.db.decrypting``; ``encryption.json`` marked ``decrypting``; a backup link;
**commit**: the copy renamed over ``replica.db``; attachments and backups decrypted; then
``encryption.json`` removed and the key deleted from the keyring.

:func:`recover_interrupted_switch` runs at every open: before a commit it removes what the
interrupted command left (the replica opens as it was); after a commit it finishes the
remaining steps (the replica opens as the command meant). Either way it opens. A backup
holding plaintext is removed once an encryption is complete: a plaintext copy in the data dir
would defeat it (the disk's free blocks may still hold old plaintext until overwritten; the
docs say so).

The environment variable ``OUTPOST_TEST_CRASH_AT=N`` makes the process exit abruptly at the
N-th step (tests kill the command at every step this way).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from sync.errors import NotFoundError, ReplicaCorruptError, ReplicaError, ValidationError
from sync.replica import sqlite_driver
from sync.replica.blob_store import BlobStore
from sync.replica.encryption import (
    INFO_FILENAME,
    EncryptionInfo,
    ReplicaKeys,
    create_encryption,
    forget_key,
    fsync_dir,
    keys_for,
    read_info,
    write_info,
)

__all__ = ["decrypt_replica", "encrypt_replica", "recover_interrupted_switch"]

_REPLICA = "replica.db"
_SQLITE_HEADER = b"SQLite format 3\x00"
_ENCRYPTING = _REPLICA + ".encrypting"
_DECRYPTING = _REPLICA + ".decrypting"
_PENDING = INFO_FILENAME + ".pending"
_PRE_ENCRYPT = "replica.pre-encrypt.bak"
_PRE_DECRYPT = "replica.pre-decrypt.bak"

_steps = {"count": 0}


def _step() -> None:
    """A point where tests may kill the process (``OUTPOST_TEST_CRASH_AT``)."""
    _steps["count"] += 1
    wanted = os.environ.get("OUTPOST_TEST_CRASH_AT")
    if wanted and int(wanted) == _steps["count"]:
        os._exit(86)


def is_plain_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == _SQLITE_HEADER


# -- the commands ----------------------------------------------------------------------
def encrypt_replica(data_dir: Path, passphrase: str | None = None) -> EncryptionInfo:
    """Encrypt the replica in ``data_dir`` (see the module docstring); key in the keyring
    unless ``passphrase`` is given. Close the app first: an open replica is refused."""
    path = data_dir / _REPLICA
    recover_interrupted_switch(data_dir)
    if not path.exists():
        raise NotFoundError(f"There is no replica in {data_dir}.")
    if read_info(data_dir) is not None:
        raise ValidationError(f"The replica in {data_dir} is already encrypted.")
    _step()
    info, keys = create_encryption(passphrase)
    info = EncryptionInfo(**{**info.__dict__, "blobs": "encrypting"})
    _step()
    _export(path, None, data_dir / _ENCRYPTING, keys.db_key)
    _ensure_closed(path, data_dir / _ENCRYPTING)
    _step()
    write_info(data_dir, None)  # no stale encryption.json (there is none: checked above)
    pending = data_dir / _PENDING
    pending.write_text(info.to_json(), encoding="utf-8")
    _fsync_file(pending)
    _step()
    _link_backup(path, data_dir / _PRE_ENCRYPT)
    _step()
    os.replace(pending, data_dir / INFO_FILENAME)  # the commit
    fsync_dir(data_dir)
    _step()
    _finish_encrypt(data_dir, info, keys)
    return info


def decrypt_replica(data_dir: Path) -> None:
    """Decrypt the replica in ``data_dir`` back to a plain file and plain attachments, then
    delete its key. The key must be at hand (keyring, or unlocked by passphrase)."""
    path = data_dir / _REPLICA
    recover_interrupted_switch(data_dir)
    info = read_info(data_dir)
    if info is None or not path.exists():
        raise ValidationError(f"The replica in {data_dir} is not encrypted.")
    keys = keys_for(data_dir)
    assert keys is not None
    _step()
    _export(path, keys.db_key, data_dir / _DECRYPTING, None)
    _ensure_closed(path, data_dir / _DECRYPTING)
    _step()
    info = EncryptionInfo(**{**info.__dict__, "blobs": "decrypting"})
    write_info(data_dir, info)
    _step()
    _link_backup(path, data_dir / _PRE_DECRYPT)
    _step()
    os.replace(data_dir / _DECRYPTING, path)  # the commit
    fsync_dir(data_dir)
    _step()
    _finish_decrypt(data_dir, info, keys)


# -- recovery --------------------------------------------------------------------------
def recover_interrupted_switch(data_dir: Path) -> None:
    """Undo or finish an interrupted encrypt/decrypt (a few ``stat`` calls when there is none)."""
    path = data_dir / _REPLICA
    info = read_info(data_dir)
    if info is None:
        for leftover in (_PENDING, _ENCRYPTING, _DECRYPTING, _PRE_ENCRYPT, _PRE_DECRYPT):
            (data_dir / leftover).unlink(missing_ok=True)
        return
    if not path.exists():
        return  # a new replica is created encrypted
    plain = is_plain_sqlite(path)
    if plain and (data_dir / _ENCRYPTING).exists():
        os.replace(data_dir / _ENCRYPTING, path)  # the encrypt committed: finish its swap
        fsync_dir(data_dir)
        plain = False
    if plain:
        if info.blobs != "decrypting":
            raise ReplicaCorruptError(
                f"The replica in {data_dir} is a plain file but {INFO_FILENAME} says it is encrypted; "
                f"move {INFO_FILENAME} aside if the replica is meant to be plain."
            )
        keys = keys_for(data_dir)
        assert keys is not None
        _finish_decrypt(data_dir, info, keys)
        return
    for leftover in (_PENDING, _DECRYPTING, _PRE_DECRYPT):  # of a decrypt that never committed
        (data_dir / leftover).unlink(missing_ok=True)
    if info.blobs == "decrypting":  # the decrypt never committed: undo it
        write_info(data_dir, EncryptionInfo(**{**info.__dict__, "blobs": "done"}))
    elif info.blobs == "encrypting":
        keys = keys_for(data_dir)
        assert keys is not None
        _finish_encrypt(data_dir, info, keys)
    (data_dir / _PRE_ENCRYPT).unlink(missing_ok=True)  # a plaintext copy: never kept beside the replica


def _finish_encrypt(data_dir: Path, info: EncryptionInfo, keys: ReplicaKeys) -> None:
    if (data_dir / _ENCRYPTING).exists():
        os.replace(data_dir / _ENCRYPTING, data_dir / _REPLICA)
        fsync_dir(data_dir)
    _step()
    _convert_files(data_dir, None, keys.db_key, BlobStore(data_dir / "attachments", keys.blob_key), None)
    (data_dir / _PRE_ENCRYPT).unlink(missing_ok=True)
    _step()
    write_info(data_dir, EncryptionInfo(**{**info.__dict__, "blobs": "done"}))


def _finish_decrypt(data_dir: Path, info: EncryptionInfo, keys: ReplicaKeys) -> None:
    _step()
    _convert_files(data_dir, keys.db_key, None, BlobStore(data_dir / "attachments", None), keys.blob_key)
    write_info(data_dir, None)
    _step()
    forget_key(info.key_id, keyring_too=True)
    (data_dir / _PRE_DECRYPT).unlink(missing_ok=True)


def _convert_files(
    data_dir: Path,
    from_key: bytes | None,
    to_key: bytes | None,
    store: BlobStore,
    blob_reader_key: bytes | None,
) -> None:
    """Re-write each attachment and each schema-upgrade backup in the target format."""
    for blob in store.all_paths():
        if store.needs_rewrite(blob):
            store.rewrite(blob, blob_reader_key)
            _step()
    for backup in sorted(data_dir.glob("replica.schema*.bak")):
        if is_plain_sqlite(backup) != (to_key is None):
            tmp = backup.with_name(backup.name + ".converting")
            _export(backup, from_key, tmp, to_key)
            os.replace(tmp, backup)
            _step()
    for tmp in data_dir.glob("replica.schema*.bak.converting"):
        tmp.unlink()


# -- copying a database between plain and encrypted ------------------------------------
def _export(source: Path, source_key: bytes | None, target: Path, target_key: bytes | None) -> None:
    """Copy ``source`` into a new file ``target`` re-keyed (SQLCipher's ``sqlcipher_export``),
    holding the source's write lock throughout; fsync it and check it holds the same rows."""
    target.unlink(missing_ok=True)
    module = sqlite_driver.sqlcipher_module()
    if module is None:  # pragma: no cover - a dependency
        raise ReplicaError("SQLCipher (the Python package sqlcipher3) is not installed.")
    conn: sqlite3.Connection = module.connect(str(source), isolation_level=None, timeout=5)
    try:
        if source_key is not None:
            conn.execute(sqlite_driver.key_pragma(source_key))
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite_driver.OperationalError as exc:
            raise ReplicaError(
                "The replica is in use (is Outpost open, or a sync running?). Close it and try again."
            ) from exc
        conn.execute("ROLLBACK")
        target_spec = "''" if target_key is None else f"\"x'{target_key.hex()}'\""
        conn.execute(f"ATTACH DATABASE ? AS converted KEY {target_spec}", (str(target),))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT sqlcipher_export('converted')")
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute(f"PRAGMA converted.user_version = {version}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE converted")
        expected = _row_counts(conn)
    except sqlite_driver.DatabaseError as exc:
        target.unlink(missing_ok=True)
        raise ReplicaCorruptError(f"{source} could not be copied ({exc}); nothing was changed.") from exc
    finally:
        conn.close()
    _fsync_file(target)
    check = sqlite_driver.connect(target, target_key, isolation_level=None)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        same = ok and _row_counts(check) == expected
        same = same and int(check.execute("PRAGMA user_version").fetchone()[0]) == version
    finally:
        check.close()
    if not same:
        target.unlink(missing_ok=True)
        raise ReplicaCorruptError(f"The converted copy of {source} did not check out; nothing was changed.")


def _ensure_closed(path: Path, copy: Path) -> None:
    """Refuse to swap a file another process still has open: its WAL outlives our connection."""
    if path.with_name(path.name + "-wal").exists():
        copy.unlink(missing_ok=True)
        raise ReplicaError(
            "The replica is open in another program (the Outpost app or a sync). Close it and try again; "
            "nothing was changed."
        )


def _row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _link_backup(source: Path, backup: Path) -> None:
    backup.unlink(missing_ok=True)
    try:
        os.link(source, backup)
    except OSError:  # a file system without hard links: copy
        shutil.copy2(source, backup)
    fsync_dir(source.parent)
