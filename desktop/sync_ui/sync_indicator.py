"""The status bar's sync indicator: mode, progress, last sync, and what needs the person.

Two flat buttons: the mode (``Standalone``, ``Online · synced 14:02``, ``Syncing…``,
``Offline``, ``Sign in again``) and, only when there is something to look at, the number
of conflicts and notices. When the person allowed plain ``http://`` to a server on another
computer (``--allow-insecure-http``, the Connect dialog's checkbox), a warning stays beside
them for as long as the replica is connected that way. Clicking the mode does what that
state asks for: connect a standalone desk, sign in again, or sync now. It only displays a
:class:`SyncState`; it never reads anything itself. UI thread only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.sync_ui.sync_state import SyncState
from desktop.theme import colors

__all__ = ["INSECURE_TEXT", "SyncIndicator", "describe_last_sync", "insecure_tooltip", "mode_text"]

INSECURE_TEXT = "⚠ Not encrypted"


def insecure_tooltip(state: SyncState) -> str:
    return (
        f"The connection to {state.server_url} is plain http://, allowed by you: your sign-in and "
        "tickets cross the network unencrypted. Ask for the server's https:// address and connect "
        "again with it."
    )


def describe_last_sync(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "not synced yet"
    local = when.astimezone()
    today = (now or datetime.now(UTC)).astimezone().date()
    if local.date() == today:
        return f"synced {local:%H:%M}"
    return f"synced {local:%d %b %H:%M}"


ENCRYPTION_REQUIRED_HINT = (
    "Your organisation's server requires encrypted help desks: encrypt this one "
    "(command palette: 'Encrypt or decrypt this help desk on this computer'). It keeps syncing meanwhile."
)


def mode_text(state: SyncState) -> tuple[str, str]:
    """The button's text and tooltip for ``state`` (with the encryption hint when it applies)."""
    text, tip = _mode_text(state)
    if state.encryption_required and state.mode != "standalone":
        tip = f"{tip}\n{ENCRYPTION_REQUIRED_HINT}"
    return text, tip


def _mode_text(state: SyncState) -> tuple[str, str]:
    pending = (
        "Nothing is waiting to be sent."
        if state.pending == 0
        else f"{state.pending:,} change{'s' if state.pending != 1 else ''} waiting to be sent."
    )
    where = f"{state.username} on {state.server_url}" if state.server_url else ""
    if state.mode == "standalone":
        return "● Standalone", "Working on this computer only. Click to connect to an Outpost server."
    if state.mode == "syncing":
        return f"⟳ Syncing… {state.progress}".rstrip(), f"Syncing with {where}.\n{pending}"
    if state.mode == "online":
        last = describe_last_sync(state.last_success_at)
        return f"● Online · {last}", f"Connected as {where}; {last}.\n{pending}\nClick to sync now."
    if state.mode == "offline":
        retry = f" Retrying in about {max(1, round(state.retry_in))} s." if state.retry_in else ""
        return (
            "● Offline",
            f"{state.message}{retry}\n{pending} Your work is kept and sent when the server is back.\n"
            "Click to try now.",
        )
    if state.mode == "sign_in":
        return "⚠ Sign in again", f"{state.message}\n{pending}\nClick to sign in to {where}."
    return "⚠ Sync needs attention", f"{state.message}\n{pending}\nClick to try again."


class SyncIndicator(QWidget):
    connect_requested = Signal()
    sign_in_requested = Signal()
    sync_requested = Signal()
    inbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncIndicator")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.mode_button = QToolButton(self)
        self.mode_button.setObjectName("syncModeButton")
        self.mode_button.setAutoRaise(True)
        self.mode_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.inbox_button = QToolButton(self)
        self.inbox_button.setObjectName("syncInboxButton")
        self.inbox_button.setAutoRaise(True)
        self.inbox_button.setToolTip("Changes the server decided differently, and notices: click to review.")
        self.inbox_button.hide()
        self.insecure_label = QLabel(INSECURE_TEXT, self)
        self.insecure_label.setObjectName("syncInsecureWarning")
        self.insecure_label.hide()
        layout.addWidget(self.insecure_label)
        layout.addWidget(self.inbox_button)
        layout.addWidget(self.mode_button)
        self.mode_button.clicked.connect(self._mode_clicked)
        self.inbox_button.clicked.connect(self.inbox_requested)
        self.state = SyncState("standalone")
        self.show_state(self.state)

    def show_state(self, state: SyncState) -> None:
        self.state = state
        text, tip = mode_text(state)
        self.mode_button.setText(text)
        self.mode_button.setToolTip(tip)
        insecure = state.insecure_http and state.mode != "standalone"
        self.insecure_label.setToolTip(insecure_tooltip(state) if insecure else "")
        self.insecure_label.setStyleSheet(f"color: {colors().error_text.name()}; font-weight: bold;")
        self.insecure_label.setVisible(insecure)
        parts = []
        if state.conflicts:
            parts.append(f"{state.conflicts} conflict{'s' if state.conflicts != 1 else ''}")
        if state.notices:
            parts.append(f"{state.notices} notice{'s' if state.notices != 1 else ''}")
        self.inbox_button.setText("⚠ " + ", ".join(parts) if parts else "")
        self.inbox_button.setVisible(bool(parts))

    def _mode_clicked(self) -> None:
        if self.state.mode == "standalone":
            self.connect_requested.emit()
        elif self.state.mode == "sign_in":
            self.sign_in_requested.emit()
        elif self.state.mode != "syncing":
            self.sync_requested.emit()
