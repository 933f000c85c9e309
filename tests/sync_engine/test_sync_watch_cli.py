"""``outpost sync --watch`` as a real process: keeps a headless replica in step through the
change feed and exits cleanly (0) on SIGTERM or Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

MakeDesk = Callable[..., Desk]
ROOT = Path(__file__).resolve().parents[2]


def _has_ticket(data_dir: Path, ticket_id: str) -> bool:
    with sqlite3.connect(data_dir / "replica.db") as c:
        return c.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is not None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_watch_keeps_a_replica_in_step_and_stops_cleanly_on_a_signal(
    server: ServerUnderTest, desk: MakeDesk, stop_signal: signal.Signals
) -> None:
    alice, bob = desk(server, "alice"), desk(server, "bob")
    bob.sync()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sync.cli.main import main; main()", "--data-dir", str(alice.path),
         "sync", "--watch", "--json", "--interval", "3600"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # one JSON line per round: the first one ran
        failed = proc.stderr.read() if proc.stderr is not None and proc.poll() is not None else ""
        assert first.startswith('{"ok": true'), first + failed
        ticket = bob.new_ticket("Kiosk screen dark")
        bob.sync()
        pause = threading.Event()
        for _ in range(1200):  # bounded: with an hourly interval only the feed can bring it
            if _has_ticket(alice.path, ticket):
                break
            pause.wait(0.05)
        assert _has_ticket(alice.path, ticket)
        proc.send_signal(stop_signal)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "stopped" in err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
