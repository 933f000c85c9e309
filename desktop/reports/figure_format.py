"""How the dashboard writes its numbers: counts, durations, percentages and their changes.

Missing values (``None``: nothing to measure) are written in words, never as 0. Changes
compare a figure with the previous period of the same length (the dashboard names that
period once, beside the range). No Qt.
"""

from __future__ import annotations

__all__ = ["count_change", "duration_change", "duration_text", "percent_change", "percent_text"]


def duration_text(minutes: float | None) -> str:
    """``42 min``, ``4 h 12 min``, ``2 d 3 h``; ``—`` for nothing measured."""
    if minutes is None:
        return "—"
    total = round(minutes)
    if total < 60:
        return f"{max(total, 0)} min" if minutes >= 1 or minutes == 0 else "< 1 min"
    hours, mins = divmod(total, 60)
    if hours < 24:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def count_change(now: int, before: int) -> str:
    """``+12 (+10 %)``, ``−3``, ``no change`` (against the previous period)."""
    delta = now - before
    if delta == 0:
        return "no change"
    relative = f" ({_signed(round(delta / before * 100))} %)" if before else ""
    return f"{_signed(delta)}{relative}"


def duration_change(now: float | None, before: float | None) -> str:
    """``−8 min``, ``+1 h 5 min``; "" when nothing was measured now."""
    if now is None or before is None:
        return "" if now is None else "nothing to compare"
    delta = now - before
    if round(delta) == 0:
        return "no change"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{duration_text(abs(delta))}"


def percent_change(now: float | None, before: float | None) -> str:
    """``+1.3 pts``; "" when there is no rate now."""
    if now is None or before is None:
        return "" if now is None else "nothing to compare"
    delta = now - before
    if abs(delta) < 0.05:
        return "no change"
    return f"{_signed(round(delta, 1))} pts"


def _signed(value: float) -> str:
    """``+12``, ``−3.5`` (a true minus sign, as the durations use), thousands separated."""
    text = f"{abs(value):,}" if isinstance(value, int) else f"{abs(value):,.1f}"
    return f"{'−' if value < 0 else '+'}{text}"
