"""The standalone office's "E-mail channel" settings: configure, test and switch on the mailbox.

The form holds the desk's address, the IMAP and SMTP URLs, the queue new requests go to,
what happens to filed mail, the password and an on/off switch. Reading and saving run on
the database thread (``ctx.read``/``ctx.runner``); **Test** signs in to IMAP and SMTP on the
dialog's own network thread (a one-thread :class:`TaskRunner`), so the window never waits.
The password goes from the field to the system keyring and nowhere else; an empty field
keeps the stored one. Errors stay in the dialog, in words that say what to do.

A help desk connected to a server shows why the form is locked: its mailbox belongs on the
server now. ``saved`` is emitted after a save, so the channel restarts with the new settings.
UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import describe_error
from desktop.office_mail.mail_channel import MailChannelState, read_channel_state
from desktop.task_runner import TaskRunner
from sync.errors import ValidationError
from sync.office_mail.mailbox_settings import (
    OfficeMailbox,
    load_mail_password,
    save_mail_password,
    save_mailbox,
)
from sync.office_mail.office_mail_worker import JOINED_SERVER, check_mailbox
from sync.services.directory import Directory, QueueView

__all__ = ["MailboxSettingsDialog"]


@dataclass(frozen=True)
class _Loaded:
    state: MailChannelState
    queues: list[QueueView]


class MailboxSettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("E-mail channel")
        self.setObjectName("mailboxSettingsDialog")
        self.net = TaskRunner(self)  # sign-in tests: network, never the database thread
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setObjectName("mailBanner")
        self.banner.hide()
        self.address = QLineEdit()
        self.address.setPlaceholderText("it-help@example.com")
        self.imap_url = QLineEdit()
        self.imap_url.setPlaceholderText("imaps://mail.example.com  (or imap://… for STARTTLS)")
        self.smtp_url = QLineEdit()
        self.smtp_url.setPlaceholderText("smtps://mail.example.com  (or smtp://…:587 for STARTTLS)")
        self.username = QLineEdit()
        self.username.setPlaceholderText("the address, unless your provider says otherwise")
        self.queue = QComboBox()
        self.processed = QComboBox()
        self.processed.addItem("Flag it and leave it in the folder", "flag")
        self.processed.addItem("Move it to a folder", "move")
        self.move_folder = QLineEdit("Filed")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.enabled = QCheckBox("Fetch and answer this mailbox while Outpost is open and online")
        form = QFormLayout()
        form.addRow("Desk address", self.address)
        form.addRow("Incoming (IMAP)", self.imap_url)
        form.addRow("Outgoing (SMTP)", self.smtp_url)
        form.addRow("Sign-in name", self.username)
        form.addRow("Password", self.password)
        form.addRow("New requests go to", self.queue)
        form.addRow("Filed mail", self.processed)
        form.addRow("Folder", self.move_folder)
        form.addRow("", self.enabled)
        self.status = QLabel()
        self.status.setObjectName("mailStatus")
        self.status.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.processed.currentIndexChanged.connect(self._processed_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._form_widgets: tuple[QWidget, ...] = (
            self.address, self.imap_url, self.smtp_url, self.username, self.password, self.queue,
            self.processed, self.move_folder, self.enabled, self.test_button, self.save_button,
        )  # fmt: skip
        self._password_stored = False
        self._set_busy(True)
        self._processed_changed()
        ctx.read(self._load, self._loaded, self._failed)

    # -- loading -------------------------------------------------------------------------------
    def _load(self) -> _Loaded:
        return _Loaded(read_channel_state(self.ctx), Directory(self.ctx.replica).queues())

    def _loaded(self, loaded: _Loaded) -> None:
        for q in loaded.queues:
            self.queue.addItem(q.name, q.id)
        box, state = loaded.state.box, loaded.state
        self._password_stored = state.password_stored
        self.password.setPlaceholderText("stored in the system keyring" if state.password_stored else "")
        if box is not None:
            self.address.setText(box.address)
            self.imap_url.setText(box.imap_url)
            self.smtp_url.setText(box.smtp_url)
            self.username.setText(box.username)
            self.queue.setCurrentIndex(max(0, self.queue.findData(box.queue_id)))
            moving = box.processed.startswith("move:")
            self.processed.setCurrentIndex(1 if moving else 0)
            if moving:
                self.move_folder.setText(box.processed[5:])
        self.enabled.setChecked(box.enabled if box is not None else True)
        self._set_busy(False)
        if state.mode != "standalone":
            self.banner.setText(JOINED_SERVER)
            self.banner.show()
            for widget in self._form_widgets:
                widget.setEnabled(False)

    # -- the form ------------------------------------------------------------------------------
    def _processed_changed(self) -> None:
        self.move_folder.setEnabled(self.processed.currentData() == "move")

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.test_button, self.save_button):
            widget.setEnabled(not busy)

    def form_mailbox(self) -> OfficeMailbox:
        processed = "flag"
        if self.processed.currentData() == "move":
            processed = f"move:{self.move_folder.text().strip()}"
        return OfficeMailbox(
            address=self.address.text().strip(),
            queue_id=str(self.queue.currentData() or ""),
            imap_url=self.imap_url.text().strip(),
            smtp_url=self.smtp_url.text().strip(),
            username=self.username.text().strip(),
            processed=processed,
            enabled=self.enabled.isChecked(),
        )

    def _show(self, text: str, *, ok: bool) -> None:
        self.status.setProperty("ok", ok)
        self.status.setText(text)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        info = describe_error(error)
        self._show(f"{info.message} {info.action}".strip(), ok=False)

    # -- actions -------------------------------------------------------------------------------
    def save(self) -> None:
        box, password = self.form_mailbox(), self.password.text()
        replica = self.ctx.replica

        def work() -> str:
            saved = save_mailbox(replica, box)
            if password:
                save_mail_password(replica, saved.address, password)
            elif load_mail_password(replica, saved.address) is None:
                return f"Saved. Enter the password of {saved.address}: nothing is fetched without it."
            state = "on" if saved.enabled else "off"
            return f"Saved: {saved.address} files new requests into {saved.queue_name} (switched {state})."

        self._set_busy(True)
        self.ctx.runner.submit(work, self._was_saved, self._failed)

    def _was_saved(self, message: str) -> None:
        self.password.clear()  # the keyring has it now
        self._set_busy(False)
        self._show(message, ok=True)
        self.saved.emit()

    def test_connection(self) -> None:
        box, entered = self.form_mailbox(), self.password.text()
        replica = self.ctx.replica

        def work() -> list[str]:
            password = entered or load_mail_password(replica, box.address)
            if not password:
                raise ValidationError(f"Enter the password of {box.address or 'the mailbox'} to test it.")
            try:
                return check_mailbox(box, password)
            except ValidationError:
                raise
            except Exception as exc:  # IMAP, SMTP or network: the server's words, never the password
                raise ValidationError(f"The test failed: {exc}") from None

        self._set_busy(True)
        self._show("Signing in…", ok=True)
        self.net.submit(work, self._tested, self._failed)

    def _tested(self, lines: list[str]) -> None:
        self._set_busy(False)
        self._show("\n".join(lines), ok=True)

    def done(self, result: int) -> None:
        self.net.shutdown(wait=False)
        super().done(result)
