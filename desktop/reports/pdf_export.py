"""The whole dashboard as a PDF report, drawn with Qt's own PDF writer (``QPdfWriter`` + ``QPainter``).

A4 landscape. Page one: a heading (range, filter, when computed), the headline figures as
a grid of boxes (label, value, basis, change vs the previous period), then the charts two
per row, continuing on further pages. The charts are drawn by chart views made for the
print at a fixed size (:data:`CHART_SIZE`), so the report looks the same whatever the size
of the window, and they are painted as vector drawing: their text stays text in the PDF.
The file is written beside the target and renamed over it, so a failed export never
leaves a truncated PDF. UI thread only (it lays out and paints widgets).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QGraphicsView

from desktop.reports.dashboard_data import Dashboard
from desktop.reports.report_charts import GroupBarChart, LineChart, SlaChart

__all__ = ["CHART_SIZE", "write_dashboard_pdf"]

_DPI = 150
_CARD_COLUMNS = 5
#: The logical size the charts are laid out at for the print (about half the page's width).
CHART_SIZE = QSize(500, 220)
_INK, _MUTED, _GOOD, _BAD = QColor("#1f2328"), QColor("#5f6368"), QColor("#2e8540"), QColor("#c62828")


def write_dashboard_pdf(path: Path, dashboard: Dashboard) -> None:
    """Write ``dashboard`` (figures and charts) to ``path``; ``OSError`` when it cannot be written."""
    partial = path.with_name(path.name + ".partial")
    charts = _print_charts(dashboard)
    try:
        writer = QPdfWriter(str(partial))
        writer.setResolution(_DPI)
        writer.setTitle(f"Outpost report {dashboard.range.label()}")
        writer.setCreator("Outpost")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(12, 12, 12, 12),
                QPageLayout.Unit.Millimeter,
            )
        )
        painter = QPainter()
        if not painter.begin(writer):
            raise OSError(f"cannot write a PDF to {path}")
        try:
            _draw(painter, writer, dashboard, charts)
        finally:
            painter.end()
        if not partial.exists() or partial.stat().st_size == 0:
            raise OSError(f"cannot write a PDF to {path}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        for chart in charts:
            chart.close()
            chart.deleteLater()


def _print_charts(dashboard: Dashboard) -> list[QGraphicsView]:
    """Chart views for the print, laid out (not shown on screen) at :data:`CHART_SIZE`."""
    charts: list[QGraphicsView] = []
    for data in (dashboard.volume, dashboard.backlog):
        line = LineChart(data.title, dark=False)
        line.set_data(data)
        charts.append(line)
    for bars in dashboard.bar_charts:
        bar = GroupBarChart(bars.title, dark=False)
        bar.set_data(bars)
        charts.append(bar)
    sla = SlaChart(dashboard.sla.title, dark=False)
    sla.set_data(dashboard.sla)
    charts.append(sla)
    for chart in charts:
        chart.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        chart.setFrameShape(QGraphicsView.Shape.NoFrame)
        chart.resize(CHART_SIZE)
        chart.show()
    QCoreApplication.sendPostedEvents()  # the charts' layout requests: axes and bars placed
    return charts


def _font(size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _text(
    painter: QPainter, rect: QRectF, text: str, size: float, colour: QColor, *, bold: bool = False
) -> None:
    painter.setFont(_font(size, bold=bold))
    painter.setPen(colour)
    painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)


def _draw(painter: QPainter, writer: QPdfWriter, dashboard: Dashboard, charts: list[QGraphicsView]) -> None:
    width = float(painter.viewport().width())
    height = float(painter.viewport().height())
    pt = _DPI / 72.0  # device pixels per point
    y = 0.0

    _text(painter, QRectF(0, y, width, 24 * pt), "Outpost help desk report", 17, _INK, bold=True)
    y += 24 * pt
    lines = [
        f"{dashboard.range.label()} ({dashboard.range.days} days); changes are against "
        f"{dashboard.range.previous().label()}",
        f"Filter: {dashboard.query}" if dashboard.query else "All tickets",
        f"Computed {dashboard.computed_at.astimezone():%d %b %Y %H:%M} from the local replica. "
        + " ".join(dashboard.notes),
    ]
    for line in lines:
        _text(painter, QRectF(0, y, width, 13 * pt), line, 9.5, _MUTED)
        y += 13 * pt
    y += 6 * pt

    gap = 6 * pt
    box_w = (width - gap * (_CARD_COLUMNS - 1)) / _CARD_COLUMNS
    box_h = 58 * pt
    for i, card in enumerate(dashboard.cards):
        col, row = i % _CARD_COLUMNS, i // _CARD_COLUMNS
        box = QRectF(col * (box_w + gap), y + row * (box_h + gap), box_w, box_h)
        painter.setPen(QPen(QColor("#d0d7de"), 0.5 * pt))
        painter.setBrush(QColor("#f6f8fa"))
        painter.drawRoundedRect(box, 3 * pt, 3 * pt)
        x, top, w = box.left() + 7 * pt, box.top() + 5 * pt, box.width() - 14 * pt
        _text(painter, QRectF(x, top, w, 12 * pt), card.label, 8.5, _MUTED)
        _text(
            painter,
            QRectF(x, top + 11 * pt, w, 20 * pt),
            card.text,
            14,
            _INK if card.value is not None else _MUTED,
            bold=True,
        )
        _text(painter, QRectF(x, top + 30 * pt, w, 10 * pt), card.basis, 7.5, _MUTED)
        tone = _MUTED if card.improved is None else _GOOD if card.improved else _BAD
        _text(painter, QRectF(x, top + 40 * pt, w, 10 * pt), card.change_text, 7.5, tone)
    rows = (len(dashboard.cards) + _CARD_COLUMNS - 1) // _CARD_COLUMNS
    y += rows * (box_h + gap) + 4 * pt

    chart_w = (width - gap) / 2
    chart_h = chart_w * CHART_SIZE.height() / CHART_SIZE.width()
    for i, view in enumerate(charts):
        col = i % 2
        if col == 0 and y + chart_h > height:
            writer.newPage()
            y = 0.0
        target = QRectF(col * (chart_w + gap), y, chart_w, chart_h)
        view.render(painter, target, view.viewport().rect(), Qt.AspectRatioMode.KeepAspectRatio)
        if col == 1 or i == len(charts) - 1:
            y += chart_h + gap
