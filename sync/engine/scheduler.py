"""Background sync: rounds on a timer, on request, and retried with backoff after failures.

``SyncScheduler(run_round)`` owns one daemon thread that calls ``run_round(cancel)``:

- once at :meth:`start`, then every ``interval`` seconds after a success;
- at once when :meth:`request_sync` is called (after a local write, after signing in) or
  when :meth:`network_changed` reports the network back — and again right after a round
  if a request arrived while it ran, so a change made during a sync never waits;
- after a failure that may heal by itself (offline, timeout, server busy, a garbled
  answer), on its **own** timer with exponential backoff and jitter — it never waits for
  the next local edit to retry;
- after a failure that needs the person (``sign_in``, ``upgrade_app``,
  ``client_mismatch``), not again until :meth:`request_sync` — retrying would only repeat it.

While the network is reported down, timer rounds are skipped (requests still run: the
report may be wrong). :meth:`stop` cancels a running round at its next check and joins.

``on_event`` is called **on the scheduler thread** for every change of state; a GUI must
forward it to its own thread (a queued Qt signal) and return quickly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sync.engine.backoff import Backoff
from sync.engine.errors import (
    ClientMismatchError,
    InsecureConnectionError,
    RetryLaterError,
    SyncCancelledError,
)
from sync.engine.progress import CancelToken
from sync.engine.sync_round import SyncReport
from sync.errors import AuthRequiredError, OutpostError, ProtocolVersionError

__all__ = ["SchedulerEvent", "SchedulerState", "SyncScheduler"]

SchedulerState = Literal["idle", "syncing", "retry_wait", "needs_person", "offline", "stopped"]
_NEEDS_PERSON = (AuthRequiredError, ProtocolVersionError, ClientMismatchError, InsecureConnectionError)


@dataclass(frozen=True)
class SchedulerEvent:
    state: SchedulerState
    report: SyncReport | None = None
    error: OutpostError | None = None
    retry_in: float | None = None


class SyncScheduler:
    def __init__(
        self,
        run_round: Callable[[CancelToken], SyncReport],
        *,
        interval: float = 300.0,
        backoff: Backoff | None = None,
        on_event: Callable[[SchedulerEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._run_round = run_round
        self.interval = interval
        self.backoff = backoff or Backoff()
        self._on_event = on_event or (lambda _e: None)
        self._clock = clock
        self._cond = threading.Condition()
        self._requested = False
        self._online = True
        self._stopping = False
        self._due: float | None = 0.0  # None: wait for a request
        self._cancel = CancelToken()
        self._thread: threading.Thread | None = None
        self.state: SchedulerState = "idle"
        self.rounds = 0
        #: successful rounds so far (a change watcher waits for the next one, see
        #: :meth:`wait_for_success`)
        self.successes = 0

    # -- control (any thread) ---------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="outpost-sync", daemon=True)
            self._thread.start()

    def request_sync(self) -> None:
        with self._cond:
            self._requested = True
            self._cond.notify_all()

    def network_changed(self, online: bool) -> None:
        with self._cond:
            was_online, self._online = self._online, online
            if online and not was_online:
                self._requested = True
                self.backoff.reset()
            self._cond.notify_all()

    def wait_for_success(self, after: int, timeout: float | None = None) -> int | None:
        """Block until more than ``after`` rounds have succeeded; the count, or None when
        stopping (or ``timeout`` passed)."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while not self._stopping:
                if self.successes > after:
                    return self.successes
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    return None
                self._cond.wait(1.0 if left is None else min(left, 1.0))
            return None

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop(self, timeout: float = 30.0) -> None:
        with self._cond:
            self._stopping = True
            self._cancel.cancel()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        self._set("stopped")

    # -- the thread -------------------------------------------------------------------------
    def _set(self, state: SchedulerState, **kw: object) -> None:
        self.state = state
        self._on_event(SchedulerEvent(state, **kw))  # type: ignore[arg-type]

    def _wait_turn(self) -> bool:
        """Block until a round is due; False when stopping."""
        with self._cond:
            while not self._stopping:
                if self._requested:
                    self._requested = False
                    return True
                now = self._clock()
                if self._due is not None and self._online and now >= self._due:
                    return True
                timeout = None if self._due is None or not self._online else max(0.0, self._due - now)
                self._cond.wait(timeout if timeout is None else min(timeout, 1.0))
            return False

    def _loop(self) -> None:
        while self._wait_turn():
            self._set("syncing")
            self.rounds += 1
            try:
                report = self._run_round(self._cancel)
            except SyncCancelledError:
                if self._stopping:
                    return
                self._due = self._clock()
                continue
            except _NEEDS_PERSON as exc:
                self._due = None
                self._set("needs_person", error=exc)
                continue
            except OutpostError as exc:
                retry_after = exc.retry_after if isinstance(exc, RetryLaterError) else None
                delay = self.backoff.next_delay(retry_after)
                self._due = self._clock() + delay
                self._set("retry_wait" if self._online else "offline", error=exc, retry_in=delay)
                continue
            except Exception as exc:  # a bug: report it, keep the work, retry later
                delay = self.backoff.next_delay()
                self._due = self._clock() + delay
                self._set(
                    "retry_wait", error=OutpostError(f"Sync failed unexpectedly: {exc!r}"), retry_in=delay
                )
                continue
            self.backoff.reset()
            self._due = self._clock() + self.interval
            with self._cond:
                self.successes += 1
                self._cond.notify_all()
            self._set("idle", report=report)
