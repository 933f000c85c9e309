"""Benchmark of the core replica and services on a large replica (not a test).

    python bench/bench_core.py [--tickets 100000] [--rebuild]

Prints, each beside a baseline measured in the same run with raw ``sqlite3`` doing the
same work, and their ratio:

1. demo generation of N tickets vs. raw inserts of the same rows into the same schema;
2. a filtered, sorted list of one queue's open tickets (first 200 rows) vs. the same SQL;
3. one user action (write + activity + journal, one durable transaction) vs. the same
   three statements through sqlite3 with the same pragmas.

Targets (issue 2): list < 50 ms, action < 5 ms median, 100k demo < 60 s.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.demo.generator import DemoSpec, build_demo_replica
from sync.domain.ticket_status import OPEN_STATUSES
from sync.replica import sqlite_driver
from sync.replica.encryption import INFO_FILENAME, create_encryption, keys_for, write_info
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.services.directory import Directory
from sync.services.ticket_queries import TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_service import TicketService

OUT = Path(__file__).resolve().parent / "out"
TABLES = ("queues", "people", "queue_members", "tickets", "ticket_tags", "comments", "activity", "work_logs")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


#: Medians of each measurement by mode ("plain", "encrypted"), for the encrypted/plain summary.
MEDIANS: dict[str, dict[str, float]] = {}


def report(name: str, ours: list[float], base: list[float], unit: str = "ms", mode: str = "plain") -> None:
    o, b = statistics.median(ours), statistics.median(base)
    MEDIANS.setdefault(mode, {})[name] = o
    p95 = sorted(ours)[int(len(ours) * 0.95) - 1] if len(ours) >= 20 else max(ours)
    print(f"{name:<44} {o:10.2f} {unit} (p95 {p95:.2f})   baseline {b:10.2f} {unit}   ratio {o / b:6.2f}x")


def _raw(data: Path, **kw: Any) -> sqlite3.Connection:
    """A raw DB-API connection to the replica (SQLCipher with its key when it is encrypted)."""
    keys = keys_for(data)
    return sqlite_driver.connect(data / REPLICA_FILENAME, None if keys is None else keys.db_key, **kw)


def bench_generation(n: int, rebuild: bool, encrypt: bool = False) -> Path:
    target = OUT / (f"core-{n}-encrypted" if encrypt else f"core-{n}")
    if rebuild or not (target / REPLICA_FILENAME).exists():
        shutil.rmtree(target, ignore_errors=True)
        if encrypt:
            target.mkdir(parents=True)
            write_info(target, create_encryption(None)[0])
        start = time.perf_counter()
        build_demo_replica(
            target, DemoSpec(tickets=n, articles=40, seed=1, now=datetime(2026, 11, 1, tzinfo=UTC))
        )
        generation = time.perf_counter() - start
        MEDIANS.setdefault("encrypted" if encrypt else "plain", {})["demo generation"] = generation
        # Baseline: raw sqlite3 inserting the very same rows into an empty copy of the schema.
        src = _raw(target)
        rows = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
        entries = src.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        # FTS5 creates its shadow tables (ticket_fts_data, ...) itself: skip them.
        virtual = [name for name, sql in entries if sql.upper().startswith("CREATE VIRTUAL TABLE")]
        schema = [sql for name, sql in entries if not any(name.startswith(v + "_") for v in virtual)]
        src.close()
        with tempfile.TemporaryDirectory() as tmp:
            dst = sqlite3.connect(Path(tmp) / "raw.db", isolation_level=None)
            dst.execute("PRAGMA journal_mode=WAL")
            dst.execute("PRAGMA synchronous=FULL")
            for sql in schema:
                dst.execute(sql)
            start = time.perf_counter()
            dst.execute("BEGIN")
            for t in TABLES:
                if rows[t]:
                    dst.executemany(f"INSERT INTO {t} VALUES ({','.join('?' * len(rows[t][0]))})", rows[t])
            dst.execute("COMMIT")
            raw = time.perf_counter() - start
            dst.close()
        total_rows = sum(len(r) for r in rows.values())
        print(
            f"{'demo generation of ' + str(n) + ' tickets':<44} {generation:10.2f} s   "
            f"raw inserts of the same {total_rows} rows {raw:.2f} s   ratio {generation / raw:6.2f}x"
        )
    else:
        print(f"(reusing {target}; pass --rebuild to time the generation)")
    return target


def bench_list(data: Path, mode: str = "plain") -> None:
    replica = open_replica(data)
    queue = Directory(replica).queue_by_name("Facilities").id
    queries = TicketQueries(replica)
    flt = TicketFilter(queue_ids=(queue,), statuses=tuple(sorted(OPEN_STATUSES)))
    ours = timed(lambda: queries.rows(flt, TicketSort("updated", True), limit=200), 30)
    raw = _raw(data)
    placeholders = ",".join("?" * len(OPEN_STATUSES))
    sql = (
        "SELECT t.id, t.number, t.local_number, t.subject, r.name, t.status, t.priority, a.name, q.name, "
        "t.updated_at, t.due_at, t.sla_state FROM tickets t JOIN queues q ON q.id = t.queue_id "
        "LEFT JOIN people r ON r.id = t.requester_id LEFT JOIN people a ON a.id = t.assignee_id "
        f"WHERE t.queue_id = ? AND t.status IN ({placeholders}) "
        "ORDER BY t.updated_at DESC, t.id DESC LIMIT 200"
    )
    args = (queue, *sorted(OPEN_STATUSES))
    base = timed(lambda: raw.execute(sql, args).fetchall(), 30)
    report("list one queue's open tickets (200 rows)", ours, base, mode=mode)
    count = timed(lambda: queries.count(flt), 10)
    base_count = timed(
        lambda: raw.execute(
            f"SELECT count(*) FROM tickets WHERE queue_id = ? AND status IN ({placeholders})", args
        ).fetchone(),
        10,
    )
    report("count of the same", count, base_count, mode=mode)
    raw.close()
    replica.close()


def bench_action(data: Path, mode: str = "plain") -> None:
    work = Path(tempfile.mkdtemp())
    for name in (REPLICA_FILENAME, INFO_FILENAME):
        if (data / name).exists():
            shutil.copy(data / name, work / name)
    replica = open_replica(work)
    service, queries = TicketService(replica), TicketQueries(replica)
    ids = [r.id for r in queries.rows(TicketFilter(statuses=("open",)), limit=400)]
    toggle = iter(range(10**9))

    def action() -> None:
        i = next(toggle)
        service.update_ticket(ids[i % len(ids)], {"location": f"Room {i}"})

    ours = timed(action, 200)
    replica.close()
    raw = _raw(work, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    counter = iter(range(10**9))

    def raw_action() -> None:
        i = next(counter)
        tid = ids[i % len(ids)]
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        raw.execute("BEGIN IMMEDIATE")
        old = raw.execute("SELECT location FROM tickets WHERE id = ?", (tid,)).fetchone()
        raw.execute("UPDATE tickets SET location = ?, updated_at = ? WHERE id = ?", (f"Raw {i}", now, tid))
        raw.execute(
            "INSERT INTO activity (id, entity_type, entity_id, actor_id, field, old_value, new_value, note,"
            " at,"
            " version) VALUES (?, 'ticket', ?, NULL, 'location', ?, ?, '', ?, 0)",
            (str(uuid.uuid4()), tid, old[0], f"Raw {i}", now),
        )
        raw.execute(
            "INSERT INTO journal (id, op, entity_type, entity_id, payload, device_time, actor_id, state,"
            " result, attempts) VALUES (?, 'ticket.update', 'ticket', ?, ?, ?, NULL, 'pending', NULL, 0)",
            (str(uuid.uuid4()), tid, '{"changes":{}}', now),
        )
        raw.execute("COMMIT")

    base = timed(raw_action, 200)
    report("one user action (edit + activity + journal)", ours, base, mode=mode)
    raw.close()
    shutil.rmtree(work)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="also run everything on an encrypted replica (SQLCipher, key in the keyring) and "
        "print encrypted / plain for each measurement",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"Outpost core benchmark, {args.tickets} tickets, {time.strftime('%Y-%m-%d %H:%M')}")
    data = bench_generation(args.tickets, args.rebuild)
    bench_list(data)
    bench_action(data)
    if args.encrypt:
        print("-- the same on an encrypted replica --")
        data = bench_generation(args.tickets, args.rebuild, encrypt=True)
        bench_list(data, "encrypted")
        bench_action(data, "encrypted")
        print("-- encrypted / plain (aim: at most 1.3x) --")
        for name, plain in MEDIANS["plain"].items():
            enc = MEDIANS["encrypted"].get(name)
            if enc is not None:
                print(f"{name:<44} {enc / plain:6.2f}x")


if __name__ == "__main__":
    main()
