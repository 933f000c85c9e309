"""The dashboard's ranges and the words and numbers it writes (plain Python, no Qt, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.reports.figure_format import (
    count_change,
    duration_change,
    duration_text,
    percent_change,
    percent_text,
)
from desktop.reports.report_range import ReportRange, preset_range


def test_presets_end_today_and_the_previous_period_has_the_same_length() -> None:
    today = date(2026, 3, 31)
    assert preset_range("7d", today) == ReportRange(date(2026, 3, 25), today)
    assert preset_range("30d", today).days == 30
    assert preset_range("90d", today).start == date(2026, 1, 1)
    month = preset_range("month", today)
    assert month == ReportRange(date(2026, 3, 1), today)
    # March has 31 days: the period before it is the 31 days ending 28 February.
    assert month.previous() == ReportRange(date(2026, 1, 29), date(2026, 2, 28))
    with pytest.raises(ValueError):
        preset_range("custom", today)
    with pytest.raises(ValueError):
        ReportRange(today, date(2026, 3, 1))


def test_range_labels() -> None:
    assert ReportRange(date(2026, 11, 1), date(2026, 11, 30)).label() == "1 – 30 Nov 2026"
    assert ReportRange(date(2026, 11, 3), date(2026, 12, 2)).label() == "3 Nov – 2 Dec 2026"
    assert ReportRange(date(2025, 12, 30), date(2026, 1, 2)).label() == "30 Dec 2025 – 2 Jan 2026"
    assert ReportRange(date(2026, 1, 2), date(2026, 1, 2)).label() == "2 Jan 2026"


def test_missing_values_are_words_and_changes_are_signed() -> None:
    assert duration_text(None) == "—" and percent_text(None) == "—"
    assert duration_text(0) == "0 min" and duration_text(0.4) == "< 1 min"
    assert duration_text(252) == "4 h 12 min" and duration_text(60) == "1 h"
    assert duration_text(3060) == "2 d 3 h"
    assert count_change(131, 137) == "−6 (−4 %)"
    assert count_change(12, 0) == "+12"  # no percentage of nothing
    assert count_change(5, 5) == "no change"
    assert duration_change(52, 60) == "−8 min" and duration_change(None, 60) == ""
    assert duration_change(52, None) == "nothing to compare"
    assert percent_change(88.9, 93.4) == "−4.5 pts" and percent_change(None, 3.0) == ""
