"""The main window's sync parts: the controller, the status bar indicator, actions and dialogs.

:class:`WindowSync` is built by :class:`MainWindow` with itself as the argument; the
window only forwards palette actions (:meth:`run_action`) and calls :meth:`shutdown`
when it closes. Actions: **Sync now** (toolbar and palette), **Connect to a server…**
(a standalone replica), **Sign in again…**, **Sign out**, and **Sync conflicts and
notices…** (also the indicator's conflict button). UI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QToolBar

from desktop.sync_ui.conflict_inbox_dialog import ConflictInboxDialog
from desktop.sync_ui.connect_dialog import ConnectDialog
from desktop.sync_ui.sync_controller import SyncController
from desktop.sync_ui.sync_indicator import SyncIndicator
from desktop.sync_ui.sync_state import SyncState
from sync.engine.sync_round import SyncReport

__all__ = ["SYNC_ACTIONS", "WindowSync"]

#: Palette actions: (id, title, shortcut shown beside it).
SYNC_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("sync_now", "Sync now", ""),
    ("sync_connect", "Connect to a server…", ""),
    ("sync_sign_in", "Sign in to the server again…", ""),
    ("sync_inbox", "Sync conflicts and notices…", ""),
    ("sync_sign_out", "Sign out of the server", ""),
)


class WindowSync(QObject):
    def __init__(self, window: Any, controller: SyncController | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.controller = controller or SyncController(window.ctx, parent=self)
        self.indicator = SyncIndicator()
        window.status.add_sync_indicator(self.indicator)
        self.connect_dialog: ConnectDialog | None = None
        self.inbox_dialog: ConflictInboxDialog | None = None
        self.sync_now_action = self._action(
            "Sync now", self.sync_now, "Send your changes and fetch updates now"
        )
        self.connect_action = self._action("Connect to a server…", self.open_connect)
        self.sign_in_action = self._action("Sign in again…", self.open_sign_in)
        self.sign_out_action = self._action("Sign out", self.sign_out)
        self.inbox_action = self._action("Sync conflicts and notices…", self.open_inbox)
        toolbar = window.findChild(QToolBar, "mainToolbar")
        if toolbar is not None:
            toolbar.addAction(self.sync_now_action)
            toolbar.addAction(self.connect_action)
        self.indicator.connect_requested.connect(self.open_connect)
        self.indicator.sign_in_requested.connect(self.open_sign_in)
        self.indicator.sync_requested.connect(self.sync_now)
        self.indicator.inbox_requested.connect(self.open_inbox)
        self.controller.state_changed.connect(self._state_changed)
        self.controller.round_finished.connect(self._round_finished)
        self._state_changed(self.controller.state)
        self.controller.start()

    def _action(self, text: str, slot: Any, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    # -- state ---------------------------------------------------------------------------------
    def _state_changed(self, state: SyncState) -> None:
        self.indicator.show_state(state)
        connected = state.mode != "standalone"
        self.sync_now_action.setEnabled(connected and state.mode not in ("sign_in", "syncing"))
        self.connect_action.setVisible(not connected)
        self.sign_in_action.setEnabled(connected)
        self.sign_out_action.setEnabled(connected and state.mode != "sign_in")

    def _round_finished(self, report: SyncReport) -> None:
        if report.conflicts or report.rejected:
            n = report.conflicts + report.rejected
            self.window.status.showMessage(
                f"Sync: {n} change{'s' if n != 1 else ''} decided differently by the server — "
                "see Sync conflicts and notices.",
                8000,
            )

    # -- commands ------------------------------------------------------------------------------
    def run_action(self, action_id: str) -> bool:
        """Run a palette action if it is one of ours; False otherwise."""
        handlers = {
            "sync_now": self.sync_now,
            "sync_connect": self.open_connect,
            "sync_sign_in": self.open_sign_in,
            "sync_inbox": self.open_inbox,
            "sync_sign_out": self.sign_out,
        }
        handler = handlers.get(action_id)
        if handler is None:
            return False
        handler()
        return True

    def sync_now(self) -> None:
        state = self.controller.state
        if state.mode == "standalone":
            self.open_connect()
        elif state.mode == "sign_in":
            self.open_sign_in()
        else:
            self.controller.request_sync()

    def open_connect(self) -> None:
        if self.controller.state.mode != "standalone":
            self.open_sign_in()
            return
        self._open_dialog(ConnectDialog(self.ctx.replica, self.window))

    def open_sign_in(self) -> None:
        state = self.controller.state
        if state.mode == "standalone":
            self.open_connect()
            return
        self._open_dialog(
            ConnectDialog(
                self.ctx.replica,
                self.window,
                server_url=state.server_url,
                username=state.username,
                sign_in_again=True,
                allow_insecure_http=state.insecure_http,
            )
        )

    def _open_dialog(self, dialog: ConnectDialog) -> None:
        if self.connect_dialog is not None and self.connect_dialog.isVisible():
            self.connect_dialog.raise_()
            return
        self.connect_dialog = dialog
        dialog.synced.connect(self._signed_in)
        dialog.records_arrived.connect(self.controller.announce_changes)
        dialog.open()

    def _signed_in(self, report: SyncReport | None) -> None:
        self.controller.after_sign_in(report)

    def sign_out(self) -> None:
        state = self.controller.state
        if state.mode == "standalone":
            return
        answer = QMessageBox.question(
            self.window,
            "Sign out",
            f"Sign out of {state.server_url}? Syncing stops until you sign in again; "
            + (
                f"your {state.pending:,} unsynced change{'s' if state.pending != 1 else ''} stay on this "
                "computer and are sent after you sign in."
                if state.pending
                else "nothing is waiting to be sent."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.sign_out()

    def open_inbox(self) -> None:
        if self.inbox_dialog is None:
            self.inbox_dialog = ConflictInboxDialog(self.ctx, self.window)
            self.inbox_dialog.inbox_changed.connect(self.controller.refresh_status)
        else:
            self.inbox_dialog.reload()
        self.inbox_dialog.show()
        self.inbox_dialog.raise_()

    def shutdown(self) -> None:
        self.controller.shutdown()
