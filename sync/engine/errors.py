"""The sync engine's errors: the core's :class:`~sync.errors.SyncError` family, refined.

::

    SyncError (sync.errors)               kind              what the app does
    ├── AuthRequiredError (sync.errors)   sign_in           ask the person to sign in again; work is kept
    ├── ProtocolVersionError (sync.errors) upgrade_app      ask for an Outpost (or server) upgrade
    ├── ServerUnavailableError (sync.errors)
    │   └── RetryLaterError               retry_later       back off (``retry_after`` seconds if known)
    ├── ServerRestoredError               server_restored   handled inside a round: re-bootstrap
    ├── SequenceGapError                  sequence_gap      handled in a round: re-send from ``expected_seq``
    ├── ClientMismatchError               client_mismatch   this replica's journal belongs to another account
    ├── SyncProtocolError                 protocol          the server sent or refused something unexpected
    │   └── UploadOffsetError             upload_offset     handled inside an upload: resume from ``received``
    ├── NotConnectedError                 not_connected     the replica was never connected to a server
    ├── InsecureConnectionError           insecure_connection  http:// to another computer, not allowed
    ├── DeviceRevokedError                device_revoked    an admin revoked this device: replica wiped
    ├── EncryptionRequiredError           encryption_required  encrypt the replica, then connect
    └── SyncCancelledError                cancelled         the person (or the app closing) stopped the round

Every message says what happened and what the person can do; none contains a token.
"""

from __future__ import annotations

from sync.errors import ServerUnavailableError, SyncError

__all__ = [
    "ClientMismatchError",
    "DeviceRevokedError",
    "EncryptionRequiredError",
    "InsecureConnectionError",
    "NotConnectedError",
    "RetryLaterError",
    "SequenceGapError",
    "ServerRestoredError",
    "SyncCancelledError",
    "SyncProtocolError",
    "UploadOffsetError",
]


class RetryLaterError(ServerUnavailableError):
    """The server is unreachable, overloaded or answered garbage; safe to retry later."""

    kind = "retry_later"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerRestoredError(SyncError):
    """The server's identity or history changed (restored from a backup, or another server)."""

    kind = "server_restored"


class SequenceGapError(SyncError):
    """The server holds fewer of this replica's mutations than pushed: re-send from ``expected_seq``."""

    kind = "sequence_gap"

    def __init__(self, message: str, expected_seq: int) -> None:
        super().__init__(message)
        self.expected_seq = expected_seq


class ClientMismatchError(SyncError):
    kind = "client_mismatch"


class SyncProtocolError(SyncError):
    kind = "protocol"


class NotConnectedError(SyncError):
    kind = "not_connected"


class InsecureConnectionError(SyncError):
    """The server address is plain ``http://`` to another computer and the person has not
    allowed that (see :mod:`sync.engine.server_url`); nothing was sent."""

    kind = "insecure_connection"
class DeviceRevokedError(SyncError):
    """The server refuses this device (revoked by an admin); see :mod:`sync.engine.device_wipe`."""

    kind = "device_revoked"


class EncryptionRequiredError(SyncError):
    """The server requires encrypted replicas and this one is plain (nothing was changed)."""

    kind = "encryption_required"


class SyncCancelledError(SyncError):
    kind = "cancelled"


class UploadOffsetError(SyncProtocolError):
    kind = "upload_offset"

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received
