"""A caught-up replica waits on the change feed and pulls a colleague's change at once —
also when the feed's answers are lost, the server restarts, or a proxy buffers responses.

Every test runs the real scheduler with a one-hour poll interval: a change can only
arrive through the feed or through the fallback the watcher asks for after a failure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlparse

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.buffering_proxy import BufferingProxy
from sync_engine.fault_proxy import FaultProxy
from sync_engine.support_sync import Desk

from sync.engine.backoff import Backoff
from sync.engine.change_watch import ChangeWatcher
from sync.engine.scheduler import SyncScheduler
from sync.engine.session import RoundRunner
from sync.server.serve import ServerThread
from sync.server.settings import ServerSettings

MakeDesk = Callable[..., Desk]
_HOUR = 3600.0


class _Watching:
    """A desk syncing in the background: scheduler (hourly timer) plus change watcher."""

    def __init__(self, desk: Desk, *, wait: float = 20.0, grace: float = 15.0) -> None:
        self.desk = desk
        self.runner = RoundRunner(desk.replica)
        self.scheduler = SyncScheduler(self.runner, interval=_HOUR, backoff=Backoff(base=0.2, cap=1.0))
        self.watcher = ChangeWatcher(desk.replica, self.scheduler, wait=wait, grace=grace, retry_max=1.0)
        self.scheduler.start()
        self.watcher.start()
        assert self.scheduler.wait_for_success(0, timeout=60) is not None, "the first round failed"

    def has_ticket(self, ticket_id: str) -> bool:
        with self.desk.replica.read() as s:
            return (
                s.execute(text("SELECT 1 FROM tickets WHERE id = :i"), {"i": ticket_id}).first() is not None
            )

    def until_ticket(self, ticket_id: str, limit: float = 60.0) -> bool:
        """Wait (bounded, so a broken feed fails instead of hanging) for the ticket to arrive."""
        pause = threading.Event()
        for _ in range(int(limit / 0.05)):
            if self.has_ticket(ticket_id):
                return True
            pause.wait(0.05)
        return False

    def until_waiting(self, server: ServerUnderTest) -> None:
        pause = threading.Event()
        for _ in range(1200):
            if server.db.board.waiting:
                return
            pause.wait(0.05)
        raise AssertionError(f"never waited on the feed: {self.watcher.last_outcome}")

    def stop(self) -> None:
        self.watcher.stop()
        self.scheduler.stop()
        self.runner.close()


@pytest.fixture
def watching() -> Iterator[Callable[..., _Watching]]:
    made: list[_Watching] = []

    def make(desk: Desk, **kw: float) -> _Watching:
        w = _Watching(desk, **kw)
        made.append(w)
        return w

    yield make
    for w in made:
        w.stop()


def test_a_colleagues_change_arrives_through_the_feed_without_polling(
    server: ServerUnderTest, desk: MakeDesk, watching: Callable[..., _Watching]
) -> None:
    alice = watching(desk(server, "alice"))
    bob = desk(server, "bob")
    bob.sync()
    alice.until_waiting(server)
    ticket = bob.new_ticket("Printer on fire")
    bob.sync()
    assert alice.until_ticket(ticket)
    assert alice.watcher.signals >= 1 and alice.scheduler.rounds >= 2


def test_feed_answers_lost_in_transit_fall_back_to_a_round_and_miss_nothing(
    server: ServerUnderTest, desk: MakeDesk, watching: Callable[..., _Watching]
) -> None:
    proxy = FaultProxy(
        int(urlparse(server.url).port or 0),
        fault_rate=1.0,
        faults=("lose_response",),
        only=b"POST /v1/changes",
    )
    try:
        # A lost answer is a connection that went silent: the client notices by its read
        # timeout (the wait plus a grace), here shortened to keep the test quick.
        alice = watching(desk(server, "alice", url=proxy.url), wait=2.0, grace=1.0)
        bob = desk(server, "bob")
        bob.sync()
        alice.until_waiting(server)
        ticket = bob.new_ticket("Lost answers")
        bob.sync()
        assert alice.until_ticket(ticket)
        assert proxy.stats["lose_response"] >= 1 and alice.watcher.signals == 0
    finally:
        proxy.close()


def test_a_server_restart_while_waiting_misses_nothing(
    server: ServerUnderTest, desk: MakeDesk, watching: Callable[..., _Watching]
) -> None:
    proxy = FaultProxy(int(urlparse(server.url).port or 0))
    try:
        alice = watching(desk(server, "alice", url=proxy.url))
        bob = desk(server, "bob", url=proxy.url)
        bob.sync()
        alice.until_waiting(server)
        server.thread.stop()  # the long-poll in flight ends at once (503), not after its wait
        restarted = ServerThread(
            ServerSettings(database_url="sqlite://", host="127.0.0.1", port=0), server.db
        )
        server.thread = restarted.start()
        proxy.target_port = restarted.port
        ticket = bob.new_ticket("After the restart")
        bob.sync()
        assert alice.until_ticket(ticket)
    finally:
        proxy.close()


def test_through_a_proxy_that_buffers_responses_changes_still_arrive(
    server: ServerUnderTest, desk: MakeDesk, watching: Callable[..., _Watching]
) -> None:
    proxy = BufferingProxy(int(urlparse(server.url).port or 0), delay=0.2)
    try:
        alice = watching(desk(server, "alice", url=proxy.url))
        bob = desk(server, "bob")
        bob.sync()
        alice.until_waiting(server)
        ticket = bob.new_ticket("Behind the proxy")
        bob.sync()
        assert alice.until_ticket(ticket)
        assert proxy.stats["/v1/changes"] >= 1 and alice.watcher.signals >= 1
    finally:
        proxy.close()


def test_an_older_server_without_the_feed_is_polled(
    server: ServerUnderTest, desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync import protocol

    monkeypatch.setattr(protocol, "SERVER_FEATURES", (protocol.FEATURE_PULL_ONLY_MINE,))
    alice = desk(server, "alice")
    runner = RoundRunner(alice.replica)
    scheduler = SyncScheduler(runner, interval=_HOUR)
    watcher = ChangeWatcher(alice.replica, scheduler)
    scheduler.start()
    watcher.start()
    try:
        assert scheduler.wait_for_success(0, timeout=60) is not None
        pause = threading.Event()
        for _ in range(200):
            if watcher.last_outcome is not None:
                break
            pause.wait(0.05)
        assert watcher.last_outcome == "unsupported" and server.db.board.waiting == 0
    finally:
        watcher.stop()
        scheduler.stop()
        runner.close()
