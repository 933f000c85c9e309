"""The status bar: the replica's mode and how many changes are not synced yet, always visible.

Both facts come from a :class:`SidebarSnapshot` (read on the database thread after every
change notice, see :class:`desktop.sidebar.Sidebar`), so the status bar itself never
queries. A "Working…" note appears only when database work has been queued for a moment,
so quick reads do not make it flicker. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from sync.services.ticket_lists import SidebarSnapshot

__all__ = ["MODE_LABELS", "OutpostStatusBar"]

MODE_LABELS: dict[str, tuple[str, str]] = {
    "standalone": ("Standalone", "Working on this computer only; there is no server to sync with."),
    "online": ("Online", "Connected: changes are sent to the server as you make them."),
    "connected": ("Online", "Connected: changes are sent to the server as you make them."),
    "offline": ("Offline", "The server can't be reached; changes are kept and sent when it can."),
}


class OutpostStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.busy_label = QLabel("", self)
        self.mode_label = QLabel("…", self)
        self.mode_label.setObjectName("modeLabel")
        self.pending_label = QLabel("", self)
        self.pending_label.setObjectName("pendingLabel")
        self.addWidget(self.busy_label)
        self.addPermanentWidget(self.pending_label)
        self.addPermanentWidget(self.mode_label)
        self._busy_timer = QTimer(self, singleShot=True, interval=400)
        self._busy_timer.timeout.connect(lambda: self.busy_label.setText("Working…"))
        self.mode = ""
        self.pending = 0

    def add_sync_indicator(self, indicator: QWidget) -> None:
        """The sync indicator (``desktop.sync_ui``) knows Offline / Syncing…: it replaces the mode label."""
        self.mode_label.hide()
        self.addPermanentWidget(indicator)

    def show_snapshot(self, snapshot: SidebarSnapshot) -> None:
        self.set_mode(snapshot.mode)
        self.set_pending(snapshot.pending_changes)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        label, tip = MODE_LABELS.get(mode, (mode.title(), ""))
        self.mode_label.setText(f"● {label}")
        self.mode_label.setToolTip(tip)

    def set_pending(self, count: int) -> None:
        self.pending = count
        if count == 0:
            text, tip = "All changes saved", "Nothing is waiting to be synced."
        else:
            noun = "change" if count == 1 else "changes"
            text = f"{count:,} {noun} not synced"
            tip = (
                "Saved on this computer. They are sent when this desk connects to a server."
                if self.mode == "standalone"
                else "Saved on this computer and sent at the next sync."
            )
        self.pending_label.setText(text)
        self.pending_label.setToolTip(tip)

    def set_busy(self, tasks: int) -> None:
        """Connected to ``TaskRunner.busy_changed``."""
        if tasks > 0:
            if not self._busy_timer.isActive() and not self.busy_label.text():
                self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy_label.setText("")
