"""Benchmark of the client sync engine over loopback HTTP (not a test).

    python bench/bench_sync.py [--tickets 100000] [--page 5000] [--db URL]

The server runs in its own process (``outpost-server serve``, seeded with the server
benchmark's bulk loader: N tickets, each with one or two replies). The client is the real
engine writing a real replica file (WAL, synchronous=FULL).

1. Bootstrap: an empty replica pulls everything (cursor null to caught up, gzip on).
   Reported in rows/s beside the raw SQLite insert speed of the *same rows* into an empty
   replica of the same schema, in one transaction with ``executemany``, in the same run.
2. Bytes on the wire per ticket during the bootstrap (compressed bodies, no headers).
3. Sync of 500 offline mutations (creates, edits, replies, work logs made through the
   services): one round, push + pull.
4. Network back -> all pushed, for one pending change: the link is down (every connection
   refused by a proxy) while a scheduler keeps failing and backing off; then the link comes
   back and (a) the app reports it (``network_changed(True)``), (b) nobody reports it and
   the scheduler's own backoff timer finds out. Time until the change is applied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # token in memory only

import bench_server  # noqa: E402  (the server benchmark's seeding and server process)
from figures import NO_BASELINE, Figure, Scale  # noqa: E402
from sync_engine.fault_proxy import FaultProxy  # noqa: E402

from sync import protocol  # noqa: E402
from sync.engine.backoff import Backoff  # noqa: E402
from sync.engine.progress import CancelToken  # noqa: E402
from sync.engine.pull_apply import PageApplier  # noqa: E402
from sync.engine.scheduler import SyncScheduler  # noqa: E402
from sync.engine.session import connect, open_engine  # noqa: E402
from sync.engine.sync_round import SyncReport  # noqa: E402
from sync.replica import sqlite_driver  # noqa: E402
from sync.replica.encryption import create_encryption, keys_for, write_info  # noqa: E402
from sync.replica.replica import open_replica  # noqa: E402
from sync.server.admin import admin_service  # noqa: E402
from sync.server.admin.credentials import set_hash_cost  # noqa: E402
from sync.server.db import migration  # noqa: E402
from sync.server.db.database import open_database  # noqa: E402
from sync.services.directory import Directory  # noqa: E402
from sync.services.ticket_service import NewTicket, TicketService  # noqa: E402
from sync.services.ticket_work import TicketWork  # noqa: E402

PASSWORD = bench_server.PASSWORD


def raw_insert(source: Path, target_dir: Path) -> tuple[int, float]:
    """Insert the bootstrapped tickets, tags and comments into an empty replica; return the
    number of tickets + comments (the records a pull counts) and the seconds it took."""
    open_replica(target_dir).close()
    src = _raw(source.parent)
    tables = {
        name: src.execute(f"SELECT * FROM {name}").fetchall()
        for name in ("tickets", "ticket_tags", "comments")
    }
    src.close()
    dst = sqlite3.connect(target_dir / "replica.db", isolation_level=None)
    dst.execute("PRAGMA synchronous=FULL")
    dst.execute("PRAGMA foreign_keys=OFF")
    start = time.perf_counter()
    dst.execute("BEGIN IMMEDIATE")
    for name, rows in tables.items():
        if rows:
            dst.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    dst.execute("COMMIT")
    elapsed = time.perf_counter() - start
    dst.close()
    return len(tables["tickets"]) + len(tables["comments"]), elapsed


class ApplyTimer:
    """Sums the time spent writing pulled pages (the client's share of a bootstrap)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._orig = PageApplier.apply

        def timed(applier: PageApplier, *args: Any) -> Any:
            start = time.perf_counter()
            try:
                return self._orig(applier, *args)
            finally:
                self.seconds += time.perf_counter() - start

        PageApplier.apply = timed  # type: ignore[method-assign]

    def restore(self) -> None:
        PageApplier.apply = self._orig  # type: ignore[method-assign]


def offline_work(replica_dir: Path, n: int) -> None:
    replica = open_replica(replica_dir)
    tickets, work = TicketService(replica), TicketWork(replica)
    queue = Directory(replica).queue_by_name("IT").id
    made: list[str] = []
    for i in range(n):
        kind = i % 5
        if kind == 0 or not made:
            made.append(tickets.create_ticket(NewTicket(subject=f"Offline {i}", queue_id=queue)).entity_id)
        elif kind == 1:
            tickets.update_ticket(made[-1], {"location": f"Room {i}"})
        elif kind in (2, 3):
            work.note(made[-1], f"Checked again ({i})")
        else:
            work.log_work(made[-1], 20)
    replica.close()


def network_back(base: str, replica_dir: Path, *, announce: bool, backoff_base: float = 1.0) -> float:
    proxy = FaultProxy(int(urlparse(base).port or 0), faults=("refuse",), fault_rate=1.0)
    replica = open_replica(replica_dir)
    http = httpx.Client(base_url=proxy.url, timeout=10)
    engine = open_engine(replica, http=http)
    TicketService(replica).create_ticket(
        NewTicket(subject="One change", queue_id=Directory(replica).queue_by_name("IT").id)
    )

    def run(cancel: CancelToken) -> SyncReport:
        return engine.run_round(cancel=cancel)

    scheduler = SyncScheduler(run, interval=3600, backoff=Backoff(base=backoff_base, cap=60.0))
    scheduler.start()
    while scheduler.rounds < 3:  # let it fail and back off a few times
        time.sleep(0.05)
    proxy.fault_rate = 0.0
    back = time.perf_counter()
    if announce:
        scheduler.network_changed(False)
        scheduler.network_changed(True)
    while replica.get_setting("sync.last_success_at") is None or _pending(replica_dir):
        time.sleep(0.002)
    elapsed = time.perf_counter() - back
    scheduler.stop()
    proxy.close()
    http.close()
    replica.close()
    return elapsed


def _pending(replica_dir: Path) -> int:
    c = _raw(replica_dir)
    try:
        return int(c.execute("SELECT count(*) FROM journal WHERE state = 'pending'").fetchone()[0])
    finally:
        c.close()


def _raw(replica_dir: Path) -> sqlite3.Connection:
    keys = keys_for(replica_dir)
    return sqlite_driver.connect(replica_dir / "replica.db", None if keys is None else keys.db_key)


def bootstrap(base: str, client_dir: Path, page: int, encrypt: bool) -> tuple[SyncReport, float, float]:
    """A first sync into a new (plain or encrypted) replica: (report, seconds, seconds writing)."""
    if encrypt:
        client_dir.mkdir(parents=True)
        write_info(client_dir, create_encryption(None)[0])
    replica = open_replica(client_dir)
    connect(replica, base, "agent0", PASSWORD)
    engine = open_engine(replica, pull_limit=page)
    timer = ApplyTimer()
    start = time.perf_counter()
    report = engine.run_round()
    elapsed = time.perf_counter() - start
    timer.restore()
    engine.client.http.close()
    replica.close()
    return report, elapsed, timer.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=5000, help="pull page size (records)")
    parser.add_argument("--db", help="server database URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="bootstrap a plain and an encrypted replica in this run (printing encrypted / plain), "
        "then run the rest on the encrypted one",
    )
    args = parser.parse_args()
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    tmp = Path(tempfile.mkdtemp(prefix="outpost-bench-sync-"))
    url = args.db or f"sqlite:///{tmp / 'server.db'}"
    db = open_database(url, pool_size=4)
    proc = None
    try:
        migration.upgrade(db)
        queue_id = admin_service.add_queue(db, "IT")
        requester = admin_service.add_user(db, "requester0", role="agent", password=PASSWORD)
        admin_service.add_user(db, "agent0", role="agent", password=PASSWORD, queues=("IT",))
        admin_service.add_user(db, "agent1", role="agent", password=PASSWORD, queues=("IT",))
        seeded = bench_server.seed(db, args.tickets, queue_id, requester)
        proc, base = bench_server.start_server(url)
        print(
            f"server: {db.engine.dialect.name}, {args.tickets} tickets, {seeded} rows; "
            f"client pages of {args.page}"
        )

        if args.encrypt:
            _r, plain_s, plain_writes = bootstrap(base, tmp / "client-plain", args.page, False)
        report, elapsed, writes = bootstrap(base, tmp / "client", args.page, args.encrypt)
        if args.encrypt:
            print(
                f"bootstrap encrypted / plain: {elapsed / plain_s:5.2f}x end to end "
                f"({elapsed:.2f} s vs {plain_s:.2f} s), {writes / plain_writes:5.2f}x for the writes"
            )
        raw_rows, raw_s = raw_insert(tmp / "client" / "replica.db", tmp / "raw")
        print(f"bootstrap            {report.pulled_records:>8} records in {elapsed:6.2f} s = "
              f"{report.pulled_records / elapsed:8.0f} rows/s ({report.pages} pages; writing them: "
              f"{writes:.2f} s = {report.pulled_records / writes:.0f} rows/s)")  # fmt: skip
        print(f"raw sqlite insert    {raw_rows:>8} records in {raw_s:6.2f} s = "
              f"{raw_rows / raw_s:8.0f} rows/s "
              "(same tickets, tags and replies, one executemany transaction)")  # fmt: skip
        print(
            f"  bootstrap / raw    {elapsed / raw_s:5.2f}x end to end, "
            f"{writes / raw_s:5.2f}x for the writes"
        )
        print(f"wire                 {report.bytes_received / args.tickets:8.0f} bytes received per ticket "
              f"(with its replies), {report.bytes_sent} bytes sent")  # fmt: skip

        offline_work(tmp / "client", 500)
        replica = open_replica(tmp / "client")
        engine = open_engine(replica, pull_limit=args.page)
        marks: dict[str, float] = {}
        start = time.perf_counter()
        report = engine.run_round(
            lambda p: marks.setdefault(f"{p.phase}{p.done}", time.perf_counter() - start)
        )
        elapsed = time.perf_counter() - start
        pushing = marks.get("push500", elapsed) - marks.get("push0", 0.0)
        print(f"500 offline changes  {elapsed:6.2f} s for the round = "
              f"{report.pushed / elapsed:6.0f} mutations/s (applied {report.applied}; the push request and "
              f"recording its outcomes took {pushing:.2f} s; "
              f"pulled back {report.pulled_records} records)")  # fmt: skip
        engine.client.http.close()
        replica.close()

        announced = network_back(base, tmp / "client", announce=True)
        timer_only = network_back(base, tmp / "client", announce=False)
        print(f"network back -> pushed: {announced * 1000:7.1f} ms when the app reports the network, "
              f"{timer_only:5.2f} s on the backoff timer alone (base 1 s, after 3 failures)")  # fmt: skip
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        db.dispose()


# -- the harness (bench/run.py) ------------------------------------------------------------


def journal_mutations(replica_dir: Path) -> list[dict[str, Any]]:
    """The replica's pending journal as wire mutations (seq from 1), as the engine sends them."""
    with sqlite3.connect(replica_dir / "replica.db") as c:
        rows = c.execute(
            "SELECT id, op, entity_type, entity_id, payload, device_time, actor_id FROM journal "
            "WHERE state = 'pending' ORDER BY seq"
        ).fetchall()
    return [
        {
            "seq": n,
            "id": i,
            "op": op,
            "entity_type": et,
            "entity_id": eid,
            "payload": json.loads(payload),
            "device_time": str(at).replace(" ", "T") + "+00:00",
            "actor_id": actor,
            "payload_version": protocol.PAYLOAD_VERSIONS.get(op, 1),
        }
        for n, (i, op, et, eid, payload, at, actor) in enumerate(rows, start=1)
    ]


def plain_pushes(base: str, mutations: list[dict[str, Any]], per_request: int) -> float:
    """Push ``mutations`` from a new device of the same user with plain httpx, ``per_request``
    at a time; seconds (sign-in excluded)."""
    http, client_id = bench_server.sign_in(base, "agent0")
    try:
        started = time.perf_counter()
        for first in range(0, len(mutations), per_request):
            r = http.post(
                "/v1/push", json={"client_id": client_id, "mutations": mutations[first : first + per_request]}
            )
            r.raise_for_status()
        return time.perf_counter() - started
    finally:
        http.close()


def gzip_json_lines(server_db: Path) -> int:
    """Bytes of the server's tickets and comments as gzip-compressed JSON lines."""
    with sqlite3.connect(server_db) as c:
        c.row_factory = sqlite3.Row
        lines = [
            json.dumps(dict(row), default=str, separators=(",", ":"))
            for table in ("tickets", "comments")
            for row in c.execute(f"SELECT * FROM {table}")
        ]
    return len(gzip.compress("\n".join(lines).encode()))


def one_change_round(replica_dir: Path) -> float:
    """One round pushing one new change on a live network (the floor for "network back")."""
    replica = open_replica(replica_dir)
    engine = open_engine(replica)
    try:
        TicketService(replica).create_ticket(
            NewTicket(subject="One change", queue_id=Directory(replica).queue_by_name("IT").id)
        )
        started = time.perf_counter()
        engine.run_round()
        return time.perf_counter() - started
    finally:
        engine.client.http.close()
        replica.close()


def figures(scale: Scale) -> list[Figure]:
    """Bootstrap, wire bytes, a sync round of offline changes and "network back -> pushed",
    against a real server process on loopback (SQLite database)."""
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    tmp = Path(tempfile.mkdtemp(prefix="outpost-bench-sync-"))
    url = f"sqlite:///{tmp / 'server.db'}"
    db = open_database(url, pool_size=4)
    proc = None
    try:
        migration.upgrade(db)
        queue_id = admin_service.add_queue(db, "IT")
        requester = admin_service.add_user(db, "requester0", role="agent", password=PASSWORD)
        admin_service.add_user(db, "agent0", role="agent", password=PASSWORD, queues=("IT",))
        bench_server.seed(db, scale.tickets, queue_id, requester)
        proc, base = bench_server.start_server(url)
        boot, floor = [], []
        for i in range(3 if scale.tickets <= 10_000 else 1):
            replica = open_replica(tmp / f"client{i}")
            connect(replica, base, "agent0", PASSWORD)
            engine = open_engine(replica, pull_limit=5000)
            started = time.perf_counter()
            report = engine.run_round()
            boot.append(time.perf_counter() - started)
            engine.client.http.close()
            replica.close()
            floor.append(raw_insert(tmp / f"client{i}" / "replica.db", tmp / f"raw{i}")[1])
        out = [
            Figure(
                "bootstrap pull", "s", boot,
                "floor: the same tickets, tags and replies inserted into an empty replica in one "
                "executemany transaction (no network, no JSON)", floor, state="cold (empty replica)",
            ),
            Figure(
                "bytes on the wire per ticket (bootstrap)", "B", [report.bytes_received / scale.tickets],
                "the same tickets and comments as gzip-compressed JSON lines",
                [gzip_json_lines(tmp / "server.db") / scale.tickets], state="gzip",
            ),
        ]  # fmt: skip
        changes = 500 if scale.tickets >= 1000 else 50
        rounds, trips, single = [], [], []
        for run in range(1 if scale.scaling else min(scale.runs, 2)):
            twins = [tmp / f"twin{run}", tmp / f"single{run}"]
            for twin in twins:
                shutil.rmtree(twin, ignore_errors=True)
                shutil.copytree(tmp / "client0", twin)
            for folder in (tmp / "client0", *twins):
                offline_work(folder, changes)  # the same kinds of change, the same text, new ids
            replica = open_replica(tmp / "client0")
            engine = open_engine(replica, pull_limit=5000)
            started = time.perf_counter()
            engine.run_round()
            rounds.append(time.perf_counter() - started)
            engine.client.http.close()
            replica.close()
            trips.append(plain_pushes(base, journal_mutations(twins[0]), 1))
            single.append(plain_pushes(base, journal_mutations(twins[1]), changes))
        out += [
            Figure(
                f"sync round, {changes} offline changes", "s", rounds,
                f"the same kinds of payload (made the same way on a copy of the replica) as one plain "
                f"HTTP push of all {changes}: the single-request floor (ours also pulls them back)", single,
                key="sync_round_500_offline_changes",
            ),
            Figure(
                f"sync round, {changes} offline changes, vs one request each", "s", rounds,
                f"the same kinds of payload as {changes} plain HTTP pushes of one change each to the same "
                "server", trips,
            ),
        ]  # fmt: skip
        backoff = 1.0 if scale.tickets >= 1000 else 0.2
        live = [one_change_round(tmp / "client0") for _ in range(scale.runs)]
        announced = network_back(base, tmp / "client0", announce=True, backoff_base=backoff)
        timer_only = network_back(base, tmp / "client0", announce=False, backoff_base=backoff)
        out += [
            Figure(
                "network back → pushed (app reports the network)", "s", [announced],
                "one sync round pushing one change on a network that never went away (warm)", live,
                state="one-shot",
            ),
            Figure(
                "network back → pushed (backoff timer alone)", "s", [timer_only],
                f"{NO_BASELINE}: it waits for the backoff timer (base {backoff} s, after 3 failures) by "
                "design; one round on a live network is shown for scale", live, comparable=False,
                state="one-shot",
            ),
        ]  # fmt: skip
        return out
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)
        db.dispose()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
