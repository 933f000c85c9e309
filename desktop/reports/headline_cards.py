"""The headline cards: one number each, its change against the previous period, a click to drill.

A card whose figure carries ticket ids is a button (pointer cursor, focusable, Enter/Space or a
click emits ``drill_requested``); one without (a median, a rate with nothing behind it) is
plain text. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.reports.dashboard_data import Figure
from desktop.theme import colors

__all__ = ["HeadlineCard", "HeadlineCards"]

_COLUMNS = 5
_GOOD = QColor("#2e8540")  # a change for the better: green, readable on light and dark cards


class HeadlineCard(QFrame):
    """One figure. ``clicked`` carries the figure's key (only when it drills down)."""

    clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.figure: Figure | None = None
        self.title = QLabel(self)
        self.value = QLabel(self)
        self.change = QLabel(self)
        self.basis = QLabel(self)
        self.title.setObjectName("cardTitle")
        self.basis.setObjectName("cardBasis")
        self.value.setObjectName("cardValue")
        self.change.setObjectName("cardChange")
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.7)
        big.setBold(True)
        self.value.setFont(big)
        small = QFont(self.change.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.change.setFont(small)
        self.title.setFont(small)
        self.basis.setFont(small)
        for label in (self.title, self.value, self.basis, self.change):
            # Narrow cards clip their text (the tooltip has it all) rather than widen the page.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.basis)
        layout.addWidget(self.change)

    def set_figure(self, figure: Figure) -> None:
        self.figure = figure
        self.setObjectName(f"card_{figure.key}")
        self.title.setText(figure.label)
        self.value.setText(figure.text)
        self.change.setText(figure.change_text or " ")
        self.basis.setText(figure.basis or " ")
        shade = colors()
        tone = shade.muted_text if figure.improved is None else _GOOD if figure.improved else shade.overdue
        self.change.setStyleSheet(f"color: {tone.name()};")
        muted = shade.muted_text.name()
        self.title.setStyleSheet(f"color: {muted};")
        self.basis.setStyleSheet(f"color: {muted};")
        self.value.setStyleSheet(f"color: {muted};" if figure.value is None else "")
        drill = figure.drillable
        self.setCursor(Qt.CursorShape.PointingHandCursor if drill else Qt.CursorShape.ArrowCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if drill else Qt.FocusPolicy.NoFocus)
        tip = figure.hint
        if drill:
            tip = f"{tip}\nClick to list these {len(figure.ticket_ids or ())} tickets.".strip()
        self.setToolTip(tip)
        self.setAccessibleName(f"{figure.label}: {figure.text}. {figure.change_text}".strip())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._activate()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate()
            return
        super().keyPressEvent(event)

    def _activate(self) -> None:
        if self.figure is not None and self.figure.drillable:
            self.clicked.emit(self.figure.key)


class HeadlineCards(QWidget):
    """The grid of cards, rebuilt when the set of figures changes. ``drill_requested(key)``."""

    drill_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        self.cards: dict[str, HeadlineCard] = {}

    def set_figures(self, figures: tuple[Figure, ...]) -> None:
        if [f.key for f in figures] != list(self.cards):
            for card in self.cards.values():
                card.deleteLater()
            self.cards = {}
            for i, figure in enumerate(figures):
                card = HeadlineCard(self)
                card.clicked.connect(self.drill_requested)
                self._grid.addWidget(card, i // _COLUMNS, i % _COLUMNS)
                self.cards[figure.key] = card
        for figure in figures:
            self.cards[figure.key].set_figure(figure)
