"""Retry delays: exponential backoff with jitter, honouring the server's ``Retry-After``.

Delay *n* (from 0) is drawn uniformly from ``[d/2, d]`` with ``d = min(cap, base * 2**n)``:
the jitter spreads a fleet of laptops that lost the server at the same moment, and the
lower half-bound keeps a retry from firing again at once. ``reset()`` after a success.

Not thread-safe; owned by one scheduler.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass
class Backoff:
    base: float = 2.0
    cap: float = 300.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        ceiling = min(self.cap, self.base * (2 ** min(self.attempt, 30)))
        self.attempt += 1
        delay = self.rng.uniform(ceiling / 2, ceiling)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.cap))
        return delay

    def reset(self) -> None:
        self.attempt = 0
