"""Sync through a real socket that drops, truncates, delays and resets connections."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.fault_proxy import FaultProxy
from sync_engine.support_sync import Desk, server_snapshot

from sync.engine.backoff import Backoff
from sync.engine.errors import RetryLaterError
from sync.engine.scheduler import SchedulerEvent, SyncScheduler
from sync.engine.session import RoundRunner
from sync.engine.status import read_status
from sync.errors import SyncError

MakeDesk = Callable[..., Desk]
FIELDS = {"alice": "location", "bob": "asset", "root": "category"}  # different fields: no conflicts


def _try_sync(d: Desk, failures: list[str]) -> bool:
    try:
        d.sync(timeout=3.0)
        return True
    except SyncError as exc:
        failures.append(exc.kind)
        return False


def test_outbox_drains_without_double_applies_and_replicas_converge_once_faults_stop(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    proxy = FaultProxy(int(urlparse(server.url).port or 0), seed=11, delay=0.2)
    desks = [desk(server, name, url=proxy.url) for name in FIELDS]
    for d in desks:
        d.sync()
    tickets = [desks[0].new_ticket(f"Leak {i}") for i in range(3)]
    desks[0].sync()
    for d in desks:
        d.sync()

    rng = random.Random(5)
    made_comments, made_logs = 0, 0
    proxy.fault_rate = 0.4
    failures: list[str] = []
    for step in range(12):
        d = rng.choice(desks)
        t = rng.choice(tickets)
        action = rng.randrange(3)
        if action == 0:
            d.work.note(t, f"{d.username} note {step}")
            made_comments += 1
        elif action == 1:
            d.work.log_work(t, rng.randint(5, 90))
            made_logs += 1
        else:
            d.tickets.update_ticket(t, {FIELDS[d.username]: f"{d.username} {step}"})
        _try_sync(d, failures)
    proxy.fault_rate = 0.0
    for _ in range(2):
        for d in desks:
            d.sync()
    proxy.close()

    assert failures, _print_stats(proxy, failures)
    print(_print_stats(proxy, failures))
    assert proxy.stats["lose_response"] + proxy.stats["truncate_response"] > 0
    for d in desks:
        assert d.pending() == 0
        assert set(d.states()) <= {"applied"}, d.states()  # nothing applied twice (a replay is never refused)
    with server.db.engine.connect() as c:
        comments = c.execute(text("SELECT count(*) FROM comments WHERE kind = 'note'")).scalar_one()
        logs = c.execute(text("SELECT count(*) FROM work_logs")).scalar_one()
        decided = dict(
            c.execute(text("SELECT client_id, count(*) FROM applied_mutations GROUP BY client_id")).all()
        )
    assert (comments, logs) == (made_comments, made_logs)
    for d in desks:
        with d.replica.read() as s:
            journal = s.execute(text("SELECT count(*) FROM journal")).scalar_one()
        assert decided[d.replica.client_id] == journal  # every mutation decided exactly once
    expected = server_snapshot(server)
    for d in desks:
        assert d.snapshot() == expected


def _print_stats(proxy: FaultProxy, failures: list[str]) -> str:
    return f"proxy {dict(proxy.stats)} client failures {failures}"


def test_a_push_answer_lost_after_the_server_committed_is_replayed_not_applied_twice(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    proxy = FaultProxy(int(urlparse(server.url).port or 0), faults=("lose_response",), only=b"POST /v1/push")
    a = desk(server, "alice", url=proxy.url)
    a.sync()
    t = a.new_ticket("Fire door sticks")
    a.work.log_work(t, 45, note="planed the door")
    proxy.fault_rate = 1.0
    failures: list[str] = []
    assert not _try_sync(a, failures)
    with server.db.engine.connect() as c:  # the server did apply them...
        assert c.execute(text("SELECT count(*) FROM work_logs")).scalar_one() == 1
    assert a.pending() == 2  # ...but the client never heard, so they stay queued
    proxy.fault_rate = 0.0
    report = a.sync()
    assert (report.applied, report.rejected) == (2, 0)  # the replay returns the stored outcomes
    with server.db.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM work_logs")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 1
    assert a.ticket(t)["number"] == 1 and a.snapshot() == server_snapshot(server)
    proxy.close()


def test_a_retry_later_stop_keeps_the_outbox_reports_it_and_the_scheduler_retries_on_its_own(
    server: ServerUnderTest, desk: MakeDesk
) -> None:
    proxy = FaultProxy(int(urlparse(server.url).port or 0))
    a = desk(server, "alice", url=proxy.url)
    a.sync()
    made = [a.new_ticket(f"Projector {n} flickers") for n in range(3)]
    proxy.retry_later_pushes = 3  # a busy server: the next three pushes are told to come back later
    with pytest.raises(RetryLaterError, match="retry later"):
        a.sync()
    assert a.pending() == 3 and a.states() == {"pending": 3}  # the outbox is kept as it was
    status = read_status(a.replica)
    assert (status.pending, status.last_error_kind) == (3, "retry_later")
    with server.db.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM tickets")).scalar_one() == 0

    events: list[SchedulerEvent] = []
    done = threading.Event()

    def on_event(event: SchedulerEvent) -> None:
        events.append(event)
        if event.state == "idle":
            done.set()

    runner = RoundRunner(a.replica)
    scheduler = SyncScheduler(runner, interval=3600, backoff=Backoff(base=0.05, cap=0.1), on_event=on_event)
    scheduler.start()  # no new edit, no request: the scheduler retries on its own timer
    try:
        assert done.wait(30), [e.state for e in events]
    finally:
        scheduler.stop()
        runner.close()
        proxy.close()
    waits = [e for e in events if e.state == "retry_wait"]
    assert len(waits) == 2 and all(e.error is not None and e.error.kind == "retry_later" for e in waits)
    assert all(e.retry_in is not None and e.retry_in > 0 for e in waits)  # it waited before retrying
    assert proxy.stats["retry_later"] == 3 and scheduler.rounds == 3
    assert a.pending() == 0 and read_status(a.replica).last_error_kind is None
    with server.db.engine.connect() as c:  # each ticket arrived exactly once
        assert c.execute(text("SELECT count(*) FROM tickets")).scalar_one() == len(made)
    assert a.snapshot() == server_snapshot(server)
