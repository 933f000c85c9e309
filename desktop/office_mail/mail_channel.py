"""The standalone office's mail channel in the app: the worker's thread, started and stopped.

:class:`MailChannel` runs :class:`~sync.office_mail.office_mail_worker.OfficeMailWorker` on a
thread of its own (IMAP and SMTP block; the UI thread never waits on them, and the database
thread stays free for the views) while all of these hold: the replica is standalone, a
mailbox is configured and switched on, and the system reports a network. Mail that arrived
meanwhile is filed at the next start: the worker files whatever is unmarked in the folder.

Reports come back to the UI thread as signals: :attr:`round_finished` after every round
(the hub gets one "what changed" notice for the tickets it filed), :attr:`state_changed`
with one sentence for the status bar. When the office has joined a server the worker stops
by itself, and :attr:`state_changed` says the mailbox must now be configured on the server.
An agent's write (a reply to send) wakes the worker at once instead of at its next round.

UI thread only, except the worker thread's own body.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from desktop.app_context import AppContext
from desktop.sync_ui.network_watch import NetworkWatch
from sync.office_mail.mailbox_settings import OfficeMailbox, load_mail_password, load_mailbox
from sync.office_mail.office_mail_worker import JOINED_SERVER, OfficeMailWorker, RoundReport
from sync.services.changes import ChangeSet

__all__ = ["MailChannel", "MailChannelState"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailChannelState:
    """What the channel needs to decide whether to run (read on the database thread)."""

    mode: str
    box: OfficeMailbox | None
    password_stored: bool


def read_channel_state(ctx: AppContext) -> MailChannelState:
    box = load_mailbox(ctx.replica)
    stored = box is not None and load_mail_password(ctx.replica, box.address) is not None
    return MailChannelState(ctx.replica.mode, box, stored)


class MailChannel(QObject):
    round_finished = Signal(object)  # RoundReport
    state_changed = Signal(str)  # one sentence for the status bar ('' when there is nothing to say)
    running_changed = Signal(bool)
    _round_done = Signal(object)  # worker thread -> UI thread
    _worker_ended = Signal(object)  # worker thread -> UI thread: the final RoundReport

    def __init__(
        self, ctx: AppContext, network: NetworkWatch | None = None, *, interval: float = 60.0,
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.network = network or NetworkWatch(self)
        self.interval = interval
        self.state = ""
        self._worker: OfficeMailWorker | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._announcing = False
        self._round_done.connect(self._on_round)
        self._worker_ended.connect(self._on_worker_ended)
        self.network.online_changed.connect(lambda _online: self.refresh())
        ctx.hub.changed.connect(self._hub_changed)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def refresh(self) -> None:
        """Read the settings (database thread) and start or stop the worker to match."""
        if not self._closed:
            self.ctx.read(lambda: read_channel_state(self.ctx), self._decide, self._read_failed)

    def _read_failed(self, error: BaseException) -> None:
        log.warning("office mail: reading the mailbox settings failed: %s", error)

    def _decide(self, state: MailChannelState) -> None:
        if self._closed:
            return
        box = state.box
        if state.mode != "standalone":
            self._stop()
            self._say(JOINED_SERVER if box is not None and box.enabled else "")
        elif box is None or not box.enabled:
            self._stop()
            self._say("")
        elif not state.password_stored:
            self._stop()
            self._say(
                f"E-mail: the password of {box.address} is not in the keyring; enter it in the settings."
            )
        elif not self.network.online:
            self._stop()
            self._say(f"E-mail: offline; mail to {box.address} is filed when the network is back.")
        elif self._worker is None:
            self._start()
            self._say(f"E-mail: fetching {box.address}")
        else:
            self._worker.wake()  # settings changed: a round now, with them

    def _start(self) -> None:
        worker = OfficeMailWorker(self.ctx.replica, interval=self.interval, on_round=self._emit_round)
        thread = threading.Thread(target=self._body, args=(worker,), name="outpost-mail", daemon=True)
        self._worker, self._thread = worker, thread
        thread.start()
        self.running_changed.emit(True)

    def _emit_round(self, report: RoundReport) -> None:
        with contextlib.suppress(RuntimeError):  # the app closed while a round was finishing
            self._round_done.emit(report)

    def _body(self, worker: OfficeMailWorker) -> None:
        try:
            final = worker.run()
        except Exception as exc:  # a bug: reported, the app goes on without the channel
            log.exception("office mail: the worker stopped")
            final = RoundReport(error=f"The e-mail channel stopped ({type(exc).__name__}).", stopped="error")
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self._worker_ended.emit((worker, final))

    def _on_round(self, report: RoundReport) -> None:
        if report.ticket_ids or report.sent.failed:
            self.ctx.hub.changed.emit(
                ChangeSet(tickets=frozenset(report.ticket_ids), people=True, journal=True)
            )
        self.round_finished.emit(report)
        if report.error:
            self._say(f"E-mail: {report.error}")
        elif not report.stopped:
            filed = sum(n for k, n in report.outcomes.items() if k in ("ticketed", "replied"))
            sent = report.sent.sent
            if filed or sent:
                self._say(f"E-mail: {filed} message(s) filed, {sent} sent")

    def _on_worker_ended(self, ended: tuple[OfficeMailWorker, RoundReport]) -> None:
        worker, final = ended
        if worker is not self._worker:
            return  # an older worker that was asked to stop
        self._worker = self._thread = None
        self.running_changed.emit(False)
        if final.stopped and final.stopped != "The help desk was closed.":
            self._say(final.stopped if final.stopped == JOINED_SERVER else f"E-mail: {final.stopped}")

    def _hub_changed(self, changes: ChangeSet) -> None:
        if self._worker is not None and not self._announcing and (changes.journal or changes.tickets):
            self._worker.wake()  # perhaps a reply to send; a round also notices a joined server

    def _say(self, text: str) -> None:
        if text != self.state:
            self.state = text
            self.state_changed.emit(text)

    def _stop(self, wait: float = 0.0) -> None:
        worker, thread = self._worker, self._thread
        self._worker = self._thread = None
        if worker is not None:
            worker.stop()
            self.running_changed.emit(False)
        if thread is not None and wait:
            thread.join(wait)

    def shutdown(self, wait: float = 10.0) -> None:
        """Stop the worker (waiting up to ``wait`` s for its round: a network call may take longer,
        and then ends on its daemon thread, whose replica refuses further work once closed)."""
        self._closed = True
        self._stop(wait)
