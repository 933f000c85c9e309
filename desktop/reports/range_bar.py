"""The dashboard's controls: range preset, custom dates, and a filter in the search language.

``request_changed`` fires (with :attr:`current`) when the user picks a preset, changes a
custom date, or presses Enter in the filter box; typing alone does not recompute. The
custom date edits show only for "Custom dates…". ``today`` is injectable so tests and
screenshots can pin the calendar. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop.reports.report_range import PRESETS, ReportRange, preset_range

__all__ = ["RangeBar"]


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class RangeBar(QWidget):
    request_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._today = today
        self.preset = QComboBox(self)
        self.preset.setAccessibleName("Report range")
        for key, label in PRESETS:
            self.preset.addItem(label, key)
        self.preset.setCurrentIndex(self.preset.findData("30d"))
        self.start_edit = QDateEdit(self)
        self.end_edit = QDateEdit(self)
        for edit, name in ((self.start_edit, "From"), (self.end_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(name)
        self.dash = QLabel("–", self)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("reportFilter")
        self.filter.setPlaceholderText("Filter: queue:IT priority:1 tag:vpn … (Enter to apply)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Report filter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset)
        layout.addWidget(self.start_edit)
        layout.addWidget(self.dash)
        layout.addWidget(self.end_edit)
        layout.addWidget(self.filter, 1)
        self._set_dates(preset_range("30d", today()))
        self._show_custom(False)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self.start_edit.dateChanged.connect(self._date_changed)
        self.end_edit.dateChanged.connect(self._date_changed)
        self.filter.returnPressed.connect(self.request_changed)
        self._applied_filter = ""

    @property
    def current(self) -> ReportRange:
        key = str(self.preset.currentData())
        if key != "custom":
            return preset_range(key, self._today())
        start, end = _pydate(self.start_edit.date()), _pydate(self.end_edit.date())
        return ReportRange(min(start, end), max(start, end))

    @property
    def query(self) -> str:
        return self.filter.text().strip()

    def choose_preset(self, key: str) -> None:
        self.preset.setCurrentIndex(self.preset.findData(key))

    def set_custom(self, report_range: ReportRange) -> None:
        """Show custom dates (one recompute, not one per edit)."""
        self.blockSignals(True)
        try:
            self.choose_preset("custom")
            self._set_dates(report_range)
        finally:
            self.blockSignals(False)
        self.request_changed.emit()

    def _set_dates(self, report_range: ReportRange) -> None:
        for edit, day in ((self.start_edit, report_range.start), (self.end_edit, report_range.end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _show_custom(self, shown: bool) -> None:
        for widget in (self.start_edit, self.dash, self.end_edit):
            widget.setVisible(shown)

    def _preset_changed(self) -> None:
        key = str(self.preset.currentData())
        if key != "custom":
            self._set_dates(preset_range(key, self._today()))
        self._show_custom(key == "custom")
        self.request_changed.emit()

    def _date_changed(self) -> None:
        if self.preset.currentData() == "custom":
            self.request_changed.emit()
