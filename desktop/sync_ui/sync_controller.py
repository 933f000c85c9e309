"""Background sync for one open replica, wired into the app's threads and change notices.

:class:`SyncController` owns a :class:`SyncScheduler` running a :class:`RoundRunner`
while the replica is connected to a server. Threading, which is the whole point:

- **Rounds** run on the scheduler's own thread. The engine writes through its own
  ``sqlite3`` connection (:mod:`sync.engine.replica_conn`) taking ``BEGIN IMMEDIATE`` per
  page or outcome batch, while the app's database thread writes through SQLAlchemy with
  the same lock discipline (``Replica.write`` is ``BEGIN IMMEDIATE`` too, busy timeout
  30 s). WAL lets reads run alongside; writes take turns at transaction granularity — the
  engine is built for exactly this ("the replica may be in use elsewhere").
- **Scheduler events and progress** arrive on the scheduler thread; they are re-emitted
  through private signals, which Qt queues to the UI thread. Nothing else runs there.
- **Status** (:func:`read_status`: pending, conflicts, last success, sign-in) is read on the
  app's database thread (``ctx.read``); one read in flight at a time, the latest request
  wins.
- **Sign out** does network I/O: it runs on this controller's own network thread.

Every local write (``ctx.hub.changed``) asks for a sync, debounced a little so a burst of
writes makes one round. After a round that pushed or pulled anything the controller emits
one ChangeSet on ``ctx.hub.changed`` for the views — and ignores that notice itself, so a
sync never triggers another. Progress that carries ``changes`` (a first sync's "your
tickets first" page, committed before the rest arrives) is announced the same way at once.
:meth:`shutdown` cancels a running round and waits a bounded time; a round stuck in a
network call is left to finish on its daemon thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.app_context import AppContext
from desktop.sync_ui.network_watch import NetworkWatch
from desktop.sync_ui.sync_state import SyncState, derive_state
from desktop.task_runner import TaskRunner
from sync.engine.backoff import Backoff
from sync.engine.change_watch import ChangeWatcher
from sync.engine.progress import SyncProgress
from sync.engine.scheduler import SchedulerEvent, SyncScheduler
from sync.engine.session import RoundRunner, sign_out
from sync.engine.status import SyncStatus, read_status
from sync.engine.sync_round import SyncReport
from sync.errors import ErrorKind
from sync.services.changes import ChangeSet

__all__ = ["SyncController", "describe_progress"]

log = logging.getLogger(__name__)

_PHASES = {
    "connect": "Contacting the server",
    "push": "Sending changes",
    "upload": "Uploading files",
    "mine": "Your tickets first",
    "pull": "Receiving updates",
    "download": "Downloading files",
    "done": "Finishing",
}


def describe_progress(p: SyncProgress) -> str:
    if p.phase == "mine":  # a first sync's own tickets: the engine's words say it best
        return p.message or f"{_PHASES['mine']}…"
    what = _PHASES.get(p.phase, p.phase.title())
    if p.total:
        return f"{what} {p.done:,}/{p.total:,}…"
    if p.done:
        return f"{what} ({p.done:,})…"
    return f"{what}…"


class SyncController(QObject):
    """Runs sync for ``ctx``'s replica; see the module docstring for the threading rules."""

    state_changed = Signal(object)  # SyncState, on every change the indicator should show
    progress_changed = Signal(object)  # SyncProgress
    round_finished = Signal(object)  # SyncReport of a successful round
    status_loaded = Signal(object)  # SyncStatus, after each status read
    signed_out = Signal()
    #: The server revoked this device and the engine wiped the replica (the error): the app
    #: must close it and start over.
    device_revoked = Signal(object)

    _event_arrived = Signal(object)  # scheduler thread → UI thread
    _progress_arrived = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        *,
        interval: float = 300.0,
        backoff: Backoff | None = None,
        network: NetworkWatch | None = None,
        write_debounce_ms: int = 300,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.interval = interval
        self.backoff = backoff  # None: the engine's default (2 s doubling to 5 min)
        self.network = network or NetworkWatch(self)
        self.net = TaskRunner(self)  # network work other than rounds (sign out)
        self.scheduler: SyncScheduler | None = None
        self._runner: RoundRunner | None = None
        self._watcher: ChangeWatcher | None = None
        self.status: SyncStatus | None = None
        self.last_event: SchedulerEvent | None = None
        self.progress_text = ""
        self.state = SyncState("standalone")
        self._closing = False
        self._status_inflight = False
        self._status_again = False
        self._emitting_own_changes = False
        self.write_timer = QTimer(self, singleShot=True, interval=write_debounce_ms)
        self.write_timer.timeout.connect(self.request_sync)
        self._event_arrived.connect(self._on_event)
        self._progress_arrived.connect(self._on_progress)
        self.network.online_changed.connect(self._network_changed)
        ctx.hub.changed.connect(self._hub_changed)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.scheduler is not None

    def start(self) -> None:
        """Read the status; start background sync if the replica is connected."""
        self.refresh_status()

    def _ensure_scheduler(self) -> None:
        if self.scheduler is not None or self._closing:
            return
        self._runner = RoundRunner(self.ctx.replica, self._progress_from_worker)
        self.scheduler = SyncScheduler(
            self._runner, interval=self.interval, backoff=self.backoff, on_event=self._event_from_worker
        )
        self.scheduler.network_changed(self.network.online)
        self.scheduler.start()
        # A colleague's change arrives within a second: the feed asks for a round when the
        # server signals one (the scheduler's timer stays the fallback).
        self._watcher = ChangeWatcher(self.ctx.replica, self.scheduler)
        self._watcher.start()

    def _stop_scheduler(self, wait: float) -> None:
        scheduler, runner, watcher = self.scheduler, self._runner, self._watcher
        self.scheduler = self._runner = self._watcher = None
        if watcher is not None:
            watcher.stop(timeout=0)  # a daemon thread; its long-poll is abandoned
        if scheduler is None:
            return
        scheduler.stop(timeout=wait)
        thread = scheduler._thread  # only to know whether the join finished
        if thread is not None and thread.is_alive():
            # A round stuck in a network call: let it end on its own thread, then free its client.
            def finish() -> None:
                scheduler.stop(timeout=120.0)
                if runner is not None:
                    runner.close()

            threading.Thread(target=finish, name="outpost-sync-stop", daemon=True).start()
        elif runner is not None:
            runner.close()

    def shutdown(self, wait: float = 3.0) -> None:
        """Stop syncing (the window closes): cancel the round, wait at most ``wait`` seconds."""
        if self._closing:
            return
        self._closing = True
        self.write_timer.stop()
        self._stop_scheduler(wait)
        self.net.shutdown(wait=False)

    # -- commands (UI thread) ----------------------------------------------------------------
    def request_sync(self) -> None:
        """ "Sync now", a local write, or a new sign-in: run a round as soon as possible."""
        if self.scheduler is not None:
            self.scheduler.request_sync()

    def after_sign_in(self, report: SyncReport | None = None) -> None:
        """The connect dialog signed in (and maybe ran the first round): show it, keep syncing."""
        if report is not None:
            self._announce(report, force=True)
        self.last_event = None
        if self.scheduler is not None:
            self.scheduler.request_sync()  # a running scheduler waits for a request after sign_in
        self.refresh_status(start=True)

    def sign_out(self) -> None:
        """Stop syncing, revoke the token (network thread) and forget it; the work stays queued."""
        self._stop_scheduler(wait=3.0)
        replica = self.ctx.replica

        def done(_had_token: object) -> None:
            self.last_event = None
            self.refresh_status()
            self.signed_out.emit()

        self.net.submit(lambda: sign_out(replica), done, lambda _e: done(False))

    def refresh_status(self, *, start: bool = True) -> None:
        """Re-read the replica's sync status on the database thread (coalesced)."""
        if self._closing:
            return
        if self._status_inflight:
            self._status_again = True
            return
        self._status_inflight = True
        replica = self.ctx.replica

        def loaded(status: SyncStatus) -> None:
            self._status_inflight = False
            self.status = status
            if start and status.mode == "connected" and not status.needs_sign_in:
                self._ensure_scheduler()
            self._publish()
            self.status_loaded.emit(status)
            if self._status_again:
                self._status_again = False
                self.refresh_status()

        def failed(error: BaseException) -> None:
            self._status_inflight = False
            log.warning("could not read the sync status: %s", error)

        if self.ctx.read(lambda: read_status(replica), loaded, failed) < 0:
            self._status_inflight = False

    # -- from the worker threads ---------------------------------------------------------------
    def _event_from_worker(self, event: SchedulerEvent) -> None:
        if not self._closing:  # never touch Qt objects once the window is going away
            self._event_arrived.emit(event)

    def _progress_from_worker(self, progress: SyncProgress) -> None:
        if not self._closing:
            self._progress_arrived.emit(progress)

    # -- on the UI thread ----------------------------------------------------------------------
    def _on_event(self, event: SchedulerEvent) -> None:
        if self._closing or event.state == "stopped":
            return
        self.last_event = event
        if event.error is not None and event.error.kind == ErrorKind.DEVICE_REVOKED:
            self._stop_scheduler(wait=0.0)
            self.device_revoked.emit(event.error)
            return
        if event.state == "syncing":
            self.progress_text = ""
            self._publish()
            return
        if event.report is not None:
            self._announce(event.report)
            self.round_finished.emit(event.report)
        self.refresh_status(start=False)

    def _on_progress(self, progress: SyncProgress) -> None:
        if self._closing:
            return
        self.progress_text = describe_progress(progress)
        self.progress_changed.emit(progress)
        self._publish()
        if progress.changes is not None:
            self.announce_changes(progress.changes)

    def announce_changes(self, changes: ChangeSet) -> None:
        """Records arrived mid-round (a first sync's own tickets): let the views refresh now.

        Emitted like a round's notice, and likewise ignored by this controller.
        """
        if self._closing:
            return
        self._emitting_own_changes = True
        try:
            self.ctx.hub.changed.emit(changes)
        finally:
            self._emitting_own_changes = False

    def _announce(self, report: SyncReport, *, force: bool = False) -> None:
        """One "what changed" notice for the views after a round that moved anything."""
        moved = report.pushed or report.pulled_records or report.left_scope or not report.changes.is_empty
        if not (moved or force):
            return
        everything = bool(report.pushed) or force
        self.announce_changes(report.changes | ChangeSet(journal=True, everything=everything))

    def _hub_changed(self, changes: Any) -> None:
        if self._emitting_own_changes or self._closing:
            return
        self.refresh_status(start=False)
        if self.scheduler is not None:
            self.write_timer.start()

    def _network_changed(self, online: bool) -> None:
        if self.scheduler is not None:
            self.scheduler.network_changed(online)
        self._publish()

    def _publish(self) -> None:
        state = derive_state(
            self.status, self.last_event, network_online=self.network.online, progress=self.progress_text
        )
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
