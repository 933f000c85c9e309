"""The dashboard's charts, drawn with QtCharts: lines over days, bars per group, SLA met vs breached.

Each chart is a ``QChartView`` with a ``set_data`` taking the plain records of
:mod:`desktop.reports.dashboard_data`. Line charts emit ``point_clicked(chart_key, series,
index)`` when a line is clicked (the day nearest the click, of the series clicked); bar
charts emit ``bar_clicked(chart_key, index)`` when
a bar is clicked (``index`` into the data's bars, top bar first); the SLA chart emits
``segment_clicked(row, part)`` with part "met" or "breached". Animations are off, so a
chart grabbed or printed right after ``set_data`` shows its final state. UI thread only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, QPointF, Qt, QTime, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from desktop.reports.dashboard_data import BarChartData, LineChartData, SlaChartData
from desktop.theme import is_dark

__all__ = ["GroupBarChart", "LineChart", "SlaChart", "day_msecs"]

#: Series colours, chosen to read on light and dark backgrounds.
_PALETTE = ("#2f6feb", "#2e8540", "#d97706", "#8250df")
_MET, _BREACHED = QColor("#2e8540"), QColor("#c62828")


def day_msecs(day: date) -> float:
    """A day as the x value of a date axis (local midnight, milliseconds since the epoch)."""
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0)).toMSecsSinceEpoch())


class _ChartBase(QChartView):
    def __init__(self, title: str, parent: QWidget | None = None, *, dark: bool | None = None) -> None:
        """``dark``: the chart theme; None follows the app (a print passes False)."""
        super().__init__(parent)
        self._dark = dark
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(210)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(4)
        self.setChart(chart)
        self._title = title
        self.apply_theme()

    def apply_theme(self) -> None:
        """Follow the app's light/dark palette (called again after a theme switch)."""
        chart = self.chart()
        dark = is_dark() if self._dark is None else self._dark
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
        font = QFont(self.font())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setTitle(self._title)
        chart.legend().setFont(self.font())

    def _reset(self) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        return font


class LineChart(_ChartBase):
    """One or more daily series (created/resolved, backlog) over a date axis; a click on a
    line emits ``point_clicked(key, series index, point index)`` for the nearest day."""

    point_clicked = Signal(str, int, int)

    def __init__(self, title: str, parent: QWidget | None = None, *, dark: bool | None = None) -> None:
        super().__init__(title, parent, dark=dark)
        self.key = ""
        self.lines: list[QLineSeries] = []

    def set_data(self, data: LineChartData) -> None:
        chart = self._reset()
        self.key, self.lines = data.key, []
        self._title = data.title
        chart.setTitle(data.title)
        days = sorted({d for s in data.series for d, _ in s.points})
        top = max((v for s in data.series for _, v in s.points), default=0.0)
        axis_x = QDateTimeAxis()
        axis_x.setFormat("d MMM")
        axis_x.setLabelsFont(self._small_font())
        axis_x.setTickCount(min(max(len(days), 2), 7))
        if days:
            axis_x.setRange(
                QDateTime.fromMSecsSinceEpoch(int(day_msecs(days[0]))),
                QDateTime.fromMSecsSinceEpoch(int(day_msecs(days[-1]))),
            )
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        axis_y.setLabelsFont(self._small_font())
        axis_y.setRange(0, max(top * 1.1, 1.0))
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for n, s in enumerate(data.series):
            line = QLineSeries()
            line.setName(s.name)
            for day, value in s.points:
                line.append(QPointF(day_msecs(day), value))
            pen = line.pen()
            pen.setColor(QColor(_PALETTE[n % len(_PALETTE)]))
            pen.setWidthF(2.0)
            line.setPen(pen)
            chart.addSeries(line)
            line.attachAxis(axis_x)
            line.attachAxis(axis_y)
            if s.point_ids:
                line.setPointsVisible(True)
                line.clicked.connect(lambda point, n=n: self._clicked(n, point))
                tips = [f"{s.name}, {day:%d %b}: {value:,.0f}" for day, value in s.points]
                line.hovered.connect(lambda point, on, n=n, tips=tips: self._hovered(n, point, on, tips))
            self.lines.append(line)
        chart.legend().setVisible(len(data.series) > 1)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        drills = any(s.point_ids for s in data.series)
        self.setCursor(Qt.CursorShape.PointingHandCursor if drills else Qt.CursorShape.ArrowCursor)

    def _nearest(self, series: int, x: float) -> int:
        """Index of the point of ``series`` nearest to ``x`` (a date axis value)."""
        line = self.lines[series]
        count = line.count()
        return min(range(count), key=lambda i: abs(line.at(i).x() - x)) if count else -1

    def _clicked(self, series: int, point: QPointF) -> None:
        index = self._nearest(series, point.x())
        if index >= 0:
            self.point_clicked.emit(self.key, series, index)

    def _hovered(self, series: int, point: QPointF, shown: bool, tips: list[str]) -> None:
        index = self._nearest(series, point.x())
        if 0 <= index < len(tips):
            _tip(shown, f"{tips[index]} — click to list these tickets")

    def point_center(self, series: int, index: int) -> QPointF:
        """Where point ``index`` of ``series`` is drawn, in view coordinates (tests click there)."""
        line = self.lines[series]
        point = self.chart().mapToPosition(line.at(index), line)
        return self.mapFromScene(self.chart().mapToScene(point)).toPointF()


class GroupBarChart(_ChartBase):
    """Horizontal bars, largest on top; a click on a bar emits ``bar_clicked(key, index)``."""

    bar_clicked = Signal(str, int)

    def __init__(self, title: str, parent: QWidget | None = None, *, dark: bool | None = None) -> None:
        super().__init__(title, parent, dark=dark)
        self.key = ""
        self.bar_count = 0
        self.bar_set: QBarSet | None = None

    def set_data(self, data: BarChartData) -> None:
        chart = self._reset()
        self.key, self._title, self.bar_count = data.key, data.title, len(data.bars)
        chart.setTitle(data.title)
        # The category axis lists bottom to top: reverse, so the first (largest) bar is on top.
        bars = list(reversed(data.bars))
        bar_set = QBarSet(data.value_label)
        bar_set.setColor(QColor(_PALETTE[0]))
        bar_set.setLabelColor(QColor("#ffffff"))
        for bar in bars:
            bar_set.append(bar.value)
        bar_set.clicked.connect(lambda i: self.bar_clicked.emit(self.key, self.bar_count - 1 - i))
        names = [f"{b.label}: {b.value:,.0f} {data.value_label.lower()}" for b in bars]
        bar_set.hovered.connect(lambda on, i: _tip(on, f"{names[i]} — click to list these tickets"))
        self.bar_set = bar_set
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.7)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.setTruncateLabels(False)
        axis_y.append([_short(b.label) for b in bars] or [" "])
        axis_y.setLabelsFont(self._small_font())
        axis_x = QValueAxis()
        axis_x.setLabelFormat("%d")
        axis_x.setLabelsFont(self._small_font())
        axis_x.setRange(0, max((b.value for b in bars), default=0.0) * 1.05 or 1.0)
        axis_x.applyNiceNumbers()
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setVisible(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def bar_center(self, index: int) -> QPointF:
        """Where bar ``index`` (top bar first) is drawn, in view coordinates (tests click there)."""
        value = self.bar_set.at(self.bar_count - 1 - index) if self.bar_set else 0.0
        point = self.chart().mapToPosition(QPointF(value / 2, self.bar_count - 1 - index))
        return self.mapFromScene(self.chart().mapToScene(point)).toPointF()


class SlaChart(_ChartBase):
    """Met vs breached per SLA target, stacked; clicking a part emits ``segment_clicked(row, part)``."""

    segment_clicked = Signal(int, str)

    def __init__(self, title: str, parent: QWidget | None = None, *, dark: bool | None = None) -> None:
        super().__init__(title, parent, dark=dark)
        self.row_count = 0
        self.sets: dict[str, QBarSet] = {}

    def set_data(self, data: SlaChartData) -> None:
        chart = self._reset()
        self._title = data.title
        chart.setTitle(data.title)
        rows = list(reversed(data.rows))  # the first target on top
        self.row_count = len(rows)
        series = QHorizontalStackedBarSeries()
        self.sets = {}
        for part, name, colour in (("met", "Met", _MET), ("breached", "Breached", _BREACHED)):
            bar_set = QBarSet(name)
            bar_set.setColor(colour)
            bar_set.setLabelColor(QColor("#ffffff"))
            for row in rows:
                bar_set.append(row.met if part == "met" else row.breached)
            bar_set.clicked.connect(lambda i, p=part: self.segment_clicked.emit(self.row_count - 1 - i, p))
            counts = [f"{r.label}: {r.met if part == 'met' else r.breached:,} {name.lower()}" for r in rows]
            bar_set.hovered.connect(lambda on, i, c=counts: _tip(on, f"{c[i]} — click to list these tickets"))
            series.append(bar_set)
            self.sets[part] = bar_set
        series.setBarWidth(0.6)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        axis_y = QBarCategoryAxis()
        axis_y.setTruncateLabels(False)
        axis_y.append([r.label for r in rows] or [" "])
        axis_y.setLabelsFont(self._small_font())
        axis_x = QValueAxis()
        axis_x.setLabelFormat("%d")
        axis_x.setLabelsFont(self._small_font())
        axis_x.setRange(0, max((r.met + r.breached for r in rows), default=0) * 1.05 or 1.0)
        axis_x.applyNiceNumbers()
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_y)
        series.attachAxis(axis_x)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def segment_center(self, row: int, part: str) -> QPointF:
        """Where the ``part`` of target ``row`` (top first) is drawn, in view coordinates."""
        i = self.row_count - 1 - row
        met = self.sets["met"].at(i)
        x = met / 2 if part == "met" else met + self.sets["breached"].at(i) / 2
        point = self.chart().mapToPosition(QPointF(x, i))
        return self.mapFromScene(self.chart().mapToScene(point)).toPointF()


def _tip(shown: bool, text: str) -> None:
    """A bar's tooltip while the pointer is over it."""
    if shown:
        QToolTip.showText(QCursor.pos(), text)
    else:
        QToolTip.hideText()


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
