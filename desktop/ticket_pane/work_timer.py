"""Running work timers: one per ticket, kept while the app runs (switching tickets keeps them going).

Qt-free and clock-injected so tests control time. Elapsed time uses a monotonic clock, so
changing the computer's clock does not change how long someone worked.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["WorkTimers"]


class WorkTimers:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started: dict[str, float] = {}

    def start(self, ticket_id: str) -> None:
        """Start timing work on this ticket (no effect if its timer already runs)."""
        self._started.setdefault(ticket_id, self._clock())

    def is_running(self, ticket_id: str) -> bool:
        return ticket_id in self._started

    def elapsed_seconds(self, ticket_id: str) -> float:
        started = self._started.get(ticket_id)
        return 0.0 if started is None else max(0.0, self._clock() - started)

    def stop(self, ticket_id: str) -> int:
        """Stop the timer; the whole minutes worked, rounded up (at least 1)."""
        seconds = self.elapsed_seconds(ticket_id)
        self._started.pop(ticket_id, None)
        return max(1, math.ceil(seconds / 60))
