"""The whole dashboard as a PDF report, drawn with Qt's own PDF writer (``QPdfWriter`` + ``QPainter``).

Page one: a heading (range, filter, when computed), the headline figures as a grid of
boxes (label, value, change vs the previous period), then the charts two per row, rendered
from the live chart views as vector drawing (their text stays text). Further pages take
the charts that do not fit. The file is written beside the target and renamed over it,
so a failed export never leaves a truncated PDF. UI thread only (it paints widgets).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QGraphicsView

from desktop.reports.dashboard_data import Dashboard

__all__ = ["write_dashboard_pdf"]

_DPI = 150
_CARD_COLUMNS = 3
_MUTED, _GOOD, _BAD = QColor("#5f6368"), QColor("#2e8540"), QColor("#c62828")


def write_dashboard_pdf(path: Path, dashboard: Dashboard, charts: Sequence[QGraphicsView]) -> None:
    """Write ``dashboard`` with ``charts`` (drawn in order, two per row) to ``path``.

    Raises ``OSError`` when the file cannot be written.
    """
    partial = path.with_name(path.name + ".partial")
    try:
        writer = QPdfWriter(str(partial))
        writer.setResolution(_DPI)
        writer.setTitle(f"Outpost report {dashboard.range.label()}")
        writer.setCreator("Outpost")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(14, 14, 14, 14),
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


def _font(size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _draw(painter: QPainter, writer: QPdfWriter, dashboard: Dashboard, charts: Sequence[QGraphicsView]) -> None:
    width = float(painter.viewport().width())
    height = float(painter.viewport().height())
    pt = _DPI / 72.0  # device pixels per point
    y = 0.0

    painter.setFont(_font(17, bold=True))
    painter.setPen(QColor("#1f2328"))
    painter.drawText(QRectF(0, y, width, 26 * pt), Qt.AlignmentFlag.AlignLeft, "Outpost help desk report")
    y += 26 * pt
    painter.setFont(_font(10))
    painter.setPen(_MUTED)
    lines = [
        f"{dashboard.range.label()} ({dashboard.range.days} days), compared with the "
        f"{dashboard.range.days} days before",
        f"Filter: {dashboard.query}" if dashboard.query else "All tickets",
        f"Computed {dashboard.computed_at.astimezone():%d %b %Y %H:%M} from the local replica",
        *dashboard.notes,
    ]
    for line in lines:
        painter.drawText(QRectF(0, y, width, 14 * pt), Qt.AlignmentFlag.AlignLeft, line)
        y += 14 * pt
    y += 8 * pt

    gap = 6 * pt
    box_w = (width - gap * (_CARD_COLUMNS - 1)) / _CARD_COLUMNS
    box_h = 50 * pt
    for i, card in enumerate(dashboard.cards):
        col, row = i % _CARD_COLUMNS, i // _CARD_COLUMNS
        box = QRectF(col * (box_w + gap), y + row * (box_h + gap), box_w, box_h)
        painter.setPen(QPen(QColor("#d0d7de"), 1.0 * pt / 2))
        painter.setBrush(QColor("#f6f8fa"))
        painter.drawRoundedRect(box, 3 * pt, 3 * pt)
        inner = box.adjusted(7 * pt, 5 * pt, -7 * pt, -4 * pt)
        painter.setFont(_font(8.5))
        painter.setPen(_MUTED)
        painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), 12 * pt), Qt.AlignmentFlag.AlignLeft, card.label)
        painter.setFont(_font(14, bold=True))
        painter.setPen(QColor("#1f2328") if card.value is not None else _MUTED)
        painter.drawText(
            QRectF(inner.left(), inner.top() + 12 * pt, inner.width(), 20 * pt), Qt.AlignmentFlag.AlignLeft, card.text
        )
        if card.change_text:
            painter.setFont(_font(8))
            painter.setPen(_MUTED if card.improved is None else _GOOD if card.improved else _BAD)
            painter.drawText(
                QRectF(inner.left(), inner.top() + 32 * pt, inner.width(), 11 * pt),
                Qt.AlignmentFlag.AlignLeft,
                card.change_text,
            )
    rows = (len(dashboard.cards) + _CARD_COLUMNS - 1) // _CARD_COLUMNS
    y += rows * (box_h + gap) + 6 * pt

    chart_w = (width - gap) / 2
    chart_h = chart_w * 0.68
    for i, view in enumerate(charts):
        col = i % 2
        if col == 0 and y + chart_h > height:
            writer.newPage()
            y = 0.0
        target = QRectF(col * (chart_w + gap), y, chart_w, chart_h)
        view.render(painter, target, view.viewport().rect(), Qt.AspectRatioMode.KeepAspectRatio)
        if col == 1 or i == len(charts) - 1:
            y += chart_h + gap
