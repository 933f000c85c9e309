"""The date range a dashboard covers: presets (7/30/90 days, this month) or custom dates.

A :class:`ReportRange` is a span of whole local days, ``start`` to ``end`` inclusive, as the
user reads it ("1–31 Dec"). Its :meth:`~ReportRange.previous` is the span of the same length
just before it, which the headline cards compare against. Pure Python; no Qt, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["PRESETS", "ReportRange", "preset_range"]

#: (key, label) of the presets offered in the range box, in order; "custom" uses date edits.
PRESETS: tuple[tuple[str, str], ...] = (
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("month", "This month"),
    ("custom", "Custom dates…"),
)
_DAYS = {"7d": 7, "30d": 30, "90d": 90}


@dataclass(frozen=True)
class ReportRange:
    """Whole days ``start`` .. ``end`` (inclusive); ``end >= start``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a report range ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> ReportRange:
        """The span of the same number of days ending the day before ``start``."""
        end = self.start - timedelta(days=1)
        return ReportRange(end - timedelta(days=self.days - 1), end)

    def label(self) -> str:
        """``3 Nov – 2 Dec 2026``, ``1 – 7 Dec 2026``, or one day ``7 Dec 2026``."""
        s, e = self.start, self.end
        if s == e:
            return f"{e.day} {e:%b %Y}"
        if s.year != e.year:
            return f"{s.day} {s:%b %Y} – {e.day} {e:%b %Y}"
        if s.month != e.month:
            return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
        return f"{s.day} – {e.day} {e:%b %Y}"

    def file_stem(self) -> str:
        """A name part for exported files: ``2026-11-03_2026-12-02``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def preset_range(key: str, today: date) -> ReportRange:
    """The range a preset names, ending ``today`` (the user's local date).

    Raises ``ValueError`` for "custom" or an unknown key: custom ranges come from the date edits.
    """
    if key in _DAYS:
        return ReportRange(today - timedelta(days=_DAYS[key] - 1), today)
    if key == "month":
        return ReportRange(today.replace(day=1), today)
    raise ValueError(f"no preset range {key!r}")
