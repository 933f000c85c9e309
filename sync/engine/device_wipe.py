"""Wiping a revoked device's replica: the server said ``device_revoked``.

An admin revokes a device when it is lost or stolen (``outpost-server device revoke``). The
server then refuses everything from that replica, so nothing it holds is pushed — whoever
has the device now is not trusted to add work in its owner's name. On the first refused
request the engine deletes the replica here: the file and its WAL, upgrade backups,
attachments, ``encryption.json`` and the replica's key in the keyring, and the sign-in
token. The crash logs stay (they hold no help desk data).

Unsynced work on the device is deleted with it, and the message says how many changes that
was. It cannot be kept: keeping a copy on the device defeats the wipe, and sending it
anywhere means trusting the device. If the owner still has the laptop (the revoke was a
mistake), the admin can re-create the work from that message's count and the person's
memory; there is no way to tell an owner from a thief here.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

from sync.credentials import delete_token
from sync.engine.errors import DeviceRevokedError
from sync.replica.encryption import INFO_FILENAME, forget_key, read_info
from sync.replica.replica import Replica

__all__ = ["wipe_revoked_replica"]

_KEEP = {"logs"}


def wipe_revoked_replica(
    replica: Replica, conn: sqlite3.Connection, server_message: str
) -> DeviceRevokedError:
    """Close and delete ``replica`` (see the module docstring); return the error to raise.

    ``conn`` is the round's own connection to the file; it is used to count the unsynced
    changes and then closed. The count is taken after ``replica`` is closed, so a write
    that was committing meanwhile is in it, and one that comes later is refused by the
    closed handle (never written to a re-created file).
    """
    data_dir = replica.data_dir
    url, account = replica.get_setting("sync.server_url"), replica.get_setting("sync.keyring_account")
    username = replica.get_setting("sync.username")
    info = read_info(data_dir)
    replica.close()
    try:
        pending = int(conn.execute("SELECT count(*) FROM journal WHERE state = 'pending'").fetchone()[0])
    finally:
        conn.close()
    if url is not None and (account or username):
        delete_token(url, account or username or "")
    if info is not None:
        forget_key(info.key_id, keyring_too=True)
    _delete_contents(data_dir)
    lost = f" {pending} unsynced change(s) on it were deleted and not sent." if pending else ""
    return DeviceRevokedError(
        f"This device was revoked by an administrator, so its copy of the help desk was deleted.{lost} "
        f"(Server: {server_message})"
    )


def _delete_contents(data_dir: Path) -> None:
    # encryption.json goes last: until then a half-wiped dir still describes its key.
    for entry in sorted(data_dir.iterdir(), key=lambda p: p.name == INFO_FILENAME):
        if entry.name in _KEEP:
            continue
        with contextlib.suppress(FileNotFoundError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
