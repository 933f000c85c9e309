"""The key of an encrypted replica: where it is kept, how it is unlocked, what it derives.

A replica is encrypted when its data dir holds ``encryption.json`` (:data:`INFO_FILENAME`)
and its file does not start with SQLite's plain header. The JSON holds no secret: a key id,
how the key is protected, and a check value that tells a wrong key from a damaged file.

Each replica has its own random 256-bit *master key*, protected one of two ways:

- ``keyring``: the master key is in the OS keyring (service ``"Outpost replica key"``, the
  key id as the account) — the same secure backends as the sign-in token
  (:func:`sync.credentials.secure_keyring`); plain-text file keyrings are never used for it;
- ``passphrase``: the master key is sealed (AES-256-GCM) with a key derived from the
  person's passphrase by scrypt (memory-hard; its parameters and salt are in the JSON). A
  wrong passphrase fails the seal's authentication: a clear error, nothing is written.

From the master key, HKDF derives the SQLCipher key (a raw key, so SQLCipher runs no KDF of
its own per connection), the attachments key, and the check value.

An unlocked key is remembered for this process by key id (:func:`remember_key`), so every
``open_replica`` of that data dir — CLI command, app, sync worker — finds it. Nothing here
writes a key anywhere but the keyring.

Threading: functions may be called from any thread.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sync.errors import ReplicaError, ReplicaLockedError, WrongKeyError
from sync.storage.file_modes import create_private_file

__all__ = [
    "INFO_FILENAME",
    "KEYRING_SERVICE",
    "EncryptionInfo",
    "Protection",
    "ReplicaKeys",
    "create_encryption",
    "forget_key",
    "keys_for",
    "read_info",
    "remember_key",
    "unlock_with_passphrase",
    "write_info",
]

INFO_FILENAME = "encryption.json"
KEYRING_SERVICE = "Outpost replica key"
Protection = Literal["keyring", "passphrase"]

#: scrypt cost for new passphrases: 2**17 x 8 x 128 bytes = 128 MiB, about half a second here.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE_CHARS = 8

_UNLOCKED: dict[str, bytes] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class EncryptionInfo:
    """The contents of ``encryption.json`` (no secrets)."""

    key_id: str
    protection: Protection
    check: str  # base64 of a value derived from the master key
    kdf: dict[str, Any] | None = None  # scrypt salt and cost, passphrase only
    sealed_key: str | None = None  # base64 nonce + AES-GCM(master key), passphrase only
    #: "done", or the attachment conversion an interrupted encrypt/decrypt left to finish.
    blobs: str = "done"
    version: int = 1

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)


@dataclass(frozen=True)
class ReplicaKeys:
    """The keys derived from one master key."""

    key_id: str
    master: bytes = field(repr=False)

    @property
    def db_key(self) -> bytes:
        return _derive(self.master, b"outpost replica sqlcipher")

    @property
    def blob_key(self) -> bytes:
        return _derive(self.master, b"outpost replica attachments")

    @property
    def check(self) -> str:
        return base64.b64encode(_derive(self.master, b"outpost replica key check")[:16]).decode()


def _derive(master: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def read_info(data_dir: Path) -> EncryptionInfo | None:
    path = data_dir / INFO_FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as exc:  # OSError (no such folder, no permission) reaches the caller as it is
        raise ReplicaError(f"{path} is damaged ({exc}); restore it from a backup of this folder.") from exc
    try:
        return EncryptionInfo(**raw)
    except TypeError as exc:
        raise ReplicaError(f"{path} is not one this Outpost understands ({exc}).") from exc


def write_info(data_dir: Path, info: EncryptionInfo | None) -> None:
    """Replace (or with None remove) ``encryption.json`` atomically and durably."""
    path = data_dir / INFO_FILENAME
    if info is None:
        path.unlink(missing_ok=True)
    else:
        tmp = path.with_name(INFO_FILENAME + ".tmp")
        tmp.unlink(missing_ok=True)
        create_private_file(tmp)  # 0600 from its first byte, like every file of the replica
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(info.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    fsync_dir(data_dir)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder; its renames are durable
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- creating and unlocking --------------------------------------------------------------
def create_encryption(passphrase: str | None) -> tuple[EncryptionInfo, ReplicaKeys]:
    """A new master key, protected by the keyring (``passphrase`` None) or the passphrase.

    The keyring entry is written here; the caller writes the returned info. Raises
    :class:`ReplicaError` when there is no secure keyring and no passphrase was given.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    keys = ReplicaKeys(str(uuid.uuid4()), os.urandom(32))
    if passphrase is None:
        _store_in_keyring(keys)
        info = EncryptionInfo(keys.key_id, "keyring", keys.check)
    else:
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            raise ReplicaError(f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters.")
        salt = os.urandom(16)
        kdf = {"name": "scrypt", "salt": base64.b64encode(salt).decode(), "n": SCRYPT_N, "r": SCRYPT_R}
        kdf["p"] = SCRYPT_P
        nonce = os.urandom(12)
        sealed = AESGCM(_passphrase_key(passphrase, kdf)).encrypt(nonce, keys.master, keys.key_id.encode())
        sealed_key = base64.b64encode(nonce + sealed).decode()
        info = EncryptionInfo(keys.key_id, "passphrase", keys.check, kdf=kdf, sealed_key=sealed_key)
    remember_key(keys)
    return info, keys


def _passphrase_key(passphrase: str, kdf: dict[str, Any]) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    salt = base64.b64decode(kdf["salt"])
    scrypt = Scrypt(salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]))
    return scrypt.derive(passphrase.encode("utf-8"))


def unlock_with_passphrase(data_dir: Path, passphrase: str) -> ReplicaKeys:
    """Derive the key from ``passphrase`` and remember it for this process.

    Raises :class:`WrongKeyError` for a wrong passphrase (nothing is written anywhere).
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    info = read_info(data_dir)
    if info is None or info.protection != "passphrase" or info.kdf is None or info.sealed_key is None:
        raise ReplicaError(f"The replica in {data_dir} is not protected by a passphrase.")
    blob = base64.b64decode(info.sealed_key)
    try:
        kek = AESGCM(_passphrase_key(passphrase, info.kdf))
        master = kek.decrypt(blob[:12], blob[12:], info.key_id.encode())
    except InvalidTag as exc:
        raise WrongKeyError(
            "That passphrase is not the one this replica was encrypted with; try again."
        ) from exc
    keys = ReplicaKeys(info.key_id, master)
    _verify(info, keys)
    remember_key(keys)
    return keys


def keys_for(data_dir: Path) -> ReplicaKeys | None:
    """The keys of the replica in ``data_dir``: None if it is not encrypted.

    Looks in this process's unlocked keys, then (for ``keyring`` protection) the keyring.
    Raises :class:`ReplicaLockedError` when a passphrase is needed or the keyring has no
    key, :class:`WrongKeyError` when the key found does not match.
    """
    info = read_info(data_dir)
    if info is None:
        return None
    with _LOCK:
        master = _UNLOCKED.get(info.key_id)
    if master is None and info.protection == "keyring":
        master = _load_from_keyring(info.key_id)
        if master is not None:
            remember_key(ReplicaKeys(info.key_id, master))  # one keyring call per process
        if master is None:
            raise ReplicaLockedError(
                f"The replica in {data_dir} is encrypted and its key is not in this computer's keyring "
                "(was the keyring reset, or the folder copied from another computer?). Restore the "
                "keyring, or sync a fresh replica from the server."
            )
    if master is None:
        raise ReplicaLockedError(
            f"The replica in {data_dir} is encrypted with a passphrase. Enter it when asked, or for "
            "the command line pass --passphrase-stdin or set OUTPOST_PASSPHRASE_FILE."
        )
    keys = ReplicaKeys(info.key_id, master)
    _verify(info, keys)
    return keys


def _verify(info: EncryptionInfo, keys: ReplicaKeys) -> None:
    if not hmac.compare_digest(info.check, keys.check):
        forget_key(info.key_id, keyring_too=False)
        raise WrongKeyError(
            "The key found for this encrypted replica does not match it; the replica was not opened "
            "and nothing was changed."
        )


def remember_key(keys: ReplicaKeys) -> None:
    with _LOCK:
        _UNLOCKED[keys.key_id] = keys.master


def forget_key(key_id: str, *, keyring_too: bool) -> None:
    """Drop the key from this process (and with ``keyring_too``, from the keyring)."""
    with _LOCK:
        _UNLOCKED.pop(key_id, None)
    if keyring_too:
        backend = _keyring()
        if backend is not None:
            # already absent, or the keyring is gone: nothing left to protect either way
            with contextlib.suppress(Exception):
                backend.delete_password(KEYRING_SERVICE, key_id)


# -- the keyring -------------------------------------------------------------------------
def _keyring() -> Any:
    from sync.credentials import secure_keyring

    return secure_keyring()


def _store_in_keyring(keys: ReplicaKeys) -> None:
    import keyring.errors

    backend = _keyring()
    if backend is None:
        raise ReplicaError(
            "This computer has no secure keyring to keep the replica's key in. Choose a passphrase "
            "instead (--passphrase-stdin or OUTPOST_PASSPHRASE_FILE on the command line)."
        )
    try:
        backend.set_password(KEYRING_SERVICE, keys.key_id, keys.master.hex())
    except keyring.errors.KeyringError as exc:
        raise ReplicaError(
            f"The system keyring refused to keep the replica's key ({type(exc).__name__}); "
            "unlock it, or choose a passphrase instead."
        ) from exc


def _load_from_keyring(key_id: str) -> bytes | None:
    import keyring.errors

    backend = _keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, key_id)
    except keyring.errors.KeyringError:
        return None
    return None if value is None else bytes.fromhex(str(value))
