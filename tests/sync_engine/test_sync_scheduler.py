"""Background sync: backoff with jitter, retries on its own timer, and what stops retrying."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from sync.engine.backoff import Backoff
from sync.engine.errors import RetryLaterError
from sync.engine.progress import CancelToken
from sync.engine.scheduler import SchedulerEvent, SyncScheduler
from sync.engine.session import RoundRunner
from sync.engine.sync_round import SyncReport
from sync.errors import AuthRequiredError

MakeDesk = Callable[..., Desk]


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap_and_honours_retry_after() -> None:
    b = Backoff(base=1.0, cap=30.0, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(8)]
    for n, d in enumerate(delays):
        ceiling = min(30.0, 2.0**n)
        assert ceiling / 2 <= d <= ceiling
    assert delays[-1] <= 30.0
    assert b.next_delay(retry_after=25.0) >= 25.0
    b.reset()
    assert b.next_delay() <= 1.0
    other = Backoff(base=1.0, cap=30.0, rng=random.Random(2))
    assert [other.next_delay() for _ in range(5)] != delays[:5]  # jitter differs between devices


def _wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def _scheduler(outcomes: list[Exception | None], events: list[SchedulerEvent], **kw: float) -> SyncScheduler:
    calls = iter(outcomes)

    def run(cancel: CancelToken) -> SyncReport:
        outcome = next(calls, None)
        if outcome is not None:
            raise outcome
        return SyncReport()

    return SyncScheduler(run, backoff=Backoff(base=0.02, cap=0.05), on_event=events.append, **kw)


def test_failures_are_retried_on_the_schedulers_own_timer_without_any_new_edit() -> None:
    events: list[SchedulerEvent] = []
    s = _scheduler([RetryLaterError("offline"), RetryLaterError("still offline", retry_after=0.01), None],
                   events, interval=3600)  # fmt: skip
    s.start()
    _wait_for(lambda: s.rounds == 3 and s.state == "idle")
    s.stop()
    states = [e.state for e in events]
    assert states[:6] == ["syncing", "retry_wait", "syncing", "retry_wait", "syncing", "idle"]
    assert events[1].retry_in is not None and events[1].error is not None


def test_sign_in_needed_waits_for_the_person_then_a_request_runs_at_once() -> None:
    events: list[SchedulerEvent] = []
    s = _scheduler([AuthRequiredError("sign in"), None], events, interval=3600)
    s.start()
    _wait_for(lambda: s.state == "needs_person")
    time.sleep(0.2)
    assert s.rounds == 1  # no retry storm against a refused token
    s.request_sync()  # e.g. after the person signed in again
    _wait_for(lambda: s.rounds == 2 and s.state == "idle")
    s.stop()


def test_a_request_during_a_round_runs_another_round_and_network_back_skips_the_wait() -> None:
    started, release = threading.Event(), threading.Event()
    rounds: list[int] = []

    def run(cancel: CancelToken) -> SyncReport:
        rounds.append(1)
        if len(rounds) == 1:
            started.set()
            release.wait(5)
        return SyncReport()

    s = SyncScheduler(run, interval=3600, backoff=Backoff(base=10, cap=10))
    s.start()
    started.wait(5)
    s.request_sync()  # an edit made while the first round runs
    release.set()
    _wait_for(lambda: len(rounds) == 2)
    s.network_changed(False)
    s.network_changed(True)  # the network came back: sync now, not at the next interval
    _wait_for(lambda: len(rounds) == 3)
    s.stop()


def test_stop_cancels_a_running_round() -> None:
    seen: list[bool] = []

    def run(cancel: CancelToken) -> SyncReport:
        while not cancel.cancelled:
            time.sleep(0.01)
        seen.append(True)
        cancel.check()
        return SyncReport()

    s = SyncScheduler(run)
    s.start()
    _wait_for(lambda: s.state == "syncing")
    s.stop(timeout=5)
    assert seen == [True] and s.state == "stopped"


def test_round_runner_keeps_one_client_and_drives_real_rounds(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    a = desk(server, "alice")
    runner = RoundRunner(a.replica)
    events: list[SchedulerEvent] = []
    s = SyncScheduler(runner, interval=3600, on_event=events.append)
    s.start()
    _wait_for(lambda: s.state == "idle" and s.rounds == 1)
    first = runner._http
    a.new_ticket("Kettle tripped the fuse")
    s.request_sync()  # what the app does after a local write
    _wait_for(lambda: s.rounds == 2 and s.state == "idle")
    s.stop()
    assert runner._http is first and a.pending() == 0
    assert [e.report is not None for e in events if e.state == "idle"] == [True, True]
    runner.close()
