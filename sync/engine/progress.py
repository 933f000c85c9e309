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

__all__ = ["CancelToken", "Phase", "ProgressFn", "SyncProgress", "no_progress"]

Phase = Literal["connect", "push", "upload", "pull", "download", "done"]


@dataclass(frozen=True)
class SyncProgress:
    """``done`` of ``total`` units in ``phase`` (mutations, records or bytes); ``total`` None if unknown."""

    phase: Phase
    done: int
    total: int | None
    message: str


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
