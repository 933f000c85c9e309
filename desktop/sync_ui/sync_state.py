"""What the sync indicator shows, as plain data derived from the replica and the scheduler.

:func:`derive_state` is pure: the :class:`SyncStatus` read from the replica (mode, last
success, pending, conflicts, sign-in), the scheduler's last event and the network report
go in; one :class:`SyncState` comes out. Keeping it pure makes every combination easy to
test without a server.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sync.engine.scheduler import SchedulerEvent
from sync.engine.status import SyncStatus
from sync.errors import ErrorKind

__all__ = ["SyncMode", "SyncState", "derive_state"]

#: standalone: no server; online: connected and nothing wrong; syncing: a round runs;
#: offline: the server can't be reached (work waits, retries on a timer); sign_in: the token
#: expired, was revoked or signed out; attention: needs the person for something else
#: (an upgrade, another account's journal) or an unexpected failure.
SyncMode = Literal["standalone", "online", "syncing", "offline", "sign_in", "attention"]


@dataclass(frozen=True)
class SyncState:
    mode: SyncMode
    server_url: str | None = None
    username: str | None = None
    last_success_at: datetime | None = None
    pending: int = 0
    conflicts: int = 0
    notices: int = 0
    message: str = ""  # the last error, in words, when there is one
    retry_in: float | None = None
    progress: str = ""  # "Sending 3 of 10 changes…" while syncing
    insecure_http: bool = False  # plain http:// to another computer, allowed by the person: warn
    encryption_required: bool = False  # the server requires encrypted replicas; this one is plain


# ServerUnavailableError and RetryLaterError both have the kind retry_later.
_OFFLINE_KINDS = frozenset({ErrorKind.RETRY_LATER})


def derive_state(
    status: SyncStatus | None,
    event: SchedulerEvent | None,
    *,
    network_online: bool = True,
    progress: str = "",
) -> SyncState:
    if status is None or status.mode != "connected":
        return SyncState("standalone", pending=status.pending if status else 0)
    base = SyncState(
        "online",
        server_url=status.server_url,
        username=status.username,
        last_success_at=status.last_success_at,
        pending=status.pending,
        conflicts=status.open_conflicts,
        notices=status.open_notices,
        insecure_http=status.insecure_http,
        encryption_required=status.encryption_required,
    )
    error = event.error if event is not None else None
    if event is not None and event.state == "syncing":
        return replace(base, mode="syncing", progress=progress)
    if status.needs_sign_in or (error is not None and error.kind == ErrorKind.SIGN_IN):
        message = error.message if error is not None else (status.last_error or "")
        return replace(base, mode="sign_in", message=message)
    if event is not None and event.state == "needs_person" and error is not None:
        return replace(base, mode="attention", message=error.message)
    if event is not None and event.state in ("retry_wait", "offline") and error is not None:
        offline = error.kind in _OFFLINE_KINDS or event.state == "offline"
        return replace(
            base, mode="offline" if offline else "attention", message=error.message, retry_in=event.retry_in
        )
    if not network_online:
        return replace(base, mode="offline", message="This computer reports no network connection.")
    return base
