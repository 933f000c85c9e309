"""Benchmark of the replica's size on disk, by table and index (not a test).

    python bench/bench_replica_size.py [--tickets 20000] [--articles 200] [--seed 3] [--json FILE]

Builds a demo replica in a temporary folder, indexes it for search (as the app does on
first start), checkpoints the WAL, and prints the bytes per ticket of every table and
index as SQLite's ``dbstat`` counts them (pages in use, including free space inside
them), largest first, plus the file size. The baseline beside it is the text the replica
exists to hold, stored once: the UTF-8 bytes of every ticket's subject, description and
resolution and every comment's body (what a plain table of them could not go below).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import REPLICA_FILENAME, open_replica
from sync.search.index import SearchIndex

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def measure(path: Path, tickets: int) -> dict[str, object]:
    """Bytes per ticket by table/index (``dbstat``), the file size, and the text baseline."""
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        objects = dict(c.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
        sizes = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        text = c.execute(
            "SELECT (SELECT sum(length(CAST(subject || description || resolution AS BLOB))) FROM tickets)"
            " + (SELECT sum(length(CAST(body AS BLOB))) FROM comments)"
        ).fetchone()[0]
    rows = [
        {"name": name, "table": objects.get(name, name), "bytes": int(size), "per_ticket": size / tickets}
        for name, size in sizes
    ]
    return {
        "tickets": tickets,
        "file_bytes": path.stat().st_size,
        "per_ticket": path.stat().st_size / tickets,
        "text_per_ticket": int(text) / tickets,
        "objects": rows,
    }


def build(folder: Path, tickets: int, articles: int, seed: int) -> float:
    started = time.perf_counter()
    build_demo_replica(folder, DemoSpec(tickets=tickets, articles=articles, seed=seed, now=NOW))
    replica = open_replica(folder)
    try:
        assert SearchIndex(replica, batch_size=2000).catch_up().finished
    finally:
        replica.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds = build(Path(tmp), args.tickets, args.articles, args.seed)
        figures = measure(Path(tmp) / REPLICA_FILENAME, args.tickets)
    figures["build_s"] = seconds
    print(f"demo of {args.tickets:,} tickets built and indexed in {seconds:.1f} s")
    print(f"{'object':40} {'table':22} {'MB':>8} {'B/ticket':>9}")
    for row in figures["objects"]:  # type: ignore[attr-defined]
        print(f"{row['name']:40} {row['table']:22} {row['bytes'] / 1e6:8.2f} {row['per_ticket']:9.0f}")
    print(
        f"file: {figures['file_bytes'] / 1e6:.1f} MB, {figures['per_ticket']:.0f} B/ticket; "
        f"baseline (the text itself, once): {figures['text_per_ticket']:.0f} B/ticket "
        f"(ratio {figures['per_ticket'] / figures['text_per_ticket']:.1f})"  # type: ignore[operator]
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
