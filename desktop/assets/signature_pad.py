"""The sign-off: a signature pad (pen, mouse or touch) and the dialog that stores it on the ticket.

:class:`SignaturePad` collects strokes from mouse and tablet events (touch arrives as
synthesized mouse events) and renders them to an image. :class:`SignOffDialog` asks for the
printed name; on Save it writes the signature as a PNG attachment named with the name and
the time (:func:`sync.services.job_sheet.signature_filename`) and a note on the ticket, on
the database thread. UI thread only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from sync.services.changes import ChangeSet, WriteResult
from sync.services.job_sheet import signature_filename

__all__ = ["SignOffDialog", "SignaturePad"]


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setMinimumSize(420, 160)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[list[QPointF]] = []

    @property
    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.changed.emit()

    def _start(self, point: QPointF) -> None:
        self.strokes.append([point])

    def _extend(self, point: QPointF) -> None:
        if self.strokes:
            self.strokes[-1].append(point)
            self.update()
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._start(event.position())
        elif kind in (QTabletEvent.Type.TabletMove, QTabletEvent.Type.TabletRelease) and event.pressure() > 0:
            self._extend(event.position())
        event.accept()

    def _draw(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#10204a"), 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for stroke in self.strokes:
            if len(stroke) > 1:
                path = QPainterPath(stroke[0])
                for p in stroke[1:]:
                    path.lineTo(p)
                painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#bbbbbb"))
        y = self.height() - 30
        painter.drawLine(20, y, self.width() - 20, y)
        self._draw(painter)

    def image(self, caption: str = "") -> QImage:
        """The signature on white, with ``caption`` (name and time) under it."""
        image = QImage(self.width(), self.height() + (28 if caption else 0), QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._draw(painter)
        if caption:
            painter.setPen(QColor("#333333"))
            painter.drawText(10, self.height() + 20, caption)
        painter.end()
        return image


class SignOffDialog(QDialog):
    """Sign-off for ``ticket_id``; :attr:`saved` carries the attachment's file name once stored."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign-off")
        self._ctx = ctx
        self._ticket_id = ticket_id
        self.pad = SignaturePad()
        self.name = QLineEdit()
        self.name.setObjectName("signerName")
        self.name.setPlaceholderText("Printed name")
        clear = QPushButton("Clear")
        clear.clicked.connect(self.pad.clear)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("Name:"))
        row.addWidget(self.name, 1)
        row.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Please sign below to confirm the work was done."))
        layout.addWidget(self.pad, 1)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.pad.changed.connect(self._update)
        self.name.textChanged.connect(lambda _t: self._update())
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        ok.setEnabled(bool(self.name.text().strip()) and not self.pad.is_empty)

    def accept(self) -> None:
        name = self.name.text().strip()
        if not name or self.pad.is_empty:
            return
        at = self._ctx.replica.clock()
        filename = signature_filename(name, at)
        image = self.pad.image(f"{name} · {at.astimezone():%Y-%m-%d %H:%M}")
        folder = Path(tempfile.mkdtemp(prefix="outpost-signature-"))
        path = folder / "signature.png"
        image.save(str(path))
        work, ticket_id = self._ctx.work, self._ticket_id

        def store() -> ChangeSet:
            try:
                attached = work.attach_file(ticket_id, path, filename=filename)
                noted: WriteResult = work.note(
                    ticket_id, f"Signed off by {name} at {at.astimezone():%Y-%m-%d %H:%M}."
                )
                return attached.changes | noted.changes
            finally:
                path.unlink(missing_ok=True)
                folder.rmdir()

        self._ctx.write(
            store,
            lambda _r: self.saved.emit(filename) if isValid(self) else None,
            error_reporter(self.parentWidget() or self),
        )
        super().accept()
