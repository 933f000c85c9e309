"""Median, 90th percentile and mean of durations, as every report states them.

* **median**: the middle value of the sorted durations; for an even count, the mean of
  the two middle values;
* **p90**: nearest rank: the value at position ceil(0.9 × n) (1-based) of the sorted list;
* **mean**: the arithmetic mean.

Durations go in as seconds and come out as minutes rounded to one decimal. An empty list
gives ``None`` for all three (the JSON's ``null``: "nothing to measure", never 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DurationStats", "duration_stats", "percent"]


@dataclass(frozen=True)
class DurationStats:
    count: int
    median: float | None
    p90: float | None
    mean: float | None

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "median": self.median, "p90": self.p90, "mean": self.mean}


def duration_stats(seconds: Sequence[float]) -> DurationStats:
    if not seconds:
        return DurationStats(0, None, None, None)
    ordered = sorted(seconds)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[math.ceil(0.9 * n) - 1]
    mean = sum(ordered) / n
    return DurationStats(n, _minutes(median), _minutes(p90), _minutes(mean))


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; ``None`` when ``whole`` is 0."""
    return None if whole == 0 else round(100 * part / whole, 1)
