"""The main window's e-mail channel: the in-app worker and its settings dialog.

:class:`WindowOfficeMail` is built by the main window; it starts the standalone office's
:class:`~desktop.office_mail.mail_channel.MailChannel` (which decides by itself whether to
run), shows its sentences in the status bar, and opens the settings dialog from the palette
(:data:`OFFICE_MAIL_ACTIONS`). The window calls :meth:`shutdown` when it closes. UI thread only.
"""

from __future__ import annotations

import weakref
from typing import Any

from desktop.app_context import AppContext
from desktop.office_mail.mail_channel import MailChannel
from desktop.office_mail.mailbox_settings_dialog import MailboxSettingsDialog

__all__ = ["OFFICE_MAIL_ACTIONS", "WindowOfficeMail"]

#: Palette actions: (id, title, shortcut shown beside it).
OFFICE_MAIL_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("mail_settings", "E-mail channel: mailbox settings…", ""),
)


class WindowOfficeMail:
    def __init__(self, ctx: AppContext, window: Any, network: Any = None) -> None:
        self._ctx = ctx
        self._window_ref = weakref.ref(window)  # the window holds this object (see WindowAssets)
        self.channel = MailChannel(ctx, network, parent=window)
        self.channel.state_changed.connect(self._state_changed)
        self.dialog: MailboxSettingsDialog | None = None
        self.channel.refresh()

    def _state_changed(self, text: str) -> None:
        window = self._window_ref()
        if window is not None and text:
            window.status.showMessage(text, 15000)

    def run_action(self, action_id: str) -> bool:
        if action_id != "mail_settings":
            return False
        self.open_settings()
        return True

    def open_settings(self) -> MailboxSettingsDialog:
        dialog = MailboxSettingsDialog(self._ctx, self._window_ref())
        dialog.saved.connect(self.channel.refresh)
        dialog.open()
        self.dialog = dialog
        return dialog

    def shutdown(self) -> None:
        self.channel.shutdown()
