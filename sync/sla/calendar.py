"""Business calendars: when the SLA clock may count.

A :class:`BusinessCalendar` is a time zone, weekly opening spans in local wall time and a
set of holidays. Rules:

* Spans are ``(start, end)`` local times per weekday (Monday first). ``end <= start``
  means the span runs past midnight into the next day (``22:00-06:00`` is an overnight
  shift) and belongs to the weekday it starts on; ``end == start`` is a full 24 hours.
  Spans may not overlap one another, also across the week boundary (Sunday night into
  Monday), so no second of business time is counted twice.
* A holiday (a local date) removes every span that *starts* on that date; the tail of
  the previous night's shift still counts.
* Span boundaries become instants by the rule in :mod:`sync.sla.local_time`, so a
  09:00-17:00 day is 8 hours even on a DST day, and an overnight span across a DST change
  lasts its real elapsed time (7 or 9 hours for ``22:00-06:00`` in Europe/Berlin).

Everything is exact to the second: inputs are floored to whole seconds and results are
whole seconds. The calendar is immutable; internally it keeps a lazily grown *timeline*
of opening intervals with running totals, so a query costs two binary searches once the
dates it touches have been built (building costs a few microseconds per local day, once).
The timeline is replaced as a whole, never mutated, so concurrent readers are safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from sync.sla.calendar_timeline import CalendarTimeline, DaySpans
from sync.sla.local_time import epoch_seconds, from_epoch_seconds, load_zone

__all__ = ["WEEKDAY_KEYS", "BusinessCalendar", "Span"]

#: A local opening span: (start, end); see the module docstring for crossing midnight.
Span = tuple[time, time]

#: Keys of the weekly hours in :meth:`BusinessCalendar.to_dict`, Monday first.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY = 86_400
_WEEK = 7 * _DAY


class BusinessCalendar:
    """Opening hours in one time zone; all methods take and return aware datetimes.

    Compared and hashed by value (name, zone, hours, holidays), which is also exactly
    what :meth:`to_dict` carries.
    """

    __slots__ = ("_holidays", "_name", "_spans", "_time_zone", "_timeline", "_zone")

    def __init__(
        self,
        name: str,
        time_zone: str,
        weekly: Sequence[Sequence[Span]],
        holidays: Iterable[date] = (),
    ) -> None:
        if len(weekly) != 7:
            raise ValueError(f"weekly hours need 7 weekdays (Monday first), got {len(weekly)}")
        self._name = name
        self._time_zone = time_zone
        self._zone = load_zone(time_zone)
        self._spans: DaySpans = tuple(
            tuple(sorted(_span_seconds(span, WEEKDAY_KEYS[day]) for span in spans))
            for day, spans in enumerate(weekly)
        )
        _check_no_overlap(self._spans)
        self._holidays = frozenset(holidays)
        for holiday in self._holidays:
            if not isinstance(holiday, date) or isinstance(holiday, datetime):
                raise ValueError(f"holidays must be dates, got {holiday!r}")
        self._timeline = CalendarTimeline(self._zone, self._spans, self._holidays)

    @classmethod
    def always_open(cls, name: str = "24/7") -> BusinessCalendar:
        """A calendar open every second of every day, without holidays."""
        midnight = time(0)
        return cls(name, "UTC", [[(midnight, midnight)]] * 7)

    @classmethod
    def weekdays(
        cls, name: str, time_zone: str, start: time, end: time, holidays: Iterable[date] = ()
    ) -> BusinessCalendar:
        """Monday to Friday ``start``-``end``, closed at weekends."""
        return cls(name, time_zone, [[(start, end)]] * 5 + [[], []], holidays)

    @property
    def name(self) -> str:
        return self._name

    @property
    def time_zone(self) -> str:
        return self._time_zone

    @property
    def holidays(self) -> frozenset[date]:
        return self._holidays

    @property
    def weekly(self) -> tuple[tuple[Span, ...], ...]:
        return tuple(tuple(_span_times(start, length) for start, length in day) for day in self._spans)

    @property
    def is_always_open(self) -> bool:
        return self._timeline.always_open

    # --- operations on aware datetimes -------------------------------------------------

    def business_seconds_between(self, start: datetime, end: datetime) -> int:
        """Business seconds in ``[start, end)``; negative when ``end`` precedes ``start``,
        so that ``between(a, b) + between(b, c) == between(a, c)`` for any order."""
        return self._timeline.between(epoch_seconds(start), epoch_seconds(end))

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """The earliest instant at which ``seconds`` business seconds have elapsed since
        ``start``. Zero gives ``start`` itself, even when closed. ValueError for negative
        seconds, or for positive seconds on a calendar with no opening hours at all."""
        return from_epoch_seconds(self._timeline.add(epoch_seconds(start), seconds))

    def is_open(self, at: datetime) -> bool:
        """Whether the instant falls inside an opening span (start inclusive, end exclusive)."""
        return self._timeline.is_open(epoch_seconds(at))

    # --- the same on POSIX seconds, for hot loops (the SLA clock) ----------------------

    def business_seconds_between_epoch(self, start: int, end: int) -> int:
        return self._timeline.between(start, end)

    def add_business_seconds_epoch(self, start: int, seconds: int) -> int:
        return self._timeline.add(start, seconds)

    # --- serialisation -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict; holidays sorted, times as ``HH:MM`` (``HH:MM:SS`` when
        seconds are set), so equal calendars serialise to equal documents."""
        return {
            "name": self._name,
            "time_zone": self._time_zone,
            "weekly": {
                WEEKDAY_KEYS[day]: [[_format(start), _format(start + length)] for start, length in spans]
                for day, spans in enumerate(self._spans)
            },
            "holidays": [holiday.isoformat() for holiday in sorted(self._holidays)],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Inverse of :meth:`to_dict`; a missing weekday is closed. ValueError on bad input."""
        try:
            weekly_data = data.get("weekly", {})
            unknown = set(weekly_data) - set(WEEKDAY_KEYS)
            if unknown:
                raise ValueError(f"unknown weekday keys {sorted(unknown)}")
            weekly = [
                [(_parse(span[0]), _parse(span[1])) for span in weekly_data.get(key, [])]
                for key in WEEKDAY_KEYS
            ]
            holidays = [date.fromisoformat(text) for text in data.get("holidays", [])]
            return cls(str(data["name"]), str(data["time_zone"]), weekly, holidays)
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ValueError(f"invalid calendar document: {exc!r}") from exc

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return (self._name, self._time_zone, self._spans, self._holidays) == (
            other._name,
            other._time_zone,
            other._spans,
            other._holidays,
        )

    def __hash__(self) -> int:
        return hash((self._name, self._time_zone, self._spans, self._holidays))

    def __repr__(self) -> str:
        return f"BusinessCalendar(name={self._name!r}, time_zone={self._time_zone!r})"


def _span_seconds(span: Span, day: str) -> tuple[int, int]:
    """(start second of the day, length in wall seconds) of a span."""
    start, end = span
    for value in (start, end):
        if not isinstance(value, time) or value.tzinfo is not None or value.microsecond:
            raise ValueError(f"{day}: span bounds must be naive whole-second times, got {value!r}")
    start_s = start.hour * 3600 + start.minute * 60 + start.second
    end_s = end.hour * 3600 + end.minute * 60 + end.second
    return start_s, (end_s - start_s) if end_s > start_s else (end_s + _DAY - start_s)


def _span_times(start: int, length: int) -> Span:
    end = (start + length) % _DAY
    return time(start // 3600, start // 60 % 60, start % 60), time(end // 3600, end // 60 % 60, end % 60)


def _check_no_overlap(spans: DaySpans) -> None:
    week = sorted(
        (day * _DAY + start, day * _DAY + start + length)
        for day, day_spans in enumerate(spans)
        for start, length in day_spans
    )
    for (_, end), (next_start, _) in pairwise(week):
        if next_start < end:
            raise ValueError(f"opening spans overlap on {WEEKDAY_KEYS[next_start // _DAY]}")
    if week and week[-1][1] - _WEEK > week[0][0]:
        raise ValueError("opening spans overlap across the week boundary (Sunday night into Monday)")


def _format(second: int) -> str:
    second %= _DAY
    hours, minutes, seconds = second // 3600, second // 60 % 60, second % 60
    return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _parse(text: Any) -> time:
    if not isinstance(text, str):
        raise ValueError(f"span time must be a string like '08:30', got {text!r}")
    return time.fromisoformat(text)
