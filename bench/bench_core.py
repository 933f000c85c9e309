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

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from figures import NO_BASELINE, Figure, Scale, demo_replica, interleaved_ms, time_ms  # noqa: E402

from sync.demo.generator import DemoSpec, build_demo_replica  # noqa: E402
from sync.domain.ticket_status import OPEN_STATUSES  # noqa: E402
from sync.replica import sqlite_driver  # noqa: E402
from sync.replica.encryption import INFO_FILENAME, create_encryption, keys_for, write_info  # noqa: E402
from sync.replica.replica import REPLICA_FILENAME, open_replica  # noqa: E402
from sync.services.directory import Directory  # noqa: E402
from sync.services.ticket_queries import TicketFilter, TicketQueries, TicketSort  # noqa: E402
from sync.services.ticket_service import TicketService  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TABLES = ("queues", "people", "queue_members", "tickets", "ticket_tags", "comments", "activity", "work_logs")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, ours: list[float], base: list[float], unit: str = "ms") -> None:
    o, b = statistics.median(ours), statistics.median(base)
    p95 = sorted(ours)[int(len(ours) * 0.95) - 1] if len(ours) >= 20 else max(ours)
    print(f"{name:<44} {o:10.2f} {unit} (p95 {p95:.2f})   baseline {b:10.2f} {unit}   ratio {o / b:6.2f}x")


def _raw(data: Path, **kw: Any) -> sqlite3.Connection:
    """A raw DB-API connection to the replica (SQLCipher with its key when it is encrypted)."""
    keys = keys_for(data)
    return sqlite_driver.connect(data / REPLICA_FILENAME, None if keys is None else keys.db_key, **kw)


def generation(
    target: Path, n: int, articles: int = 40, encrypt: bool = False
) -> tuple[float, float, int]:
    """Build a demo replica of ``n`` tickets in ``target`` (encrypted: SQLCipher, key in the
    keyring); (seconds, seconds for raw inserts of the same rows into an empty copy of the
    schema, rows)."""
    shutil.rmtree(target, ignore_errors=True)
    if encrypt:
        target.mkdir(parents=True)
        write_info(target, create_encryption(None)[0])
    start = time.perf_counter()
    build_demo_replica(
        target, DemoSpec(tickets=n, articles=articles, seed=1, now=datetime(2026, 11, 1, tzinfo=UTC))
    )
    generated = time.perf_counter() - start
    # Raw sqlite3 inserting the very same rows into an empty copy of the schema.
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
    return generated, raw, sum(len(r) for r in rows.values())


def bench_generation(n: int, rebuild: bool, encrypt: bool = False) -> Path:
    target = OUT / (f"core-{n}-encrypted" if encrypt else f"core-{n}")
    if rebuild or not (target / REPLICA_FILENAME).exists():
        generated, raw, total_rows = generation(target, n, encrypt=encrypt)
        print(
            f"{'demo generation of ' + str(n) + ' tickets':<44} {generated:10.2f} s   "
            f"raw inserts of the same {total_rows} rows {raw:.2f} s   (not the same work: the "
            "generator also invents the text and computes SLA; shown for scale)"
        )
    else:
        print(f"(reusing {target}; pass --rebuild to time the generation)")
    return target


def bench_list(data: Path, runs: int = 30) -> list[Figure]:
    replica = open_replica(data)
    queue = Directory(replica).queue_by_name("Facilities").id
    queries = TicketQueries(replica)
    flt = TicketFilter(queue_ids=(queue,), statuses=tuple(sorted(OPEN_STATUSES)))
    raw = _raw(data)
    raw.execute("PRAGMA cache_size=-32000")
    placeholders = ",".join("?" * len(OPEN_STATUSES))
    sql = (
        "SELECT t.id, t.number, t.local_number, t.subject, r.name, t.status, t.priority, a.name, q.name, "
        "t.updated_at, t.due_at, t.sla_state FROM tickets t JOIN queues q ON q.id = t.queue_id "
        "LEFT JOIN people r ON r.id = t.requester_id LEFT JOIN people a ON a.id = t.assignee_id "
        f"WHERE t.queue_id = ? AND t.status IN ({placeholders}) "
        "ORDER BY t.updated_at DESC, t.id DESC LIMIT 200"
    )
    args = (queue, *sorted(OPEN_STATUSES))
    ours, base = interleaved_ms(
        lambda: queries.rows(flt, TicketSort("updated", True), limit=200),
        lambda: raw.execute(sql, args).fetchall(),
        runs,
    )
    report("list one queue's open tickets (200 rows)", ours, base)
    count, base_count = interleaved_ms(
        lambda: queries.count(flt),
        lambda: raw.execute(
            f"SELECT count(*) FROM tickets WHERE queue_id = ? AND status IN ({placeholders})", args
        ).fetchone(),
        max(3, runs // 3),
    )
    report("count of the same", count, base_count)
    ids = [r.id for r in queries.rows(TicketFilter(), TicketSort("updated", True), limit=runs)]
    picks = iter(range(10**9))
    ticket_sql = (
        "SELECT t.*, q.name, r.name, a.name FROM tickets t JOIN queues q ON q.id = t.queue_id "
        "LEFT JOIN people r ON r.id = t.requester_id LEFT JOIN people a ON a.id = t.assignee_id "
        "WHERE t.id = ?"
    )

    def raw_detail(tid: str) -> None:
        raw.execute(ticket_sql, (tid,)).fetchone()
        raw.execute("SELECT * FROM comments WHERE ticket_id = ? ORDER BY created_at, id", (tid,)).fetchall()
        raw.execute(
            "SELECT * FROM activity WHERE entity_type = 'ticket' AND entity_id = ? ORDER BY at, id", (tid,)
        ).fetchall()
        raw.execute("SELECT * FROM work_logs WHERE ticket_id = ? ORDER BY logged_at", (tid,)).fetchall()
        raw.execute("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (tid,)).fetchall()

    opened: list[float] = []
    base_opened: list[float] = []
    for _ in range(runs):
        tid = ids[next(picks) % len(ids)]
        opened.append(time_ms(lambda tid=tid: queries.detail(tid)))  # type: ignore[misc]
        base_opened.append(time_ms(lambda tid=tid: raw_detail(tid)))  # type: ignore[misc]
    report("open a ticket (detail)", opened, base_opened)
    raw.close()
    replica.close()
    return [
        Figure(
            "list one queue's open tickets (200 rows)", "ms", ours,
            "the same SQL (same joins, filter, order, 200 rows) on a plain sqlite3 connection (warm)", base,
            goal="< 50 ms", key="list_queue",
        ),
        Figure(
            "count of one queue's open tickets", "ms", count,
            "the same count(*) on a plain sqlite3 connection (warm)", base_count,
        ),
        Figure(
            "open a ticket", "ms", opened,
            "the same rows (ticket with names, comments, activity, work logs, tags) read by five "
            "hand-written SELECTs; ours also computes the live SLA clocks (a different ticket each run, "
            "both warm)", base_opened, key="open_ticket",
        ),
    ]  # fmt: skip


def bench_action(data: Path, runs: int = 200) -> list[Figure]:
    work = Path(tempfile.mkdtemp())
    for name in (REPLICA_FILENAME, INFO_FILENAME):  # the description names the encrypted key
        if (data / name).exists():
            shutil.copy(data / name, work / name)
    replica = open_replica(work)
    service, queries = TicketService(replica), TicketQueries(replica)
    ids = [r.id for r in queries.rows(TicketFilter(statuses=("open",)), limit=400)]
    toggle = iter(range(10**9))

    def action() -> None:
        i = next(toggle)
        service.update_ticket(ids[i % len(ids)], {"location": f"Room {i}"})

    ours = timed(action, runs)
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

    base = timed(raw_action, runs)
    report("one user action (edit + activity + journal)", ours, base)
    raw.close()
    shutil.rmtree(work)
    return [
        Figure(
            "one user action (edit + activity + journal)", "ms", ours,
            "the same three statements (read old value, UPDATE, activity and journal INSERTs) in one "
            "durable transaction through sqlite3 with the same pragmas (WAL, synchronous=FULL)", base,
            goal="< 5 ms median", key="user_action",
        ),
    ]  # fmt: skip


def figures(scale: Scale) -> list[Figure]:
    """Demo generation, a queue list, a count, opening a ticket and one user action."""
    out: list[Figure] = []
    if not scale.scaling:  # (a second demo build: skipped where only the charted figures count)
        with tempfile.TemporaryDirectory() as tmp:
            generated, raw, total = generation(Path(tmp) / "demo", scale.tickets, scale.articles)
        out.append(
            Figure(
                f"demo generation ({scale.tickets:,} tickets)", "s", [generated],
                f"{NO_BASELINE}: the generator invents the text and computes SLA; raw inserts of the "
                f"same {total:,} rows are shown for scale only", [raw], comparable=False,
                state="one-shot", goal="100k < 60 s", key="demo_generation",
            )
        )  # fmt: skip
    data = demo_replica(scale.tickets, scale.articles)
    out += bench_list(data, runs=max(10, scale.runs * 6))
    out += bench_action(data, runs=max(20, scale.runs * 20))
    return out


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
        "print encrypted / plain for each figure (aim: at most 1.3x)",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"Outpost core benchmark, {args.tickets} tickets, {time.strftime('%Y-%m-%d %H:%M')}")
    data = bench_generation(args.tickets, args.rebuild)
    plain = bench_list(data) + bench_action(data)
    if args.encrypt:
        print("-- the same on an encrypted replica --")
        data = bench_generation(args.tickets, args.rebuild, encrypt=True)
        encrypted = bench_list(data) + bench_action(data)
        print("-- encrypted / plain, medians (aim: at most 1.3x) --")
        for p, e in zip(plain, encrypted, strict=True):
            print(f"{p.name:<44} {statistics.median(e.samples) / statistics.median(p.samples):6.2f}x")


if __name__ == "__main__":
    main()
