"""The "Connect to a server" / "Sign in again" dialog: sign in, then the first sync with progress.

The dialog asks for the server address, the user name and the password, then runs
:func:`sync.engine.session.connect` and one sync round on its **own network thread** (a
one-thread :class:`TaskRunner`), so the window never waits on the network or on the
database. The password goes from the field straight to ``connect``; it is never logged
or stored — the server's token is stored by :mod:`sync.credentials` (the system keyring,
or this session's memory when there is none, which the dialog says up front).

Plain ``http://`` to another computer is refused before anything is sent unless the person
ticks "Allow an unencrypted connection"; that choice is stored with the replica (see
:mod:`sync.engine.server_url`) and the status bar then warns for as long as it holds.

Sign-in failures stay in the dialog with a message that says what to do (wrong password,
server unreachable, a version mismatch). Once signed in, the first round shows its
progress and can be stopped; if it fails, the replica is still connected and background
sync retries, which the dialog says before closing. ``synced(report_or_None)`` is emitted
when the dialog is done after a successful sign-in; ``records_arrived(ChangeSet)`` when
the first round committed records before finishing (the person's own tickets come first),
so the window's views can show them at once. UI thread only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.error_display import describe_error
from desktop.sync_ui.sync_controller import describe_progress
from desktop.task_runner import TaskRunner
from desktop.theme import colors
from sync.credentials import secure_backend_name
from sync.engine.errors import (
    ClientMismatchError,
    InsecureConnectionError,
    SyncCancelledError,
    SyncProtocolError,
)
from sync.engine.progress import CancelToken, SyncProgress
from sync.engine.server_url import check_server_url
from sync.engine.session import ConnectResult, connect, open_engine
from sync.engine.sync_round import SyncReport
from sync.errors import AuthRequiredError, ProtocolVersionError, ServerUnavailableError
from sync.replica.replica import Replica

__all__ = ["NO_KEYRING_NOTE", "ConnectDialog", "describe_connect_error"]

log = logging.getLogger(__name__)

NO_KEYRING_NOTE = (
    "This computer has no system keyring, so your sign-in will be kept for this session only: "
    "Outpost will ask for your password again next time it starts."
)


def describe_connect_error(error: BaseException, url: str) -> tuple[str, str]:
    """A title and what to do, for a failed sign-in."""
    if isinstance(error, AuthRequiredError):
        return "Wrong user name or password", error.message
    if isinstance(error, ServerUnavailableError):
        return (
            f"Can't reach {url}",
            f"{error.message.split(';')[0]}. Check the address and that this computer is online.",
        )
    if isinstance(error, ProtocolVersionError):
        return "This Outpost and the server don't match", error.message
    if isinstance(error, InsecureConnectionError):
        return "This address is not encrypted", error.message
    if isinstance(error, ClientMismatchError):
        return "Unsynced work belongs to another account", error.message
    if isinstance(error, SyncProtocolError):
        return (
            "That address is not an Outpost server",
            f"{error.message} Check the address (e.g. https://desk.example.org).",
        )
    info = describe_error(error)
    return info.title, f"{info.message} {info.action}".strip()


class ConnectDialog(QDialog):
    synced = Signal(object)  # SyncReport, or None when the first round did not finish
    _first_progress = Signal(object)  # network thread → UI thread
    records_arrived = Signal(object)  # ChangeSet committed mid-round (the person's own tickets first)

    def __init__(
        self,
        replica: Replica,
        parent: QWidget | None = None,
        *,
        server_url: str | None = None,
        username: str | None = None,
        sign_in_again: bool = False,
        allow_insecure_http: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.replica = replica
        self.net = TaskRunner(self)
        self.result_info: ConnectResult | None = None
        self.report: SyncReport | None = None
        self._cancel = CancelToken()
        self._busy = False
        self.setWindowTitle("Sign in again" if sign_in_again else "Connect to a server")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your sign-in has expired or was ended. Enter your password to continue syncing; "
            "your unsynced work is kept."
            if sign_in_again
            else "Sign in to your organisation's Outpost server. Tickets you already have here are "
            "kept and sent to the server."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(server_url or "")
        self.url_edit.setPlaceholderText("https://desk.example.org")
        self.user_edit = QLineEdit(username or "")
        self.user_edit.setPlaceholderText("e.g. ana.lopez")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if sign_in_again:
            self.url_edit.setReadOnly(True)
            self.user_edit.setReadOnly(True)
        form.addRow("Server address", self.url_edit)
        form.addRow("User name", self.user_edit)
        form.addRow("Password", self.password_edit)
        layout.addLayout(form)
        self.insecure_check = QCheckBox("Allow an unencrypted connection (http://) to this server")
        self.insecure_check.setObjectName("allowInsecureHttp")
        self.insecure_check.setToolTip(
            "Only for a server without https://: your password and tickets would cross the network "
            "in plain text. Outpost then shows a warning in the status bar."
        )
        self.insecure_check.setChecked(allow_insecure_http)
        layout.addWidget(self.insecure_check)
        self.keyring_note = QLabel("")
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        layout.addWidget(self.keyring_note)
        self.error_label = QLabel("")
        self.error_label.setObjectName("connectError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox()
        self.connect_button = QPushButton("Sign in" if sign_in_again else "Connect")
        self.connect_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(self.buttons)
        self.connect_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self._cancel_clicked)
        for edit in (self.url_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._update_button)
            edit.returnPressed.connect(self.submit)
        self._first_progress.connect(self._show_progress)
        self._update_button()
        (self.password_edit if sign_in_again else self.url_edit).setFocus()
        self.net.submit(secure_backend_name, self._keyring_checked, lambda _e: self._keyring_checked(None))

    # -- states ------------------------------------------------------------------------------
    def _keyring_checked(self, backend: object) -> None:
        if backend is None:
            self.keyring_note.setText(NO_KEYRING_NOTE)
            self.keyring_note.show()
            self.adjustSize()

    def _update_button(self) -> None:
        self.connect_button.setEnabled(
            not self._busy
            and bool(
                self.url_edit.text().strip() and self.user_edit.text().strip() and self.password_edit.text()
            )
        )

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        for edit in (self.url_edit, self.user_edit, self.password_edit, self.insecure_check):
            edit.setEnabled(not busy)
        self.status_label.setText(text)
        self.progress.setVisible(busy)
        self._update_button()

    def _show_error(self, title: str, message: str) -> None:
        self.error_label.setStyleSheet(f"color: {colors().error_text.name()};")
        self.error_label.setText(f"<b>{title}</b><br>{message}")
        self.error_label.show()
        self.adjustSize()  # room for the message's lines

    # -- signing in (network thread) -------------------------------------------------------------
    def submit(self) -> None:
        if self._busy or not self.connect_button.isEnabled():
            return
        url = self.url_edit.text().strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            self._show_error("Check the server address", "It starts with https:// (or http://).")
            return
        allow_http = self.insecure_check.isChecked()
        try:
            check_server_url(url, allow_insecure_http=allow_http)
        except InsecureConnectionError as error:
            self._show_error(*describe_connect_error(error, url))
            return
        username, password = self.user_edit.text().strip(), self.password_edit.text()
        replica = self.replica
        self.error_label.hide()
        self._set_busy(True, f"Signing in to {url}…")
        self.cancel_button.setEnabled(False)  # connect is short and not cancellable halfway
        self.net.submit(
            lambda: connect(replica, url, username, password, allow_insecure_http=allow_http),
            self._signed_in,
            lambda error: self._sign_in_failed(error, url),
        )

    def _sign_in_failed(self, error: BaseException, url: str) -> None:
        log.info("sign-in to %s failed: %s", url, type(error).__name__)
        self._set_busy(False)
        self.cancel_button.setEnabled(True)
        self._show_error(*describe_connect_error(error, url))
        self.password_edit.setFocus()
        self.password_edit.selectAll()

    def _signed_in(self, result: ConnectResult) -> None:
        self.result_info = result
        self.password_edit.clear()
        if result.token.kind != "keyring":
            self.keyring_note.setText(result.token.message)
            self.keyring_note.show()
        self._set_busy(True, "Signed in. First sync…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Stop")
        self.connect_button.hide()
        replica, cancel, report_progress = self.replica, self._cancel, self._first_progress.emit

        def first_round() -> SyncReport:
            return open_engine(replica).run_round(report_progress, cancel)

        self.net.submit(first_round, self._first_synced, self._first_sync_failed)

    def _show_progress(self, p: SyncProgress) -> None:
        self.status_label.setText(describe_progress(p))
        if p.changes is not None:
            self.records_arrived.emit(p.changes)
        if p.total:
            self.progress.setRange(0, p.total)
            self.progress.setValue(min(p.done, p.total))
        else:
            self.progress.setRange(0, 0)

    def _first_synced(self, report: SyncReport) -> None:
        self.report = report
        self._busy = False
        self.synced.emit(report)
        self.accept()

    def _first_sync_failed(self, error: BaseException) -> None:
        self._set_busy(False, "")
        self.cancel_button.hide()
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        if isinstance(error, SyncCancelledError):
            self.status_label.setText("Sync stopped. It continues in the background; what arrived is kept.")
        else:
            info = describe_error(error)
            self._show_error(
                "Signed in, but the first sync did not finish",
                f"{info.message} Outpost keeps trying in the background.",
            )
        self.synced.emit(None)

    # -- closing -----------------------------------------------------------------------------------
    def _cancel_clicked(self) -> None:
        if self.result_info is not None and self._busy:
            self._cancel.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Stopping after the current step…")
            return
        self.reject()

    def done(self, result: int) -> None:
        if self._busy and self.result_info is None:
            return  # signing in: wait for the answer (bounded by the connect timeout)
        self._cancel.cancel()
        self.net.shutdown(wait=False)
        super().done(result)
