"""The app's timer for what changes with time: SLA states and the time-based rules.

Every :data:`DUE_RULES_INTERVAL_MS` :func:`sync.automation.run_due_rules`
runs on the database thread: it refreshes the stored SLA state of tickets nearing a deadline
and fires rules for "SLA warning", "SLA breach" and "no reply for N hours", exactly once per
event. The tickets it changed are announced through the change hub like any write. A run is
never queued while one is pending. The first run waits :data:`FIRST_RUN_DELAY_MS` after
start: the window's first list page and counts go to the single database thread first, and a
start-up write would make every view load twice. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.app_context import AppContext
from desktop.live_callback import while_alive
from sync.automation.due_rules import run_due_rules
from sync.services.changes import ChangeSet

__all__ = ["DUE_RULES_INTERVAL_MS", "FIRST_RUN_DELAY_MS", "DueRulesTimer"]

DUE_RULES_INTERVAL_MS = 60_000
FIRST_RUN_DELAY_MS = 10_000


class DueRulesTimer(QObject):
    #: The result of each run (DueRunResult).
    ran = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._running = False
        self._timer = QTimer(self, interval=DUE_RULES_INTERVAL_MS)
        self._timer.timeout.connect(self.run_now)
        self._first = QTimer(self, singleShot=True)
        self._first.timeout.connect(self.run_now)

    def start(self, first_run_ms: int = FIRST_RUN_DELAY_MS) -> None:
        self._timer.start()
        self._first.start(first_run_ms)

    def stop(self) -> None:
        self._timer.stop()
        self._first.stop()

    def run_now(self) -> None:
        if self._running or self._ctx.runner.closed or self._ctx.replica.current_user_id is None:
            return
        replica = self._ctx.replica
        holder: list[object] = []

        def work() -> ChangeSet:
            result = run_due_rules(replica)
            holder.append(result)
            return ChangeSet(tickets=result.changed, journal=bool(result.fired))

        def done(_changes: ChangeSet) -> None:
            self._running = False
            self.ran.emit(holder[0])

        def failed(_error: BaseException) -> None:
            self._running = False  # tried again at the next tick; the runner logged it

        self._running = True
        self._ctx.write(work, while_alive(self, done), while_alive(self, failed))
