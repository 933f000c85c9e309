"""Painting the ticket table's special cells: priority chips and the "not synced yet" marker.

Everything else is drawn by the style from the model's roles (text, colour, font). Colours
come from :func:`desktop.theme.colors` at paint time, so a theme switch needs no state here.
UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.theme import colors
from desktop.ticket_table.columns import Col
from desktop.ticket_table.table_model import Role

__all__ = ["CHIP_PADDING", "MARKER_SPACE", "TicketCellDelegate"]

_Index = QModelIndex | QPersistentModelIndex
_MARKER = 7  # diameter of the pending dot, px
#: Room a cell needs beyond its text: the chip's own padding and its margins; the pending dot.
CHIP_PADDING = 14 + 8
MARKER_SPACE = _MARKER + 6


class TicketCellDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        column = index.column()
        if column == Col.PRIORITY:
            self._paint_chip(painter, option, index)
        elif column == Col.NUMBER and index.data(Role.PENDING):
            opt = QStyleOptionViewItem(option)
            opt.rect = option.rect.adjusted(_MARKER + 6, 0, 0, 0)
            super().paint(painter, opt, index)
            self._paint_marker(painter, option)
        else:
            super().paint(painter, option, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + (_MARKER + 6 if index.column() == Col.NUMBER else 12), size.height() + 6)

    def _paint_chip(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # Background (selection, alternate rows) from the style, with no text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        priority = int(index.data(Role.PRIORITY) or 4)
        theme = colors()
        chip = theme.priority_chips[min(max(priority, 1), 4) - 1]
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(text) + 14, option.rect.width() - 8)
        height = metrics.height() + 4
        rect = QRectF(
            option.rect.left() + 4,
            option.rect.center().y() - height / 2 + 0.5,
            max(width, 0),
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(chip)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(theme.chip_text)
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()) - 10)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()

    def _paint_marker(self, painter: QPainter, option: QStyleOptionViewItem) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors().pending_marker)
        y = option.rect.center().y() - _MARKER / 2 + 0.5
        painter.drawEllipse(QRectF(option.rect.left() + 5, y, _MARKER, _MARKER))
        painter.restore()
