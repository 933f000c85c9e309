"""The error tree of the core, one ``kind`` per way a person can respond.

::

    OutpostError                      kind
    ├── NotFoundError                 not_found        (check the reference)
    ├── ValidationError               invalid_input    (fix the value)
    │   └── TransitionError           invalid_transition
    ├── PermissionDeniedError         forbidden        (ask an admin)
    ├── ReplicaError                  replica          (the local file)
    │   ├── SchemaTooNewError         upgrade_app      (install a newer Outpost)
    │   ├── ReplicaCorruptError       corrupt          (restore a backup)
    │   ├── ReplicaLockedError        unlock           (enter the passphrase / restore the key)
    │   │   └── WrongKeyError         unlock           (the passphrase or key does not match)
    │   └── DiskFullError             disk_full        (free space, retry; nothing was lost)
    └── SyncError                     retry_later
        ├── AuthRequiredError         sign_in          (sign in again; work is kept)
        ├── ProtocolVersionError      upgrade_app
        └── ServerUnavailableError    retry_later

Every ``kind`` is an :class:`ErrorKind`: the error classes of the sync engine
(:mod:`sync.engine.errors`), the CLI and the app use the same enum, and the app has words
for each member (a test checks it). Messages say what happened and what the person can
do; they never contain secrets.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

__all__ = [
    "AuthRequiredError",
    "DiskFullError",
    "ErrorKind",
    "NotFoundError",
    "OutpostError",
    "PermissionDeniedError",
    "ProtocolVersionError",
    "ReplicaCorruptError",
    "ReplicaError",
    "ReplicaLockedError",
    "SchemaTooNewError",
    "ServerUnavailableError",
    "SyncError",
    "TransitionError",
    "ValidationError",
    "WrongKeyError",
]


class ErrorKind(StrEnum):
    """How a person (or the program) can respond to an error; one per error class family.

    The values are stable strings: the CLI prints them with ``--json`` and the app keys its
    messages by them (:mod:`desktop.error_display`).
    """

    ERROR = "error"  # an OutpostError with no more specific kind
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    INVALID_TRANSITION = "invalid_transition"
    FORBIDDEN = "forbidden"
    REPLICA = "replica"
    UPGRADE_APP = "upgrade_app"
    CORRUPT = "corrupt"
    UNLOCK = "unlock"
    DISK_FULL = "disk_full"
    RETRY_LATER = "retry_later"
    SIGN_IN = "sign_in"
    # the sync engine (sync.engine.errors)
    SERVER_RESTORED = "server_restored"
    SEQUENCE_GAP = "sequence_gap"
    CLIENT_MISMATCH = "client_mismatch"
    PROTOCOL = "protocol"
    UPLOAD_OFFSET = "upload_offset"
    NOT_CONNECTED = "not_connected"
    INSECURE_CONNECTION = "insecure_connection"
    DEVICE_REVOKED = "device_revoked"
    ENCRYPTION_REQUIRED = "encryption_required"
    CANCELLED = "cancelled"
    # the command line and the app
    NO_REPLICA = "no_replica"
    USAGE = "usage"
    DEMO_UNAVAILABLE = "demo_unavailable"


class OutpostError(Exception):
    kind: ClassVar[ErrorKind] = ErrorKind.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(OutpostError):
    kind = ErrorKind.NOT_FOUND


class ValidationError(OutpostError):
    kind = ErrorKind.INVALID_INPUT


class TransitionError(ValidationError):
    kind = ErrorKind.INVALID_TRANSITION


class PermissionDeniedError(OutpostError):
    kind = ErrorKind.FORBIDDEN


class ReplicaError(OutpostError):
    kind = ErrorKind.REPLICA


class SchemaTooNewError(ReplicaError):
    kind = ErrorKind.UPGRADE_APP


class ReplicaCorruptError(ReplicaError):
    kind = ErrorKind.CORRUPT


class ReplicaLockedError(ReplicaError):
    """The replica is encrypted and its key is not at hand (a passphrase is needed)."""

    kind = ErrorKind.UNLOCK


class WrongKeyError(ReplicaLockedError):
    kind = ErrorKind.UNLOCK


class DiskFullError(ReplicaError):
    kind = ErrorKind.DISK_FULL


class SyncError(OutpostError):
    kind = ErrorKind.RETRY_LATER


class AuthRequiredError(SyncError):
    kind = ErrorKind.SIGN_IN


class ProtocolVersionError(SyncError):
    kind = ErrorKind.UPGRADE_APP


class ServerUnavailableError(SyncError):
    kind = ErrorKind.RETRY_LATER
