"""Asking for a required piece of text: a resolution note, a reason for a priority override.

The dialog is window-modal and shown with ``open()`` (no nested event loop); the answer
arrives through :attr:`TextPromptDialog.submitted`, a cancel through ``rejected``. OK stays
disabled until something other than whitespace is typed. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

__all__ = ["TextPromptDialog"]


class TextPromptDialog(QDialog):
    submitted = Signal(str)

    def __init__(
        self, title: str, question: str, parent: QWidget | None = None, *, initial: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        label = QLabel(question)
        label.setWordWrap(True)
        self.text_edit = QPlainTextEdit(initial)
        self.text_edit.setTabChangesFocus(True)
        label.setBuddy(self.text_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.buttons)
        self.text_edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.resize(420, 220)

    @property
    def ok_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def accept(self) -> None:
        if not self.text():
            return
        text = self.text()
        super().accept()
        self.submitted.emit(text)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.text()))
