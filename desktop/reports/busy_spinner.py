"""A small spinning arc shown while a report range is computed on the database thread.

``start()``/``stop()`` show and hide it; it animates with a timer only while visible, so an
idle dashboard costs nothing. ``active`` tells tests (and the view) whether it spins.
UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["BusySpinner"]


class BusySpinner(QWidget):
    def __init__(self, parent: QWidget | None = None, size: int = 18) -> None:
        super().__init__(parent)
        self._size = size
        self._angle = 0
        self._timer = QTimer(self, interval=60)
        self._timer.timeout.connect(self._step)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Computing")
        self.hide()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def start(self) -> None:
        self.show()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def _step(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().highlight().color(), 2.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        margin = 3.0
        rect = QRectF(margin, margin, self.width() - 2 * margin, self.height() - 2 * margin)
        painter.drawArc(rect, -self._angle * 16, 270 * 16)
        painter.end()
