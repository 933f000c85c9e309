"""Desktop notifications for my tickets about to breach their SLA.

What to say comes from :meth:`sync.automation.notifications.Notifications.about_to_breach` (my open tickets
overdue or due within :data:`~sync.services.sla_service.DUE_SOON`, read from the stored
deadlines). :class:`BreachNotifier` asks for it on the database thread — once a minute, and
shortly after a change notice (a ticket newly assigned to me may already be close) — and
tells the person once per deadline (``BreachAlert.key`` changes when the deadline does):

* with ``QSystemTrayIcon.showMessage`` when the desktop has a system tray;
* otherwise as a notice in the main window's status bar.

It never blocks: the query runs through ``ctx.read`` and at most one is in flight. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QStatusBar, QStyle, QSystemTrayIcon

from desktop.app_context import AppContext
from desktop.live_callback import while_alive
from desktop.ticket_pane.sla_panel import span_text
from sync.automation.notifications import Notifications
from sync.services.changes import ChangeSet
from sync.services.sla_service import DUE_SOON, BreachAlert

__all__ = ["CHECK_INTERVAL_MS", "BreachNotifier", "alert_message"]

CHECK_INTERVAL_MS = 60_000
_AFTER_CHANGE_MS = 1_500
_SHOW_MS = 15_000


def alert_message(alerts: list[BreachAlert]) -> tuple[str, str]:
    """(title, text) of one notification about these alerts (soonest first)."""
    first = alerts[0]
    if len(alerts) == 1:
        when = (
            f"{span_text(timedelta(seconds=first.seconds_left))} overdue"
            if first.overdue
            else f"due in {span_text(timedelta(seconds=first.seconds_left))}"
        )
        return f"{first.display_number} is {when}", first.subject
    overdue = sum(a.overdue for a in alerts)
    title = f"{len(alerts)} of your tickets need attention"
    lines = [f"{a.display_number} {a.subject}" for a in alerts[:4]]
    if overdue:
        lines.insert(0, f"{overdue} overdue")
    return title, "\n".join(lines)


class BreachNotifier(QObject):
    #: The alerts just announced (new deadlines only), for tests and the status bar.
    notified = Signal(list)

    def __init__(
        self,
        ctx: AppContext,
        status_bar: QStatusBar | None,
        parent: QObject | None = None,
        *,
        within: timedelta = DUE_SOON,
        tray: QSystemTrayIcon | None = None,
        make_tray: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Without a ``tray``, one is made when the desktop has a system tray (unless
        ``make_tray`` is False). ``clock`` lets a test decide what "now" is (default: the
        wall clock, as the stored deadlines are)."""
        super().__init__(parent)
        self._ctx = ctx
        self._status_bar = status_bar
        self._within = within
        self._clock = clock or (lambda: datetime.now(UTC))
        self._notifications = Notifications(ctx.replica)
        self._seen: set[str] = set()
        self._in_flight = False
        self._again = False
        self.tray = tray if tray is not None or not make_tray else self._make_tray()
        self._timer = QTimer(self, interval=CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check_now)
        self._soon = QTimer(self, singleShot=True, interval=_AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.check_now)
        ctx.hub.changed.connect(self._changed)

    def start(self) -> None:
        """Check now, then every :data:`CHECK_INTERVAL_MS`."""
        self._timer.start()
        self.check_now()

    def stop(self) -> None:
        self._timer.stop()
        self._soon.stop()

    def check_now(self) -> None:
        if self._in_flight:
            self._again = True  # the answer in flight may predate the change: ask once more
            return
        me = self._ctx.replica.current_user_id
        if me is None:
            return
        notifications, now, within = self._notifications, self._clock(), self._within
        self._in_flight = True
        if (
            self._ctx.read(
                lambda: notifications.about_to_breach(me, now, within=within),
                while_alive(self, self._loaded),
                while_alive(self, self._failed),
            )
            < 0
        ):
            self._in_flight = False  # the app is closing

    def _loaded(self, alerts: list[BreachAlert]) -> None:
        self._in_flight = False
        new = [a for a in alerts if a.key not in self._seen]
        self._seen.update(a.key for a in alerts)
        if new:
            self._announce(new)
        if self._again:
            self._again = False
            self.check_now()

    def _failed(self, error: BaseException) -> None:
        del error  # a failed background check is retried at the next tick; never a dialog
        self._in_flight = False

    def _announce(self, alerts: list[BreachAlert]) -> None:
        title, text = alert_message(alerts)
        if self.tray is not None and self.tray.isVisible():
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if any(a.overdue for a in alerts)
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, text, icon, _SHOW_MS)
        elif self._status_bar is not None:
            self._status_bar.showMessage(f"⚠ {title}: {text.splitlines()[0]}", _SHOW_MS)
        self.notified.emit(alerts)

    def _changed(self, changes: ChangeSet) -> None:
        if changes.tickets or changes.everything:
            self._soon.start()

    def _make_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        app = QApplication.instance()
        icon = app.windowIcon() if isinstance(app, QApplication) else None
        if icon is None or icon.isNull():
            style = QApplication.style()
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        tray = QSystemTrayIcon(icon, self)
        tray.setToolTip("Outpost")
        tray.show()
        return tray
