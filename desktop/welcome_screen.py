"""The first screen on a replica nobody has set up, and the "please wait" screen before the app.

Pages: the three ways to start (standalone, demo, server), the standalone form, and a busy
page (opening a file, preparing the demo) that can turn into an error page. Standalone
setup runs :func:`set_up_standalone` on the database thread and emits ``standalone_ready``;
"Open the demo" only emits ``demo_requested`` (the app controller swaps replicas).
"Connect to a server" opens the :class:`ConnectDialog` (sign in, first sync) and emits
``server_ready`` once the replica is connected.

``ctx`` may be None while no replica is open yet (the busy page at start); the standalone
option then waits for :meth:`set_context`. UI thread only.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QCommandLinkButton,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.encryption_ui import NewPassphraseDialog, needs_passphrase
from desktop.error_display import describe_error
from desktop.sync_ui.connect_dialog import ConnectDialog
from desktop.theme import colors
from sync.services.standalone_setup import set_up_standalone

__all__ = ["SERVER_TOOLTIP", "WelcomeScreen", "suggest_username"]

SERVER_TOOLTIP = (
    "Sign in to your organisation's Outpost server: the first sync brings your queues, tickets "
    "and articles. You need the server's address, your user name and your password."
)


def suggest_username(name: str) -> str:
    """``"Ana María López"`` → ``"ana.lopez"``: first and last name, ASCII letters and digits."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [re.sub(r"[^a-z0-9]", "", p) for p in ascii_name.lower().split()]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{parts[0]}.{parts[-1]}"


def _title(text: str, scale: float) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


class WelcomeScreen(QWidget):
    standalone_ready = Signal(str)  # the new agent's person id
    server_ready = Signal()  # connected to a server (the first sync may still be running)
    demo_requested = Signal()
    quit_requested = Signal()
    #: "Encrypt" was chosen on the form: the controller encrypts the (still empty) replica,
    #: reopens it and calls continue_after_encryption. The argument is
    #: the new passphrase, or "" to keep the key in the system keyring.
    encryption_requested = Signal(str)

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeScreen")
        self.setWindowTitle("Welcome to Outpost")
        self._ctx = ctx
        self.stack = QStackedWidget(self)
        self.choices = self._build_choices()
        self.form = self._build_form()
        self.busy = self._build_busy()
        for page in (self.choices, self.form, self.busy):
            self.stack.addWidget(page)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.stack, 0)
        outer.addStretch(1)
        self.stack.setFixedWidth(560)
        self.resize(1280, 800)
        self._username_touched = False
        self.connect_dialog: ConnectDialog | None = None
        self.passphrase_dialog: NewPassphraseDialog | None = None
        self.set_context(ctx)

    # -- pages -------------------------------------------------------------------------------
    def _build_choices(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(_title("Welcome to Outpost", 1.9))
        intro = QLabel(
            "A help desk that works with or without a network. Choose how to start; "
            "you can change your mind later."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addSpacing(18)
        self.standalone_button = QCommandLinkButton(
            "Work standalone on this computer",
            "Keep your help desk on this computer. No server or account needed; it can join a server later.",
        )
        self.demo_button = QCommandLinkButton(
            "Open the demo",
            "Explore a sample college help desk with realistic tickets and articles. "
            "Your own data is untouched.",
        )
        self.server_button = QCommandLinkButton(
            "Connect to a server", "Sign in to your organisation's Outpost server and sync tickets."
        )
        self.server_button.setToolTip(SERVER_TOOLTIP)
        self.server_note = QLabel("Ask your administrator for the server address and your account.")
        self.server_note.setToolTip(SERVER_TOOLTIP)
        self.server_note.setContentsMargins(12, 0, 0, 0)
        for button in (self.standalone_button, self.demo_button, self.server_button):
            button.setMinimumHeight(64)
            layout.addWidget(button)
        layout.addWidget(self.server_note)
        layout.addStretch(2)
        self.standalone_button.clicked.connect(self.show_form)
        self.demo_button.clicked.connect(self.demo_requested)
        self.server_button.clicked.connect(self.open_connect)
        return page

    def _build_form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(_title("Work standalone", 1.6))
        note = QLabel("You will be the first agent and the administrator of this help desk.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addSpacing(10)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Ana López")
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("e.g. ana.lopez")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("optional")
        form.addRow("Your name", self.name_edit)
        form.addRow("User name", self.username_edit)
        form.addRow("E-mail", self.email_edit)
        layout.addLayout(form)
        self.encrypt_box = QCheckBox("Encrypt the help desk on this computer (recommended on laptops)")
        self.encrypt_box.setToolTip(
            "Tickets, the search index and attachments are stored encrypted; a lost laptop gives "
            "nothing away. The key is kept in the system keyring, or behind a passphrase."
        )
        layout.addWidget(self.encrypt_box)
        self.form_error = QLabel("")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        layout.addWidget(self.form_error)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.start_button.setEnabled(False)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.name_edit.textChanged.connect(self._name_changed)
        self.username_edit.textEdited.connect(self._username_edited)
        self.username_edit.textChanged.connect(lambda _t: self._update_start())
        self.back_button.clicked.connect(self.show_choices)
        self.start_button.clicked.connect(self.submit)
        for edit in (self.name_edit, self.username_edit, self.email_edit):
            edit.returnPressed.connect(self.submit)
        return page

    def _build_busy(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.busy_label = _title("", 1.3)
        self.busy_label.setWordWrap(True)
        self.busy_detail = QLabel("")
        self.busy_detail.setWordWrap(True)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.quit_button = QPushButton("Quit")
        self.quit_button.hide()
        self.quit_button.clicked.connect(self.quit_requested)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_detail)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(2)
        return page

    # -- states ------------------------------------------------------------------------------
    def set_context(self, ctx: AppContext | None) -> None:
        self._ctx = ctx
        self.standalone_button.setEnabled(ctx is not None)
        self.server_button.setEnabled(ctx is not None)

    def show_choices(self) -> None:
        self.stack.setCurrentWidget(self.choices)

    def open_connect(self) -> None:
        if self._ctx is None:
            return
        self.connect_dialog = ConnectDialog(self._ctx.replica, self)
        self.connect_dialog.synced.connect(lambda _report: self.server_ready.emit())
        self.connect_dialog.open()

    def show_form(self) -> None:
        self.stack.setCurrentWidget(self.form)
        self.name_edit.setFocus()

    def show_busy(self, title: str, detail: str = "") -> None:
        self.busy_label.setText(title)
        self.busy_detail.setText(detail)
        self.busy_bar.show()
        self.quit_button.hide()
        self.stack.setCurrentWidget(self.busy)

    def show_failure(self, error: BaseException) -> None:
        """A startup failure (unreadable replica, demo builder missing) in words, with Quit."""
        info = describe_error(error)
        self.busy_label.setText(info.title)
        self.busy_detail.setText(f"{info.message}\n\n{info.action}".strip())
        self.busy_bar.hide()
        self.quit_button.show()
        self.stack.setCurrentWidget(self.busy)

    # -- the standalone form --------------------------------------------------------------------
    def _name_changed(self, name: str) -> None:
        if not self._username_touched:
            self.username_edit.setText(suggest_username(name))
        self._update_start()

    def _username_edited(self, _text: str) -> None:
        self._username_touched = True

    def _update_start(self) -> None:
        self.start_button.setEnabled(
            bool(self.name_edit.text().strip() and self.username_edit.text().strip())
        )

    def submit(self) -> None:
        if self._ctx is None or not self.start_button.isEnabled():
            return
        self._set_up()

    def continue_after_encryption(self, ctx: AppContext) -> None:
        """The controller encrypted and reopened the replica: finish the standalone setup."""
        self.set_context(ctx)
        self._set_up()

    def _set_up(self) -> None:
        if self._ctx is None:
            return
        name, username, email = (
            self.name_edit.text(),
            self.username_edit.text(),
            self.email_edit.text().strip(),
        )
        replica = self._ctx.replica
        if self.encrypt_box.isChecked() and not replica.encrypted:
            self._request_encryption()
            return
        self.start_button.setEnabled(False)
        self.form_error.hide()
        self._ctx.read(
            lambda: set_up_standalone(replica, name=name, username=username, email=email),
            self.standalone_ready.emit,
            self._setup_failed,
        )

    def _request_encryption(self) -> None:
        if not needs_passphrase():
            self.start_button.setEnabled(False)
            self.encryption_requested.emit("")
            return
        dialog = NewPassphraseDialog(self)
        self.passphrase_dialog = dialog

        def chosen() -> None:
            self.start_button.setEnabled(False)
            self.encryption_requested.emit(dialog.passphrase())

        dialog.accepted.connect(chosen)
        dialog.open()

    def _setup_failed(self, error: BaseException) -> None:
        info = describe_error(error)
        self.form_error.setStyleSheet(f"color: {colors().error_text.name()};")
        self.form_error.setText(info.message)
        self.form_error.show()
        self._update_start()
