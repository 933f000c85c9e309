"""Encryption in the app: the passphrase dialog at start, and turning encryption on or off.

:class:`PassphraseDialog` asks for the passphrase of a replica whose key is sealed by one
(a computer without a secure keyring). The controller derives the key on its bootstrap
worker (scrypt takes about half a second and much memory: never on the UI thread); a wrong
passphrase comes back as :meth:`PassphraseDialog.show_error` and the dialog stays.

:class:`NewPassphraseDialog` asks for a new passphrase twice, when encryption is turned on
where there is no secure keyring. :func:`needs_passphrase` says whether that is the case.

Converting a replica needs it closed: the controller closes the window, converts on the
bootstrap worker (see :mod:`sync.replica.encryption_switch`) and opens it again. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.theme import colors
from sync.credentials import secure_keyring

__all__ = ["NewPassphraseDialog", "PassphraseDialog", "needs_passphrase"]

_OK = QDialogButtonBox.StandardButton.Ok
_CANCEL = QDialogButtonBox.StandardButton.Cancel


def needs_passphrase() -> bool:
    """Whether a new encryption key must be protected by a passphrase (no secure keyring here)."""
    return secure_keyring() is None


class PassphraseDialog(QDialog):
    """Unlock an encrypted replica; emits ``submitted(passphrase)``; Cancel emits ``rejected``."""

    submitted = Signal(str)

    def __init__(self, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle("Unlock Outpost")
        layout = QVBoxLayout(self)
        intro = QLabel(f"The help desk in {where} is encrypted. Enter its passphrase to open it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("Passphrase")
        layout.addWidget(self.edit)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(_OK | _CANCEL)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def _submit(self) -> None:
        text = self.edit.text()
        if not text:
            return
        self.buttons.setEnabled(False)
        self.error.hide()
        self.submitted.emit(text)

    def show_error(self, message: str) -> None:
        self.error.setStyleSheet(f"color: {colors().error_text.name()};")
        self.error.setText(message)
        self.error.show()
        self.edit.selectAll()
        self.edit.setFocus()
        self.buttons.setEnabled(True)


class NewPassphraseDialog(QDialog):
    """Choose a passphrase (typed twice) for a new key; :meth:`passphrase` after ``accepted``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a passphrase")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "This computer has no secure keyring to keep the encryption key in, so a passphrase "
            "protects it. You will enter it each time Outpost starts; if it is lost, the data on "
            "this computer cannot be read (synced work is safe on the server)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for edit, hint in ((self.first, "Passphrase (at least 8 characters)"), (self.second, "Repeat it")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(hint)
            layout.addWidget(edit)
            edit.textChanged.connect(self._update)
        self.buttons = QDialogButtonBox(_OK | _CANCEL)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update()

    def _update(self) -> None:
        ok = len(self.first.text()) >= 8 and self.first.text() == self.second.text()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def passphrase(self) -> str:
        return self.first.text()
