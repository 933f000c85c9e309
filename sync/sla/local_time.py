"""Conversions between aware datetimes, local wall time and integer POSIX seconds.

All SLA arithmetic runs on integer POSIX seconds so that a replica and the server, fed the
same events, get bit-identical answers (no float rounding, no microseconds). Instants
outside this module are timezone-aware datetimes; naive datetimes are refused because
"09:00" without a zone is exactly the ambiguity that makes offline SLA clocks drift.

Local wall time is mapped to an instant by one monotone rule, used for every span
boundary: a wall time means *the earliest instant at which the local clock reads that
time or later*. So

* an ambiguous time (the repeated hour when clocks go back) is its first occurrence, and
* a time that does not exist (the hour skipped when clocks go forward) is the instant of
  the jump, e.g. 02:30 on Europe/Berlin's 2026-03-29 is 03:00 CEST (01:00 UTC).

Because the rule is monotone, spans that do not overlap in wall time never overlap as
instants either, which the calendar's timeline relies on.

Both sides must use the same tz database version to agree about future DST rules; they
do as long as they run the same Outpost build (Python's ``zoneinfo`` plus ``tzdata``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["epoch_seconds", "from_epoch_seconds", "load_zone", "local_date_ordinal", "wall_to_epoch"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def load_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name; ValueError (not KeyError) for unknown names so that
    a bad synced calendar is reported like any other invalid value."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def epoch_seconds(at: datetime) -> int:
    """POSIX seconds of an aware datetime, floored to the whole second."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} given; SLA times must be timezone-aware")
    return (at - _EPOCH) // _SECOND


def from_epoch_seconds(seconds: int) -> datetime:
    """The UTC datetime for POSIX seconds."""
    return _EPOCH + timedelta(seconds=seconds)


def local_date_ordinal(zone: ZoneInfo, seconds: int) -> int:
    """Proleptic Gregorian ordinal of the local date at an instant."""
    return datetime.fromtimestamp(seconds, zone).toordinal()


def wall_to_epoch(zone: ZoneInfo, wall: datetime) -> int:
    """The earliest instant (POSIX seconds) at which the local clock of ``zone`` reads
    ``wall`` (a naive local datetime) or later. See the module docstring."""
    first = (wall.replace(tzinfo=zone, fold=0) - _EPOCH) // _SECOND
    if datetime.fromtimestamp(first, zone).replace(tzinfo=None) == wall:
        return first  # exists; fold=0 is the first occurrence when ambiguous
    # In a gap. fold=0 used the offset before the jump, which lands after the jump;
    # fold=1 used the offset after it, which lands before. Bisect for the jump itself.
    before = (wall.replace(tzinfo=zone, fold=1) - _EPOCH) // _SECOND
    after = first
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return after
