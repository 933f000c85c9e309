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

Messages say what happened and what the person can do; they never contain secrets.
"""

from __future__ import annotations

__all__ = [
    "AuthRequiredError",
    "DiskFullError",
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


class OutpostError(Exception):
    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(OutpostError):
    kind = "not_found"


class ValidationError(OutpostError):
    kind = "invalid_input"


class TransitionError(ValidationError):
    kind = "invalid_transition"


class PermissionDeniedError(OutpostError):
    kind = "forbidden"


class ReplicaError(OutpostError):
    kind = "replica"


class SchemaTooNewError(ReplicaError):
    kind = "upgrade_app"


class ReplicaCorruptError(ReplicaError):
    kind = "corrupt"


class ReplicaLockedError(ReplicaError):
    """The replica is encrypted and its key is not at hand (a passphrase is needed)."""

    kind = "unlock"


class WrongKeyError(ReplicaLockedError):
    kind = "unlock"


class DiskFullError(ReplicaError):
    kind = "disk_full"


class SyncError(OutpostError):
    kind = "retry_later"


class AuthRequiredError(SyncError):
    kind = "sign_in"


class ProtocolVersionError(SyncError):
    kind = "upgrade_app"


class ServerUnavailableError(SyncError):
    kind = "retry_later"
