"""Date values in queries (``created:>2026-01-01``, ``due:<tomorrow``, ``updated:-7d``) as intervals.

A value is either a *day* (``2026-01-01``, ``today``, ``yesterday``, ``tomorrow``: the
whole local day in the query's time zone, so 23 or 25 hours across a DST change) or an
*instant* (``2026-01-01T09:30``, with ``Z`` or ``+02:00`` or else local time; or an offset
from now such as ``-7d``, ``+12h``, ``-2w``). Every value resolves to a half-open UTC
interval ``[start, end)``:

============  ======================  ==========================
value         day D (start s, next n)  instant t
============  ======================  ==========================
``D``/``=D``  ``[s, n)``               ``[t, t+1µs)``
``>D``        ``[n, ∞)``               ``[t+1µs, ∞)``
``>=D``       ``[s, ∞)``               ``[t, ∞)``
``<D``        ``(-∞, s)``              ``(-∞, t)``
``<=D``       ``(-∞, n)``              ``(-∞, t+1µs)``
``A..B``      ``[start(A), start(B))`` – the end day itself is excluded
============  ======================  ==========================

A bare relative offset means "within": ``-7d`` is ``[now-7d, ∞)`` (the last 7 days) and
``+3d`` is ``[now, now+3d)`` (the next 3 days).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sync.search.query_model import QuerySyntaxError

__all__ = ["format_instant", "parse_date_interval"]

_MICROSECOND = timedelta(microseconds=1)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_RELATIVE = re.compile(r"([+-])([0-9]+)([a-zA-Z]+)")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_OPERATORS = ("<=", ">=", "<", ">", "=")
_FORMS = "use YYYY-MM-DD, YYYY-MM-DDTHH:MM, today, yesterday, tomorrow or an offset like -7d"


@dataclass(frozen=True)
class _Day:
    start: datetime
    next: datetime


@dataclass(frozen=True)
class _Instant:
    moment: datetime
    relative_sign: str = ""  # "+" or "-" for offsets from now, "" for absolute timestamps


def format_instant(moment: datetime) -> str:
    """An instant as query text that parses back to exactly the same instant (UTC, ``Z``)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def parse_date_interval(
    raw: str, position: int, *, now: datetime, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """``raw`` (the text after ``created:``) as ``(start, end)``; see the module docstring.

    ``position`` is where ``raw`` starts in the query, for error positions. Raises
    :class:`QuerySyntaxError` for anything that is not a valid date value, including dates
    out of datetime's range and empty intervals.
    """
    try:
        return _parse(raw, position, now=now, tz=tz)
    except (OverflowError, ValueError) as error:
        if isinstance(error, QuerySyntaxError):
            raise
        raise QuerySyntaxError(f"Date '{raw}' is out of range", position) from None


def _parse(raw: str, position: int, *, now: datetime, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    if ".." in raw:
        left, _, right = raw.partition("..")
        if ".." in right:
            raise QuerySyntaxError(f"A date range has one '..', not several: '{raw}'", position)
        if not left and not right:
            raise QuerySyntaxError(
                "A date range needs a start, an end or both, like 2026-01-01..2026-02-01", position
            )
        start = _point_start(left, position, now=now, tz=tz) if left else None
        end = _point_start(right, position + len(left) + 2, now=now, tz=tz) if right else None
        if start is not None and end is not None and start >= end:
            raise QuerySyntaxError(
                f"The range '{raw}' ends before it starts (the end day is excluded)", position
            )
        return start, end

    op = next((candidate for candidate in _OPERATORS if raw.startswith(candidate)), "")
    point = _parse_point(raw[len(op) :], position + len(op), now=now, tz=tz)
    if isinstance(point, _Day):
        return {
            "": (point.start, point.next),
            "=": (point.start, point.next),
            ">": (point.next, None),
            ">=": (point.start, None),
            "<": (None, point.start),
            "<=": (None, point.next),
        }[op]
    moment = point.moment
    if not op and point.relative_sign == "-":
        return moment, None
    if not op and point.relative_sign == "+":
        if moment <= now:
            raise QuerySyntaxError(f"'{raw}' is an empty period; use something like +3d", position)
        return now, moment
    return {
        "": (moment, moment + _MICROSECOND),
        "=": (moment, moment + _MICROSECOND),
        ">": (moment + _MICROSECOND, None),
        ">=": (moment, None),
        "<": (None, moment),
        "<=": (None, moment + _MICROSECOND),
    }[op]


def _point_start(text: str, position: int, *, now: datetime, tz: tzinfo) -> datetime:
    if text[:1] in "<>=":
        raise QuerySyntaxError("A date range cannot contain '<', '>' or '='", position)
    point = _parse_point(text, position, now=now, tz=tz)
    return point.start if isinstance(point, _Day) else point.moment


def _parse_point(text: str, position: int, *, now: datetime, tz: tzinfo) -> _Day | _Instant:
    if not text:
        raise QuerySyntaxError(f"Missing date: {_FORMS}", position)
    keyword = text.casefold()
    today = now.astimezone(tz).date()
    if keyword in ("today", "yesterday", "tomorrow"):
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[keyword]
        return _day(today + timedelta(days=shift), tz)
    relative = _RELATIVE.fullmatch(text)
    if relative:
        sign, amount, unit = relative.groups()
        if unit.casefold() not in _UNITS:
            raise QuerySyntaxError(
                f"Unknown time unit '{unit}' in '{text}': use h (hours), d (days) or w (weeks)", position
            )
        delta = timedelta(**{_UNITS[unit.casefold()]: int(amount)})
        return _Instant(now + delta if sign == "+" else now - delta, sign)
    if _DATE.fullmatch(text):
        try:
            return _day(date.fromisoformat(text), tz)
        except ValueError:
            raise QuerySyntaxError(f"'{text}' is not a calendar date", position) from None
    upper = text.upper()
    if _INSTANT.fullmatch(upper):
        try:
            moment = datetime.fromisoformat(upper)
        except ValueError:
            raise QuerySyntaxError(f"'{text}' is not a valid date and time", position) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        return _Instant(moment.astimezone(UTC))
    raise QuerySyntaxError(f"Bad date '{text}': {_FORMS}", position)


def _day(day: date, tz: tzinfo) -> _Day:
    start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    following = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return _Day(start, following)
