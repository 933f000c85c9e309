"""``outpost encrypt`` / ``outpost decrypt``, ``--encrypt`` for ``setup`` and ``demo``, and
unlocking a passphrase-protected replica for any command.

The passphrase comes from the first line of standard input with ``--passphrase-stdin``, else
from the file named by ``$OUTPOST_PASSPHRASE_FILE``, else (at a terminal) a prompt. It is
never taken from the command line, where other users could see it in the process list.

Wiring: ``encrypt`` and ``decrypt`` are entries of :mod:`sync.cli.command_table` served by
:func:`add_arguments`/:func:`run`; ``setup`` and ``demo`` add :func:`add_encrypt_options`;
:mod:`sync.cli.main` owns the global ``--passphrase-stdin`` and calls
:func:`prepare_encryption` before every command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from sync.errors import ReplicaError, ValidationError
from sync.replica.encryption import (
    create_encryption,
    keys_for,
    read_info,
    unlock_with_passphrase,
    write_info,
)
from sync.replica.encryption_switch import decrypt_replica, encrypt_replica
from sync.replica.replica import REPLICA_FILENAME

__all__ = ["add_arguments", "add_encrypt_options", "prepare_encryption", "run"]

PASSPHRASE_FILE_ENV = "OUTPOST_PASSPHRASE_FILE"


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    if command == "decrypt":
        p.description = "Turn encryption off again (plain files; the key is deleted). Close the app first."
        return
    p.description = (
        "Encrypt the replica, its search index and attachments. The key goes to the "
        "system keyring, or is protected by a passphrase (--passphrase-stdin, $OUTPOST_PASSPHRASE_FILE) "
        "where there is no keyring or you ask for one. Close the app first."
    )
    p.add_argument(
        "--passphrase-stdin",
        dest="new_passphrase_stdin",
        action="store_true",
        help="protect the key with a passphrase read from the first line of standard input",
    )


def add_encrypt_options(parser: argparse.ArgumentParser) -> None:
    """``--encrypt`` and ``--passphrase-stdin`` for a command that creates a replica."""
    parser.add_argument("--encrypt", action="store_true", help="encrypt the replica at rest")
    parser.add_argument(
        "--passphrase-stdin",
        dest="new_passphrase_stdin",
        action="store_true",
        help="with --encrypt: protect the key with a passphrase read from standard input",
    )


def prepare_encryption(data_dir: Path, args: argparse.Namespace) -> None:
    """Before any command: unlock a passphrase-protected replica; for ``setup --encrypt`` and
    ``demo --encrypt``, make the replica encrypted from its first byte."""
    command = args.command
    if command in ("setup", "demo") and getattr(args, "encrypt", False):
        _start_encrypted(data_dir, args)
        return
    info = read_info(data_dir)
    locked = info is not None and info.protection == "passphrase" and _needs_passphrase(data_dir)
    if locked and command != "encrypt":
        unlock_with_passphrase(data_dir, _read_passphrase(args.unlock_passphrase_stdin, "Passphrase: "))


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    if args.command == "encrypt":
        passphrase = _new_passphrase(args) if _wants_passphrase(args) else None
        info = encrypt_replica(data_dir, passphrase)
        where = "the system keyring" if info.protection == "keyring" else "your passphrase"
        print(f"The replica in {data_dir} is encrypted; its key is protected by {where}.")
        return 0
    decrypt_replica(data_dir)
    print(f"The replica in {data_dir} is no longer encrypted; its key was deleted.")
    return 0


def _start_encrypted(data_dir: Path, args: argparse.Namespace) -> None:
    if read_info(data_dir) is not None:
        return  # already encrypted
    passphrase = _new_passphrase(args) if _wants_passphrase(args) else None
    if (data_dir / REPLICA_FILENAME).exists():
        if args.command == "demo":
            raise ValidationError(
                f"{data_dir} already holds a plain replica: build the encrypted demo in an empty "
                "--data-dir, or run 'outpost encrypt' on this one."
            )
        encrypt_replica(data_dir, passphrase)
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    info, _keys = create_encryption(passphrase)
    write_info(data_dir, info)


def _needs_passphrase(data_dir: Path) -> bool:
    from sync.errors import ReplicaLockedError

    try:
        keys_for(data_dir)
    except ReplicaLockedError:
        return True
    return False


def _wants_passphrase(args: argparse.Namespace) -> bool:
    from sync.credentials import secure_keyring

    return bool(
        getattr(args, "new_passphrase_stdin", False)
        or getattr(args, "unlock_passphrase_stdin", False)
        or os.environ.get(PASSPHRASE_FILE_ENV)
        or secure_keyring() is None
    )


def _new_passphrase(args: argparse.Namespace) -> str:
    from_stdin = bool(getattr(args, "new_passphrase_stdin", False) or args.unlock_passphrase_stdin)
    first = _read_passphrase(from_stdin, "New passphrase: ")
    prompted = not from_stdin and not os.environ.get(PASSPHRASE_FILE_ENV)
    if prompted and getpass.getpass("Repeat it: ") != first:
        raise ValidationError("The two passphrases differ; nothing was changed.")
    return first


def _read_passphrase(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    elif os.environ.get(PASSPHRASE_FILE_ENV):
        path = Path(os.environ[PASSPHRASE_FILE_ENV]).expanduser()
        try:
            value = path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ReplicaError(f"Cannot read the passphrase file {path}: {exc.strerror or exc}") from exc
    elif sys.stdin.isatty():
        value = getpass.getpass(prompt)
    else:
        raise ReplicaError(
            f"A passphrase is needed: pass --passphrase-stdin and write it to standard input, "
            f"or set {PASSPHRASE_FILE_ENV} to a file holding it."
        )
    if not value:
        raise ValidationError("The passphrase is empty.")
    return value
