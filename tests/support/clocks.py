"""The two device clocks tests hand a replica (``open_replica(..., clock=...)``).

Both start on Monday 2026-03-02 09:00 UTC (inside default business hours, so SLA clocks
run from the first write):

* :class:`TickingClock` advances one second per reading, so consecutive writes get
  distinct, ordered device times without the test managing time;
* :class:`DeviceClock` stays where the test puts it (:meth:`DeviceClock.set`), for SLA
  and rule tests that reason about exact moments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["START", "DeviceClock", "TickingClock"]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class TickingClock:
    """Device time under the test's control; advances a second per reading."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class DeviceClock:
    """The device's clock: stays where the test puts it. 2026-03-02 is a Monday."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: int, hour: int, minute: int = 0) -> datetime:
        self.now = datetime(2026, 3, day, hour, minute, tzinfo=UTC)
        return self.now
