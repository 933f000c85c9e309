"""A straightforward reference for the SLA calendar arithmetic (the benchmarks' baseline).

:class:`ReferenceCalendar` answers the two questions :func:`sync.sla.compute_sla_status`
asks a calendar — business seconds between two instants, and the instant a number of
business seconds after a start — the obvious way: walk the local days one by one, turn each
opening span of the day into instants with ``zoneinfo`` and add up the overlaps. No timeline,
no cache, nothing kept between calls. It is built from a :class:`BusinessCalendar`'s own
hours, zone and holidays, so both answer the same question (the benchmarks count any answer
that differs). One simplification: a span boundary inside a DST gap is taken as ``zoneinfo``
reads it (fold=0), not as the product's "earliest instant" rule; office hours never start in
the 02:00–03:00 gap, so it does not matter for the benchmarks' calendars.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sync.sla import BusinessCalendar

_ONE_DAY = timedelta(days=1)


class ReferenceCalendar:
    def __init__(self, calendar: BusinessCalendar) -> None:
        self.zone = ZoneInfo(calendar.time_zone)
        self.weekly = calendar.weekly
        self.holidays = calendar.holidays

    def _wall(self, day: date, at: time) -> int:
        return int(datetime.combine(day, at, tzinfo=self.zone).timestamp())

    def _spans(self, day: date) -> list[tuple[int, int]]:
        """The day's opening spans as instants (a span that ends at or before its start ends
        the next day)."""
        if day in self.holidays:
            return []
        out = []
        for start, end in self.weekly[day.weekday()]:
            out.append((self._wall(day, start), self._wall(day + _ONE_DAY if end <= start else day, end)))
        return out

    def _local_date(self, instant: int) -> date:
        return datetime.fromtimestamp(instant, self.zone).date()

    def business_seconds_between_epoch(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        day, last = self._local_date(start) - _ONE_DAY, self._local_date(end)  # yesterday's night shift
        total = 0
        while day <= last:
            for open_at, close_at in self._spans(day):
                total += max(0, min(close_at, end) - max(open_at, start))
            day += _ONE_DAY
        return total

    def add_business_seconds_epoch(self, start: int, seconds: int) -> int:
        if seconds <= 0:
            return start
        day = self._local_date(start) - _ONE_DAY
        while True:
            for open_at, close_at in self._spans(day):
                begin = max(open_at, start)
                if close_at > begin:
                    if close_at - begin >= seconds:
                        return begin + seconds
                    seconds -= close_at - begin
            day += _ONE_DAY
