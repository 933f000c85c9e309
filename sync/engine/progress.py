"""Progress reports and cancellation for a sync round running on a worker thread.

``ProgressFn`` is called on the worker thread, synchronously, between steps (never while
a database transaction is open); a GUI must hand the value over to its own thread (a Qt
signal) and return at once. ``CancelToken.cancel()`` may be called from any thread; the
round stops at its next check — between HTTP requests, pulled pages and upload chunks —
raising :class:`~sync.engine.errors.SyncCancelledError`. Everything committed so far
stays committed, and the next round continues from there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sync.engine.errors import SyncCancelledError
from sync.services.changes import ChangeSet

__all__ = ["CancelToken", "Phase", "ProgressFn", "SyncProgress", "no_progress"]

#: ``mine``: a first sync fetching the person's own open tickets before everything else.
Phase = Literal["connect", "push", "upload", "mine", "pull", "download", "done"]


@dataclass(frozen=True)
class SyncProgress:
    """``done`` of ``total`` units in ``phase`` (mutations, records or bytes); ``total`` None if unknown.

    ``changes`` is set when records were committed mid-round and views may refresh now,
    before the round's own notice (e.g. after a first sync's "your tickets first" page).
    """

    phase: Phase
    done: int
    total: int | None
    message: str
    changes: ChangeSet | None = None


ProgressFn = Callable[[SyncProgress], None]


def no_progress(_progress: SyncProgress) -> None:
    return None


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise SyncCancelledError(
                "Sync was stopped; everything received so far is kept, and it resumes next time."
            )
