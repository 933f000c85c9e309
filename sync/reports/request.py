"""What a report is asked for: a range of local calendar days, a filter, an interval, a split.

A :class:`ReportRequest` names whole days in the desk's own calendar (``tz``), both ends
inclusive, so "1-31 March" means local midnight of 1 March up to (not including) local
midnight of 1 April, whatever the UTC offset or a DST change in between. Every instant a
report compares is an aware UTC datetime; :meth:`ReportRequest.start_at` and
:meth:`ReportRequest.end_at` are the range as such instants (half-open).

Buckets (:meth:`ReportRequest.buckets`) split the range by day, ISO week (Monday first) or
calendar month, the first and last clipped to the range, so the buckets of a range always
cover it exactly once and their counts add up to the range's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property
from typing import Literal, get_args

from sync.errors import ValidationError

__all__ = ["BY_FIELDS", "INTERVALS", "Bucket", "Interval", "ReportRequest", "local_midnight"]

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[str, ...] = get_args(Interval)

#: Fields a report can be split by (``--by``). ``channel`` needs the ticket field
#: ``channel`` (see :mod:`sync.reports.ticket_fields`).
BY_FIELDS = (
    "queue",
    "category",
    "type",
    "priority",
    "channel",
    "assignee",
    "tier",
    "status",
    "asset",
    "location",
)

#: The longest range a report accepts, in days (ten years: a sanity bound, not a policy).
MAX_DAYS = 3660
#: The days a report may name (its previous period and local midnights stay representable).
EARLIEST, LATEST = date(1980, 1, 1), date(9000, 12, 31)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which ``day`` starts in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Bucket:
    """One step of the range: days ``first``..``last`` inclusive, instants [start_at, end_at)."""

    label: str  # ISO date of the first day ("2026-03-01"), ISO week ("2026-W09") or month ("2026-03")
    first: date
    last: date
    start_at: datetime
    end_at: datetime


@dataclass(frozen=True)
class ReportRequest:
    """A report's range (local days, inclusive), filter (search language), interval and split.

    Raises :class:`~sync.errors.ValidationError` for an empty or reversed range, a range
    over :data:`MAX_DAYS`, an unknown interval or ``by`` field.
    """

    start: date
    end: date
    query: str = ""
    interval: Interval = "day"
    by: str | None = None
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(f"The report range ends ({self.end}) before it starts ({self.start}).")
        if self.start < EARLIEST or self.end > LATEST:
            raise ValidationError(f"Reports cover days from {EARLIEST} to {LATEST}.")
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValidationError(f"A report covers at most {MAX_DAYS} days.")
        if self.interval not in INTERVALS:
            raise ValidationError(f"The interval is one of {', '.join(INTERVALS)}, not '{self.interval}'.")
        if self.by is not None and self.by not in BY_FIELDS:
            raise ValidationError(f"Reports split by one of {', '.join(BY_FIELDS)}, not '{self.by}'.")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @cached_property
    def start_at(self) -> datetime:
        return local_midnight(self.start, self.tz)

    @cached_property
    def end_at(self) -> datetime:
        """The instant just after the range: local midnight after its last day."""
        return local_midnight(self.end + timedelta(days=1), self.tz)

    def previous(self) -> ReportRequest:
        """The same number of days immediately before this range ("change vs previous period")."""
        length = timedelta(days=self.days)
        return replace(self, start=self.start - length, end=self.start - timedelta(days=1))

    def buckets(self) -> list[Bucket]:
        out: list[Bucket] = []
        first = self.start
        while first <= self.end:
            if self.interval == "day":
                last, label = first, first.isoformat()
            elif self.interval == "week":
                last = first + timedelta(days=6 - first.weekday())
                year, week, _ = first.isocalendar()
                label = f"{year}-W{week:02d}"
            else:
                nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
                last, label = nxt - timedelta(days=1), f"{first.year}-{first.month:02d}"
            last = min(last, self.end)
            out.append(
                Bucket(
                    label,
                    first,
                    last,
                    local_midnight(first, self.tz),
                    local_midnight(last + timedelta(days=1), self.tz),
                )
            )
            first = last + timedelta(days=1)
        return out
