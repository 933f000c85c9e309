"""``outpost sync --watch``: keep a headless replica in step until told to stop.

Runs a :class:`~sync.engine.scheduler.SyncScheduler` (a round at once, then every
``--interval`` seconds as the fallback) and a :class:`~sync.engine.change_watch.ChangeWatcher`
(a round as soon as the server's change feed signals). One line per round that moved
something (a JSON object per line with ``--json``); failures that heal by themselves are
reported and retried with backoff.

Stopping: Ctrl+C (SIGINT) or SIGTERM ends it cleanly with exit code 0 — a round in
progress is cancelled at its next check, and everything already received or sent stays
(each page and each batch is its own transaction). A failure that needs the person
(sign in again, an upgrade) ends it with that failure's exit code, since waiting cannot fix it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from sync.cli.exit_codes import exit_code_for
from sync.engine.change_watch import ChangeWatcher
from sync.engine.scheduler import SchedulerEvent, SyncScheduler
from sync.engine.session import RoundRunner
from sync.errors import OutpostError
from sync.replica.replica import Replica

__all__ = ["watch"]


def watch(replica: Replica, args: argparse.Namespace) -> int:
    """Sync ``replica`` until SIGINT/SIGTERM (0) or a failure only a person can fix."""
    stop = threading.Event()
    failed: list[OutpostError] = []

    def on_event(event: SchedulerEvent) -> None:
        if event.state == "idle" and event.report is not None:
            r = event.report
            if args.json:
                line = {"ok": True, "pushed": r.pushed, "pulled_records": r.pulled_records}
                print(json.dumps(line), flush=True)
            elif r.pushed or r.pulled_records or r.left_scope:
                print(f"Synced: sent {r.pushed}, received {r.pulled_records} record(s).", flush=True)
        elif event.state in ("retry_wait", "offline") and event.error is not None:
            print(
                f"outpost: {event.error.message} (retrying in {event.retry_in or 0:.0f} s)", file=sys.stderr
            )
        elif event.state == "needs_person" and event.error is not None:
            failed.append(event.error)
            stop.set()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    # Both are handled explicitly: a process started with SIGINT ignored (a background job, a
    # test runner's worker) would otherwise never see Ctrl+C as KeyboardInterrupt.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    runner = RoundRunner(replica, push_batch=args.batch_size, pull_limit=args.page_size)
    scheduler = SyncScheduler(runner, interval=args.interval, on_event=on_event)
    watcher = ChangeWatcher(replica, scheduler)
    scheduler.start()
    watcher.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        scheduler.stop()
        runner.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        print(f"outpost: {failed[0].message}", file=sys.stderr)
        return exit_code_for(failed[0])
    print("outpost: stopped; everything received so far is kept.", file=sys.stderr)
    return 0
