"""The opening intervals of a calendar as instants, with running totals.

:class:`CalendarTimeline` is the engine behind :class:`sync.sla.calendar.BusinessCalendar`.
It turns weekly wall-time spans into sorted, disjoint ``[start, end)`` intervals of POSIX
seconds for a range of local dates and keeps, per interval, the business seconds before
it. Then *position(t)*, the business seconds from the first built interval to ``t``, is
one binary search, and

* ``between(a, b) = position(b) - position(a)``,
* ``add(a, s)`` is the first instant whose position reaches ``position(a) + s``.

The range of dates grows on demand (doubling, so a long run of queries builds each date
about once). A query far from the built range starts a fresh range instead of filling
years in between. Each build produces a new immutable :class:`_Snapshot` that replaces
the old one in a single assignment: readers on other threads see either, both correct.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.sla.local_time import local_date_ordinal, wall_to_epoch

__all__ = ["CalendarTimeline", "DaySpans"]

#: Per weekday (Monday first): sorted ``(start second of the day, length in wall seconds)``.
DaySpans = tuple[tuple[tuple[int, int], ...], ...]

_WEEK = 7 * 86_400
_MIN_GROWTH_DAYS = 64
_BACK_MARGIN_DAYS = 8
# Beyond this distance a query starts a fresh range rather than extending the old one.
_MAX_BRIDGE_DAYS = 4 * 366


@dataclass(frozen=True, slots=True)
class _Snapshot:
    first_day: int  # ordinal of the first local date whose spans are built
    end_day: int  # ordinal one past the last built date
    valid_from: int  # instants in [valid_from, valid_to) are answered exactly
    valid_to: int
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]  # business seconds before interval i
    through: tuple[int, ...]  # business seconds up to the end of interval i

    def covers(self, low: int, high: int) -> bool:
        return self.valid_from <= low and high < self.valid_to

    def position(self, at: int) -> int:
        index = bisect_right(self.starts, at) - 1
        if index < 0:
            return 0
        end = self.ends[index]
        return self.before[index] + (at if at < end else end) - self.starts[index]


class CalendarTimeline:
    """Exact business-time arithmetic on POSIX seconds for one zone, spans and holidays."""

    __slots__ = ("_holidays", "_snapshot", "_spans", "_zone", "always_open", "has_hours")

    def __init__(self, zone: ZoneInfo, spans: DaySpans, holidays: Set[date]) -> None:
        self._zone = zone
        self._spans = spans
        self._holidays = holidays
        weekly_total = sum(length for day in spans for _, length in day)
        # Spans never overlap, so a week fully covered in wall time is covered as instants
        # too: the monotone wall-time rule leaves no hole even on DST days.
        self.always_open = weekly_total == _WEEK and not holidays
        self.has_hours = weekly_total > 0
        self._snapshot: _Snapshot | None = None

    def between(self, start: int, end: int) -> int:
        if self.always_open:
            return end - start
        if not self.has_hours:
            return 0
        snapshot = self._covering(min(start, end), max(start, end))
        return snapshot.position(end) - snapshot.position(start)

    def add(self, start: int, seconds: int) -> int:
        if seconds < 0:
            raise ValueError(f"cannot add a negative business time ({seconds} s)")
        if seconds == 0 or self.always_open:
            return start + seconds
        if not self.has_hours:
            raise ValueError("the calendar has no opening hours; business time never elapses")
        snapshot = self._covering(start, start)
        while True:
            target = snapshot.position(start) + seconds
            index = bisect_left(snapshot.through, target)
            if index < len(snapshot.through):
                # Intervals are disjoint and sorted, so no unbuilt interval can start
                # before this one ends: the answer is exact even past valid_to.
                return snapshot.starts[index] + target - snapshot.before[index]
            snapshot = self._build(snapshot.first_day, _grown_end(snapshot))

    def is_open(self, at: int) -> bool:
        if self.always_open:
            return True
        if not self.has_hours:
            return False
        snapshot = self._covering(at, at)
        index = bisect_right(snapshot.starts, at) - 1
        return index >= 0 and at < snapshot.ends[index]

    def _covering(self, low: int, high: int) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and snapshot.covers(low, high):
            return snapshot
        # Two spare days each side: the previous day's overnight span may reach into
        # low's day, and a DST change at midnight may move a midnight across low or high.
        needed_first = local_date_ordinal(self._zone, low) - 2
        needed_end = local_date_ordinal(self._zone, high) + 2
        if (
            snapshot is None
            or needed_first > snapshot.end_day + _MAX_BRIDGE_DAYS
            or needed_end < snapshot.first_day - _MAX_BRIDGE_DAYS
        ):
            return self._build(needed_first - _BACK_MARGIN_DAYS, needed_end + _MIN_GROWTH_DAYS)
        growth = max(_MIN_GROWTH_DAYS, snapshot.end_day - snapshot.first_day)
        first_day = snapshot.first_day
        if needed_first < first_day:
            first_day = min(needed_first, first_day - growth)
        end_day = snapshot.end_day
        if needed_end > end_day:
            end_day = max(needed_end, end_day + growth)
        return self._build(first_day, end_day)

    def _build(self, first_day: int, end_day: int) -> _Snapshot:
        """Build the dates ``[first_day, end_day)`` and publish them as the snapshot."""
        zone = self._zone
        starts: list[int] = []
        ends: list[int] = []
        for ordinal in range(first_day, end_day):
            day = date.fromordinal(ordinal)
            day_spans = self._spans[day.weekday()]
            if not day_spans or day in self._holidays:
                continue
            midnight = datetime(day.year, day.month, day.day)
            for start, length in day_spans:
                begin = wall_to_epoch(zone, midnight + timedelta(seconds=start))
                finish = wall_to_epoch(zone, midnight + timedelta(seconds=start + length))
                if finish > begin:  # a span wholly inside a DST gap has no length
                    starts.append(begin)
                    ends.append(finish)
        before: list[int] = []
        through: list[int] = []
        total = 0
        for begin, finish in zip(starts, ends, strict=True):
            before.append(total)
            total += finish - begin
            through.append(total)
        # Spans last at most 24 wall hours, so nothing built before first_day reaches
        # into first_day + 1: from its midnight on, every covering interval is built.
        snapshot = _Snapshot(
            first_day=first_day,
            end_day=end_day,
            valid_from=_midnight_epoch(zone, first_day + 1),
            valid_to=_midnight_epoch(zone, end_day),
            starts=tuple(starts),
            ends=tuple(ends),
            before=tuple(before),
            through=tuple(through),
        )
        self._snapshot = snapshot
        return snapshot


def _grown_end(snapshot: _Snapshot) -> int:
    return snapshot.end_day + max(_MIN_GROWTH_DAYS, snapshot.end_day - snapshot.first_day)


def _midnight_epoch(zone: ZoneInfo, ordinal: int) -> int:
    day = date.fromordinal(ordinal)
    return wall_to_epoch(zone, datetime(day.year, day.month, day.day))
