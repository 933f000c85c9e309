"""Benchmark of the sync server over loopback HTTP (not a test).

    python bench/bench_server.py [--tickets 100000] [--clients 200] [--db URL | --postgres]

The server runs in its own process (``outpost-server serve``) so the client side of the
benchmark does not share its interpreter. Users are created with cheap password hashing
(the benchmark signs in hundreds of devices; password cost is not what is measured).

1. Bootstrap: one agent pulls a scope of N tickets with one reply each (plus every other
   ticket a second reply) from cursor null to caught up, gzip on, pages of 5000. Reported in
   rows/s beside the raw speed of reading the same rows from the same database with the
   database driver in the same run (``SELECT`` of the same columns), and their ratio.
2. Push: 500 mutations (creates, updates, replies, work logs) in one push, and the same 500
   as 5 pushes of 100: mutations/s.
3. Incremental pull under load: C concurrent clients (asyncio + httpx, one connection each)
   pull from an up-to-date cursor, each waiting 1-3 s (random) between pulls like a sync
   timer with jitter, while a writer adds a note every 100 ms; each client makes at most 10
   pulls and everything stops after 60 s. p50/p95/max latency and pulls/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync import protocol  # noqa: E402
from sync.server.admin import admin_service  # noqa: E402
from sync.server.admin.credentials import set_hash_cost  # noqa: E402
from sync.server.db import migration  # noqa: E402
from sync.server.db.database import Database, open_database  # noqa: E402
from sync.server.db.models import Comment, Ticket  # noqa: E402
from sync.server.db.state_models import ChangeLog, ServerState  # noqa: E402

PROTO = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}
PASSWORD = "benchmark password"
BATCH = 2000


def seed(db: Database, tickets: int, queue_id: str, requester: str) -> int:
    """Bulk-load N tickets and their replies as committed, versioned server records; return rows."""
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    rows = 0
    version = 0
    with db.write_session() as s:
        version = int(s.execute(text("SELECT last_version FROM server_state WHERE id = 1")).scalar_one())
        number = int(s.execute(text("SELECT last_ticket_number FROM server_state WHERE id = 1")).scalar_one())
    for first in range(0, tickets, BATCH):
        version += 1
        t_rows, c_rows, log = [], [], []
        for i in range(first, min(first + BATCH, tickets)):
            tid, at = str(uuid.uuid4()), start + timedelta(minutes=i)
            number += 1
            t_rows.append(
                {
                    "id": tid,
                    "number": number,
                    "origin_client_id": None,
                    "local_number": None,
                    "subject": f"Printer on floor {i % 40} jams ({i})",
                    "description": "Paper jam in tray 2. " * 4,
                    "type": "incident",
                    "category": "Printing",
                    "impact": 3,
                    "urgency": 2,
                    "priority": 4,
                    "priority_overridden": False,
                    "status": "open",
                    "queue_id": queue_id,
                    "assignee_id": None,
                    "requester_id": requester,
                    "tier": 1,
                    "location": f"Building {i % 7}",
                    "asset": "",
                    "resolution": "",
                    "merged_into_id": None,
                    "tags": "printer jam",
                    "created_at": at,
                    "updated_at": at,
                    "first_response_at": None,
                    "resolved_at": None,
                    "closed_at": None,
                }
            )
            log.append(
                {
                    "entity_type": "tickets",
                    "entity_id": tid,
                    "version": version,
                    "ticket_id": tid,
                    "deleted": False,
                }
            )
            for k in range(1 if i % 2 else 2):
                cid = str(uuid.uuid4())
                c_rows.append(
                    {
                        "id": cid,
                        "ticket_id": tid,
                        "kind": "reply",
                        "author_id": None,
                        "from_requester": k == 1,
                        "body": "Thanks, a technician is on the way. " * 3,
                        "created_at": at + timedelta(minutes=5 + k),
                    }
                )
                log.append(
                    {
                        "entity_type": "comments",
                        "entity_id": cid,
                        "version": version,
                        "ticket_id": tid,
                        "deleted": False,
                    }
                )
        with db.write_session() as s:
            s.execute(insert(Ticket), t_rows)
            s.execute(insert(Comment), c_rows)
            s.execute(insert(ChangeLog), log)
            s.execute(
                update(ServerState)
                .where(ServerState.id == 1)
                .values(last_version=version, last_ticket_number=number)
            )
        rows += len(t_rows) + len(c_rows)
    return rows


def raw_read(db: Database) -> tuple[int, float]:
    """Read the same rows (tickets and comments, same columns) through the driver; rows, seconds."""
    cols_t = ", ".join(c.name for c in Ticket.__table__.columns)
    cols_c = ", ".join(c.name for c in Comment.__table__.columns)
    raw = db.engine.raw_connection()
    try:
        start = time.perf_counter()
        cur = raw.cursor()
        n = 0
        for sql in (f"SELECT {cols_t} FROM tickets", f"SELECT {cols_c} FROM comments"):
            cur.execute(sql)
            while batch := cur.fetchmany(5000):
                n += len(batch)
        return n, time.perf_counter() - start
    finally:
        raw.close()


def start_server(
    url: str, workers: int = 1, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "serve",
            "--db",
            url,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def sign_in(base: str, username: str) -> tuple[httpx.Client, str]:
    client_id = str(uuid.uuid4())
    http = httpx.Client(base_url=base, headers=PROTO, timeout=120)
    r = http.post("/v1/session", json={"username": username, "password": PASSWORD, "client_id": client_id})
    r.raise_for_status()
    http.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return http, client_id


def bench_bootstrap(base: str, db: Database, timings: list[tuple[float, float]] | None = None) -> str:
    http, _ = sign_in(base, "agent0")
    rows, cursor, pages, wire = 0, None, 0, 0
    start = time.perf_counter()
    while True:
        r = http.post("/v1/pull", json={"cursor": cursor, "limit": protocol.MAX_PULL_LIMIT})
        r.raise_for_status()
        wire += int(r.headers.get("content-length", len(r.content)))
        page = r.json()
        rows += sum(len(v) for v in page["records"].values())
        cursor, pages = page["cursor"], pages + 1
        if not page["has_more"]:
            break
    elapsed = time.perf_counter() - start
    raw_rows, raw_s = raw_read(db)
    ours, theirs = rows / elapsed, raw_rows / raw_s
    print(
        f"bootstrap pull      {rows:>8} rows in {elapsed:6.2f} s = {ours:9.0f} rows/s  ({pages} pages, "
        f"{wire / rows:.0f} B/row gzip on the wire)"
    )
    print(f"raw driver read     {raw_rows:>8} rows in {raw_s:6.2f} s = {theirs:9.0f} rows/s")
    print(f"  ratio raw/server  {theirs / ours:6.1f}x")
    if timings is not None:
        timings.append((elapsed, raw_s))
    http.close()
    assert cursor is not None
    return cursor


def catch_up(base: str, cursor: str | None) -> str:
    http, _ = sign_in(base, "agent0")
    while True:
        page = http.post("/v1/pull", json={"cursor": cursor, "limit": protocol.MAX_PULL_LIMIT}).json()
        cursor = page["cursor"]
        if not page["has_more"]:
            http.close()
            return cursor


def _mutations(device: str, queue_id: str, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    tickets: list[str] = []
    for seq in range(1, n + 1):
        at = (now + timedelta(seconds=seq)).isoformat()
        kind = seq % 5
        if kind == 1 or not tickets:
            tid = str(uuid.uuid4())
            tickets.append(tid)
            ticket = {
                "id": tid,
                "subject": f"Bench {device} {seq}",
                "queue_id": queue_id,
                "created_at": at,
                "tags": ["bench"],
                "local_number": seq,
            }
            op, payload = "ticket.create", {"ticket": ticket}
        elif kind == 2:
            tid = tickets[-1]
            op, payload = (
                "ticket.update",
                {"ticket_id": tid, "changes": {"location": f"Room {seq}"}, "base": {"location": ""}},
            )
        elif kind == 3:
            tid = tickets[-1]
            op, payload = (
                "ticket.work_log",
                {"entry": {"id": str(uuid.uuid4()), "ticket_id": tid, "minutes": 15, "logged_at": at}},
            )
        else:
            tid = tickets[-1]
            op, payload = (
                "ticket.comment",
                {
                    "comment": {
                        "id": str(uuid.uuid4()),
                        "ticket_id": tid,
                        "kind": "reply",
                        "body": "On my way",
                        "created_at": at,
                    }
                },
            )
        out.append(
            {
                "seq": seq,
                "id": str(uuid.uuid4()),
                "op": op,
                "entity_type": "ticket",
                "entity_id": tid,
                "payload": payload,
                "device_time": at,
            }
        )
    return out


def bench_push(base: str, queue_id: str, count: int = 500) -> dict[str, float]:
    """Push ``count`` mutations as one request and as 5 requests; seconds by label."""
    timings = {}
    for label, size in ((f"1 push of {count}", count), (f"5 pushes of {count // 5}", count // 5)):
        http, client_id = sign_in(base, "agent1")
        batch = _mutations(client_id[:4], queue_id, count)
        start = time.perf_counter()
        for first in range(0, count, size):
            r = http.post("/v1/push", json={"client_id": client_id, "mutations": batch[first : first + size]})
            r.raise_for_status()
            assert all(o["status"] == "applied" for o in r.json()["outcomes"]), r.text[:500]
        elapsed = time.perf_counter() - start
        print(
            f"push {count} mutations  {label:<16} {elapsed:6.2f} s = {count / elapsed:7.0f} mutations/s "
            f"({elapsed / count * 1000:.1f} ms each)"
        )
        timings[label] = elapsed
        http.close()
    return timings


async def _client(
    base: str, token: str, cursor: str, stop_at: float, latencies: list[float], server_side: list[float]
) -> None:
    headers = {**PROTO, "Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
        await asyncio.sleep(random.uniform(0, 2))  # clients do not start in lockstep
        for _ in range(10):
            if time.monotonic() > stop_at:
                return
            start = time.perf_counter()
            r = await http.post("/v1/pull", json={"cursor": cursor, "limit": 500})
            latencies.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            server_side.append(float(r.headers["server-timing"].split("dur=")[1]))
            cursor = r.json()["cursor"]
            await asyncio.sleep(random.uniform(1, 3))


async def _writer(base: str, queue_id: str, stop: asyncio.Event) -> int:
    http, client_id = await asyncio.to_thread(sign_in, base, "agent2")
    seq = 0
    create = _mutations("writer", queue_id, 1)
    await asyncio.to_thread(http.post, "/v1/push", json={"client_id": client_id, "mutations": create})
    tid, seq = create[0]["entity_id"], 1
    while not stop.is_set():
        seq += 1
        at = datetime.now(UTC).isoformat()
        m = {
            "seq": seq,
            "id": str(uuid.uuid4()),
            "op": "ticket.comment",
            "entity_type": "ticket",
            "entity_id": tid,
            "device_time": at,
            "payload": {
                "comment": {
                    "id": str(uuid.uuid4()),
                    "ticket_id": tid,
                    "kind": "note",
                    "body": "status update",
                    "created_at": at,
                }
            },
        }
        await asyncio.to_thread(http.post, "/v1/push", json={"client_id": client_id, "mutations": [m]})
        await asyncio.sleep(0.1)
    http.close()
    return seq


async def bench_incremental(
    base: str, cursor: str, clients: int, queue_id: str, seconds: float = 60
) -> list[float]:
    tokens = []
    for _ in range(clients):
        # devices of agent0 (each its own client id): the server signs a cursor for one user,
        # and every client starts from agent0's up-to-date cursor
        http, _ = await asyncio.to_thread(sign_in, base, "agent0")
        tokens.append(str(http.headers["Authorization"]).removeprefix("Bearer "))
        http.close()
    latencies: list[float] = []
    server_side: list[float] = []
    stop = asyncio.Event()
    writer = asyncio.create_task(_writer(base, queue_id, stop))
    start = time.perf_counter()
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(_client(base, t, cursor, stop_at, latencies, server_side) for t in tokens))
    elapsed = time.perf_counter() - start
    stop.set()
    writes = await writer
    latencies.sort()
    server_side.sort()
    p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
    s50, s95 = statistics.median(server_side), server_side[int(len(server_side) * 0.95) - 1]
    print(
        f"incremental pull    {clients} clients, {len(latencies)} pulls in {elapsed:.1f} s "
        f"({len(latencies) / elapsed:.0f}/s) while {writes} writes landed"
    )
    print(f"  latency           p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {latencies[-1]:7.1f} ms (client)")
    print(f"  server time       p50 {s50:7.1f} ms   p95 {s95:7.1f} ms   (Server-Timing, incl. queueing)")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    parser.add_argument("--postgres", action="store_true", help="use a throwaway PostgreSQL cluster")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    parser.add_argument(
        "--parts",
        default="bootstrap,push,incremental",
        help="comma-separated parts to run (default: bootstrap,push,incremental)",
    )
    args = parser.parse_args()
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    cluster = None
    tmp = tempfile.TemporaryDirectory(prefix="outpost-bench-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'server.db'}"
    if args.postgres:
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
    proc = None
    try:
        migration.upgrade(db)
        queue_id = admin_service.add_queue(db, "IT")
        requester = admin_service.add_user(db, "requester0", role="agent", password=PASSWORD)
        for i in range(3 + 20):
            admin_service.add_user(db, f"agent{i}", role="agent", password=PASSWORD, queues=("IT",))
        start = time.perf_counter()
        rows = seed(db, args.tickets, queue_id, requester)
        print(
            f"engine {db.engine.dialect.name}, {args.workers} server process(es); "
            f"seeded {args.tickets} tickets, {rows} rows in {time.perf_counter() - start:.1f} s"
        )
        proc, base = start_server(url, args.workers)
        parts = set(args.parts.split(","))
        cursor = bench_bootstrap(base, db) if "bootstrap" in parts else None
        if "push" in parts:
            batched = bench_push(base, queue_id)
            # Same-run baseline: the same pushes decided one transaction per mutation.
            one_proc, one_base = start_server(url, args.workers, {"OUTPOST_PUSH_BATCH": "1"})
            try:
                print("baseline: one transaction per mutation (OUTPOST_PUSH_BATCH=1)")
                single = bench_push(one_base, queue_id)
            finally:
                one_proc.terminate()
                one_proc.wait(timeout=15)
            for label, seconds in batched.items():
                print(f"push {label}: batched / one-per-transaction = {seconds / single[label]:.2f}x")
        if "incremental" in parts:
            cursor = catch_up(base, cursor)  # the clients below start up to date, as a synced device is
            asyncio.run(bench_incremental(base, cursor, args.clients, queue_id))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        db.dispose()
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()


def idle_pulls(base: str, cursor: str, runs: int) -> list[float]:
    """The same up-to-date pull by one client, one at a time, with nothing else going on (ms).
    A device of agent0: the server signs each cursor for one user, and ``cursor`` is agent0's."""
    http, _ = sign_in(base, "agent0")
    try:
        out = []
        for _ in range(runs):
            started = time.perf_counter()
            http.post("/v1/pull", json={"cursor": cursor, "limit": 500}).raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
        return out
    finally:
        http.close()


def figures(scale: Any) -> list[Any]:
    """Bootstrap pull, pushes and incremental pulls under load against a server process
    (SQLite database) seeded with ``scale.tickets`` tickets."""
    sys.path.insert(0, str(ROOT / "bench"))
    from figures import NO_BASELINE, Figure

    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    tmp = tempfile.TemporaryDirectory(prefix="outpost-bench-")
    url = f"sqlite:///{Path(tmp.name) / 'server.db'}"
    db = open_database(url, pool_size=4)
    proc = None
    try:
        migration.upgrade(db)
        queue_id = admin_service.add_queue(db, "IT")
        requester = admin_service.add_user(db, "requester0", role="agent", password=PASSWORD)
        for i in range(3 + 20):
            admin_service.add_user(db, f"agent{i}", role="agent", password=PASSWORD, queues=("IT",))
        seed(db, scale.tickets, queue_id, requester)
        proc, base = start_server(url)
        boots: list[tuple[float, float]] = []
        for _ in range(3 if scale.tickets <= 10_000 else 1):
            cursor = bench_bootstrap(base, db, boots)
        n = 500 if scale.tickets >= 100_000 else 100
        pushes = [bench_push(base, queue_id, n) for _ in range(min(scale.runs, 2))]
        cursor = catch_up(base, cursor)
        idle = idle_pulls(base, cursor, max(20, scale.runs * 5))
        loaded = asyncio.run(bench_incremental(base, cursor, scale.clients, queue_id, scale.seconds))
        return [
            Figure(
                "server bootstrap pull", "s", [b[0] for b in boots],
                "floor: the same rows and columns read through the database driver (no JSON, no HTTP)",
                [b[1] for b in boots],
            ),
            Figure(
                f"server push of {n} mutations, one request", "s", [p[f"1 push of {n}"] for p in pushes],
                f"{NO_BASELINE}: applying a mutation runs the merge rules and writes activity and the change "
                "log; no simpler program does the same", state="warm",
            ),
            Figure(
                f"server push of {n} mutations, 5 requests", "s",
                [p[f"5 pushes of {n // 5}"] for p in pushes],
                f"the same kinds of mutation as one request of {n} (the per-request overhead)",
                [p[f"1 push of {n}"] for p in pushes],
            ),
            Figure(
                f"server incremental pull p95, {scale.clients} clients and a writer", "ms", loaded,
                "the same up-to-date pull by one client with no other load (warm)", idle, stat="p95",
            ),
        ]  # fmt: skip
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        db.dispose()
        tmp.cleanup()


if __name__ == "__main__":
    main()
