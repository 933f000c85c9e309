"""Benchmark of the change feed against a server process (not a test).

    python bench/bench_feed.py [--clients 200] [--idle 1000] [--seconds 30] [--postgres]

Everything is measured in one run against ``outpost-server serve`` processes on one
database, each figure beside its same-run baseline:

1. **Change → visible.** C connected clients of one queue, caught up, while a writer adds a
   note every 100 ms. Feed mode: each client long-polls ``/v1/changes`` and pulls when
   told. Baseline: each client pulls on a 1–3 s timer (today's polling). Latency = the time
   a client's pull returned the note minus the time the writer *started* pushing it.
2. **Empty pull, server time.** Clients whose queue nothing touches pull with an
   up-to-date cursor (Server-Timing, the server's own time) while the writer runs — on the
   feed server, and on a server with the quick path off (``OUTPOST_NO_QUICK_PULL=1``, the
   old pull) as the baseline.
3. **Idle clients held.** I clients long-poll at once on one server process; the server's
   RSS before and while they wait, and how many waits ended in an error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import PASSWORD, PROTO, sign_in  # noqa: E402

from sync.server.admin import admin_service  # noqa: E402
from sync.server.admin.credentials import set_hash_cost  # noqa: E402
from sync.server.db import migration  # noqa: E402
from sync.server.db.database import open_database  # noqa: E402


def start_server(url: str, env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "serve", "--db", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)] if values else float("nan")


async def _catch_up(http: httpx.AsyncClient, cursor: str | None) -> tuple[str, list[str]]:
    seen: list[str] = []
    while True:
        r = await http.post("/v1/pull", json={"cursor": cursor, "limit": 5000})
        r.raise_for_status()
        page = r.json()
        seen += [c["id"] for c in page["records"]["comments"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, seen


class Writer:
    """A note every 100 ms on one ticket; remembers when each note's push started."""

    def __init__(self, base: str, username: str, queue_id: str) -> None:
        self.http, self.client_id = sign_in(base, username)
        self.started: dict[str, float] = {}
        self.seq = 0
        self.queue_id = queue_id
        self.ticket_id = str(uuid.uuid4())
        self._push(
            "ticket.create",
            {
                "ticket": {
                    "id": self.ticket_id,
                    "subject": "Feed bench",
                    "queue_id": queue_id,
                    "created_at": datetime.now(UTC).isoformat(),
                    "local_number": 1,
                }
            },
        )

    def _push(self, op: str, payload: dict[str, Any]) -> None:
        self.seq += 1
        at = datetime.now(UTC).isoformat()
        m = {
            "seq": self.seq,
            "id": str(uuid.uuid4()),
            "op": op,
            "entity_type": "ticket",
            "entity_id": self.ticket_id,
            "payload": payload,
            "device_time": at,
        }
        self.http.post("/v1/push", json={"client_id": self.client_id, "mutations": [m]}).raise_for_status()

    def note(self) -> None:
        cid = str(uuid.uuid4())
        self.started[cid] = time.perf_counter()
        comment = {
            "id": cid,
            "ticket_id": self.ticket_id,
            "kind": "note",
            "body": "status update",
            "created_at": datetime.now(UTC).isoformat(),
        }
        self._push("ticket.comment", {"comment": comment})

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.note)
            await asyncio.sleep(0.1)


async def _visible_client(
    base: str, token: str, mode: str, stop: asyncio.Event, seen_at: dict[str, list[float]]
) -> int:
    """A caught-up client: feed (long-poll, then pull) or poll (pull every 1-3 s)."""
    headers = {**PROTO, "Authorization": f"Bearer {token}"}
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=90) as http:
        cursor, _ = await _catch_up(http, None)
        while not stop.is_set():
            try:
                if mode == "feed":
                    r = await http.post("/v1/changes", json={"cursor": cursor, "wait": 25})
                    r.raise_for_status()
                    if not r.json()["changed"]:
                        continue
                else:
                    await asyncio.sleep(random.uniform(1, 3))
                cursor, got = await _catch_up(http, cursor)
                now = time.perf_counter()
                for cid in got:
                    seen_at.setdefault(cid, []).append(now)
            except httpx.HTTPError:
                errors += 1
                await asyncio.sleep(1)
    return errors


async def bench_visible(
    base: str, tokens: list[str], writer: Writer, mode: str, seconds: float
) -> dict[str, Any]:
    stop = asyncio.Event()
    seen_at: dict[str, list[float]] = {}
    clients = [asyncio.create_task(_visible_client(base, t, mode, stop, seen_at)) for t in tokens]
    await asyncio.sleep(3)  # all caught up and waiting
    writer.started.clear()
    write = asyncio.create_task(writer.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await write
    await asyncio.sleep(4 if mode == "poll" else 1)  # the last notes reach everyone
    errors = 0
    for task in clients:
        task.cancel()
    for task in clients:
        with contextlib.suppress(asyncio.CancelledError):
            errors += await task
    lat = [
        (t - writer.started[cid]) * 1000
        for cid, times in seen_at.items()
        if cid in writer.started
        for t in times
    ]
    expected = len(writer.started) * len(tokens)
    return {
        "mode": mode,
        "notes": len(writer.started),
        "samples": len(lat),
        "expected": expected,
        "p50": statistics.median(lat) if lat else float("nan"),
        "p95": pct(lat, 0.95),
        "max": max(lat) if lat else float("nan"),
        "errors": errors,
        "latencies": lat,
    }


async def bench_empty_pulls(base: str, tokens: list[str], writer: Writer, seconds: float) -> list[float]:
    """Idle-scope clients pulling up-to-date cursors every 0.2-0.5 s while the writer writes."""
    stop = asyncio.Event()
    times: list[float] = []

    async def client(token: str, ready: asyncio.Event) -> None:
        headers = {**PROTO, "Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            cursor, _ = await _catch_up(http, None)
            await ready.wait()
            while not stop.is_set():
                r = await http.post("/v1/pull", json={"cursor": cursor, "limit": 500})
                r.raise_for_status()
                times.append(float(r.headers["server-timing"].split("dur=")[1]))
                cursor = r.json()["cursor"]
                await asyncio.sleep(random.uniform(0.2, 0.5))

    ready = asyncio.Event()
    tasks = [asyncio.create_task(client(t, ready)) for t in tokens]
    await asyncio.sleep(5)  # every client caught up (bootstrap pulls are not what is measured)
    ready.set()
    write = asyncio.create_task(writer.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await write
    await asyncio.gather(*tasks)
    return times


async def bench_idle(base: str, pid: int, tokens: list[str], wait: float) -> dict[str, Any]:
    before = rss_mb(pid)
    limits = httpx.Limits(max_connections=len(tokens) + 10, max_keepalive_connections=len(tokens) + 10)
    async with httpx.AsyncClient(base_url=base, headers=PROTO, timeout=wait + 60, limits=limits) as http:
        cursors = []
        for token in tokens[:1]:
            r = await http.post(
                "/v1/pull", json={"cursor": None, "limit": 5000}, headers={"Authorization": f"Bearer {token}"}
            )
        cursor = r.json()["cursor"]
        cursors = [cursor] * len(tokens)

        async def one(token: str, cur: str) -> str:
            try:
                r = await http.post(
                    "/v1/changes",
                    json={"cursor": cur, "wait": wait},
                    headers={"Authorization": f"Bearer {token}"},
                )
                return "ok" if r.status_code == 200 else f"http {r.status_code}"
            except httpx.HTTPError as exc:
                return type(exc).__name__

        tasks = [asyncio.create_task(one(t, c)) for t, c in zip(tokens, cursors, strict=True)]
        peak = before
        while not all(t.done() for t in tasks):
            peak = max(peak, rss_mb(pid))
            await asyncio.sleep(0.5)
        results = [t.result() for t in tasks]
    return {
        "clients": len(tokens),
        "rss_before": before,
        "rss_peak": peak,
        "ok": results.count("ok"),
        "failed": len(results) - results.count("ok"),
        "failures": sorted(set(results) - {"ok"}),
    }


@dataclass
class FeedRun:
    """Raw samples of one run (milliseconds; RSS in MB)."""

    visible: dict[str, dict[str, Any]] = field(default_factory=dict)  # mode -> bench_visible()
    latencies: dict[str, list[float]] = field(default_factory=dict)  # mode -> change->visible ms
    empty_pulls: dict[str, list[float]] = field(default_factory=dict)  # "old" / "quick" -> server ms
    idle: dict[str, Any] = field(default_factory=dict)


def run(clients: int, idle: int, seconds: float, postgres: bool = False, quiet: bool = False) -> FeedRun:
    """Start two server processes on one database and measure the three figures (see above)."""
    say = (lambda *a: None) if quiet else print
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    tmp = tempfile.TemporaryDirectory(prefix="outpost-bench-feed-")
    url = f"sqlite:///{Path(tmp.name) / 'server.db'}"
    cluster = None
    if postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        from support.postgres_cluster import PostgresCluster, find_postgres_bindir

        bindir = find_postgres_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL binaries found")
        cluster = PostgresCluster(bindir)
        cluster.start()
        cluster.create_database("bench")
        url = cluster.database_url("bench")
    db = open_database(url, pool_size=4)
    procs: list[subprocess.Popen[bytes]] = []
    out = FeedRun()
    try:
        migration.upgrade(db)
        it = admin_service.add_queue(db, "IT")
        admin_service.add_queue(db, "Quiet")
        admin_service.add_user(db, "writer", role="agent", password=PASSWORD, queues=("IT",))
        for i in range(20):
            admin_service.add_user(db, f"agent{i}", role="agent", password=PASSWORD, queues=("IT",))
            admin_service.add_user(db, f"quiet{i}", role="agent", password=PASSWORD, queues=("Quiet",))
        feed_proc, feed = start_server(url)
        old_proc, old = start_server(url, {"OUTPOST_NO_QUICK_PULL": "1"})
        procs += [feed_proc, old_proc]
        say(
            f"engine {db.engine.dialect.name}; {clients} clients; writer every 100 ms; {os.cpu_count()} cores"
        )

        def tokens(base: str, prefix: str, n: int, users: int = 20) -> list[str]:
            got = []
            for i in range(n):
                http, _ = sign_in(base, f"{prefix}{i % users}")
                got.append(str(http.headers["Authorization"]).removeprefix("Bearer "))
                http.close()
            return got

        writer = Writer(feed, "writer", it)
        it_tokens = tokens(feed, "agent", clients)
        for mode in ("poll", "feed"):
            r = asyncio.run(bench_visible(feed, it_tokens, writer, mode, seconds))
            out.visible[mode] = r
            out.latencies[mode] = r.pop("latencies")
            say(
                f"change->visible {mode:<4}  p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                f"max {r['max']:7.1f} ms"
                f"  ({r['samples']}/{r['expected']} deliveries, {r['notes']} notes, {r['errors']} errors)"
            )
        n_quiet = min(50, clients)
        for key, label, base in (("old", "old pull (baseline)", old), ("quick", "quick pull (feed)", feed)):
            times = asyncio.run(bench_empty_pulls(base, tokens(base, "quiet", n_quiet), writer, seconds / 2))
            out.empty_pulls[key] = times
            say(
                f"empty pull {label:<20} server p50 {statistics.median(times):6.2f} ms  "
                f"p95 {pct(times, 0.95):6.2f} ms"
                f"  ({len(times)} pulls by {n_quiet} clients)"
            )
        idle_tokens = tokens(feed, "quiet", idle, users=1)  # one user: one cursor fits all
        r = asyncio.run(bench_idle(feed, feed_proc.pid, idle_tokens, wait=min(20.0, max(5.0, seconds))))
        out.idle = r
        say(
            f"idle long-polls     {r['clients']} held: RSS {r['rss_before']:.0f} -> {r['rss_peak']:.0f} MB; "
            f"{r['ok']} answered, {r['failed']} failed {r['failures']}"
        )
        writer.http.close()
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        db.dispose()
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()
    return out


def figures(scale: Any) -> list[Any]:
    """Change -> visible with the feed beside polling, the quick empty pull beside the old
    pull, and the memory idle long-polls hold (SQLite; server processes on loopback)."""
    from figures import NO_BASELINE, Figure

    clients = max(3, min(scale.clients, 200))
    r = run(clients=clients, idle=clients * 5, seconds=max(scale.seconds, 5.0))
    poll = "the same clients pulling on a 1-3 s timer (polling), same writer, same run"
    found = [
        Figure(
            f"change -> visible p95, {clients} clients",
            "ms",
            r.latencies["feed"],
            poll,
            r.latencies["poll"],
            goal="< 1000 ms",
            stat="p95",
            key="feed_visible_p95",
        ),
        Figure(
            f"empty pull server time p50, {min(50, clients)} idle-scope clients",
            "ms",
            r.empty_pulls["quick"],
            "the same pulls on a server process with the quick path off (the old pull), same database",
            r.empty_pulls["old"],
            key="feed_empty_pull_p50",
        ),
        Figure(
            f"server RSS holding {r.idle['clients']} idle long-polls",
            "MB",
            [r.idle["rss_peak"]],
            f"{NO_BASELINE}: shown beside the same process before the waits",
            [r.idle["rss_before"]],
            state="one-shot",
            comparable=False,
            key="feed_idle_rss",
        ),
    ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    run(args.clients, args.idle, args.seconds, args.postgres)


if __name__ == "__main__":
    main()
