"""The search box above the ticket table: debounced text, inline query errors, help, save as view.

``text_settled`` fires :data:`DEBOUNCE_MS` after the last keystroke (or at once on Enter),
so a query runs per pause in typing, not per key. :meth:`show_feedback` shows a query
error (red, with the cursor moved to the offending spot) or the parts the list could not
apply (amber) below the box; a valid search clears it. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import colors
from sync.search import QUERY_HELP
from sync.services.ticket_search import ResolvedSearch

__all__ = ["DEBOUNCE_MS", "SearchBar"]

DEBOUNCE_MS = 150


class SearchBar(QWidget):
    text_settled = Signal(str)
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("searchBox")
        self.edit.setPlaceholderText("Search this view: words, #123, status:open queue:IT assignee:me …")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search tickets")
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip("How to search (filters like status:, queue:, due:)")
        self.save_button = QPushButton("Save as view…", self)
        self.save_button.setToolTip("Keep this search in the sidebar")
        self.save_button.setEnabled(False)
        self.message = QLabel(self)
        self.message.setObjectName("searchMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        row.addWidget(self.help_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.message)

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._settle)
        self._last_sent: str | None = None
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(self._settle)
        self.help_button.clicked.connect(self.show_help)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.text()))
        self._help: QDialog | None = None

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str, *, settle: bool = True) -> None:
        """Replace the text; ``settle=False`` changes it without running a search."""
        if not settle:
            self._last_sent = text.strip()
        self.edit.setText(text)
        if not settle:
            self._timer.stop()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def show_feedback(self, result: ResolvedSearch) -> None:
        theme = colors()
        if result.error:
            self._show(result.error, theme.error_text.name())
            if 0 <= result.error_position <= len(self.edit.text()):
                self.edit.setCursorPosition(result.error_position)
            self.save_button.setEnabled(False)
        elif result.ignored:
            self._show("Not applied to this list yet: " + ", ".join(result.ignored), theme.note_text.name())
        else:
            self.message.hide()
            self.message.clear()

    def _show(self, text: str, color: str) -> None:
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.message.show()

    def _typed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        self._timer.start()

    def _settle(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._last_sent:
            self._last_sent = text
            self.text_settled.emit(text)

    def show_help(self) -> QDialog:
        if self._help is None:
            dialog = QDialog(self)
            dialog.setWindowTitle("Searching tickets")
            browser = QTextBrowser(dialog)
            browser.setMarkdown(QUERY_HELP)
            browser.setOpenExternalLinks(False)
            layout = QVBoxLayout(dialog)
            layout.addWidget(browser)
            dialog.resize(720, 620)
            self._help = dialog
        self._help.show()
        self._help.raise_()
        return self._help
