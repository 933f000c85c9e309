"""Benchmark of assets and locations (issue 18): the asset page, a 50k-asset list, a 10k-row import.

    python bench/bench_assets.py [--runs 5]

- **asset page, 500 tickets**: ``AssetReader.asset`` (details, every ticket with its minutes,
  every work log, the history) of an asset linked to 500 tickets with a work log each; goal
  < 100 ms. Baseline: the same reads as hand-written statements on a plain sqlite3
  connection (warm, both).
- **asset list, 50k assets**: the first page (500, by tag) of a 50,000-asset register, and
  the same filtered by words; goal < 50 ms. Baseline: the same ``SELECT … ORDER BY tag
  LIMIT 500`` by hand (warm).
- **import 10k assets from CSV**: ``outpost asset import`` of 10,000 rows (checks, 10k
  assets, history lines and journal entries, one transaction) into a fresh replica; goal
  < 10 s. Baseline: parsing the same CSV and a raw ``executemany`` insert of the same rows
  into the ``assets`` table in one transaction (one-shot, both).
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, Scale, interleaved_ms, print_figures

from sync.assets.csv_import import import_assets
from sync.ids import new_id
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica
from sync.services.asset_reader import AssetReader
from sync.services.asset_service import AssetService
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone
from sync.services.ticket_service import NewTicket, TicketService
from sync.services.ticket_work import TicketWork

_TYPES = ("Laptop", "Printer", "Boiler", "Air handling unit", "Lift", "Projector")


def _replica(folder: Path) -> Replica:
    replica = open_replica(folder)
    set_up_standalone(replica, name="Bench Tech", username="bench")
    return replica


def _asset_page(folder: Path, runs: int) -> Figure:
    replica = _replica(folder)
    svc = AssetService(replica)
    room = svc.create_location("Plant room B", kind="room").entity_id
    boiler = svc.create_asset("BOIL-01", "Boiler 1", type="Boiler", location_id=room).entity_id
    queue = Directory(replica).queue_by_name("Facilities").id
    tickets, work = TicketService(replica), TicketWork(replica)
    for i in range(500):
        t = tickets.create_ticket(NewTicket(subject=f"Boiler fault {i}", queue_id=queue)).entity_id
        svc.link_asset(t, boiler)
        work.log_work(t, 10 + i % 50, note="Checked burner", parts="")
    reader = AssetReader(replica)
    conn = sqlite3.connect(folder / REPLICA_FILENAME)

    def raw() -> object:
        a = conn.execute("SELECT * FROM assets WHERE lower(tag) = 'boil-01'").fetchone()
        ids = [r[0] for r in conn.execute("SELECT ticket_id FROM ticket_assets WHERE asset_id = ?", (a[0],))]
        marks = ",".join("?" * len(ids))
        conn.execute(
            f"SELECT id, number, local_number, subject, status, updated_at FROM tickets "
            f"WHERE id IN ({marks})",
            ids,
        ).fetchall()
        conn.execute(
            f"SELECT ticket_id, sum(minutes) FROM work_logs WHERE ticket_id IN ({marks}) GROUP BY ticket_id",
            ids,
        ).fetchall()
        conn.execute(f"SELECT * FROM work_logs WHERE ticket_id IN ({marks})", ids).fetchall()
        conn.execute(
            "SELECT * FROM activity WHERE entity_type = 'asset' AND entity_id = ?", (a[0],)
        ).fetchall()
        return conn.execute("SELECT * FROM locations").fetchall()  # fmt: skip

    detail = reader.asset("BOIL-01")
    assert len(detail.tickets) == 500 and len(detail.work) == 500
    ours, base = interleaved_ms(lambda: reader.asset("BOIL-01"), raw, runs)
    conn.close()
    replica.close()
    return Figure(
        "asset page, 500 tickets", "ms", ours,
        "the same reads as hand-written SQL on a plain sqlite3 connection (warm)", base, goal="< 100 ms",
    )  # fmt: skip


def _asset_list(folder: Path, runs: int) -> list[Figure]:
    replica = _replica(folder)
    site = AssetService(replica).create_location("Main Campus", kind="site").entity_id
    rows = [
        (new_id(), f"AST-{i:06d}", f"{_TYPES[i % len(_TYPES)]} {i}", _TYPES[i % len(_TYPES)], "Acme", "M1",
         f"SN{i * 7919 % 10_000_000:07d}", "in_use", site, None, "2022-01-01", "2026-01-01", "",
         "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000", 1)
        for i in range(50_000)
    ]  # fmt: skip
    with sqlite3.connect(folder / REPLICA_FILENAME) as c:
        c.executemany(f"INSERT INTO assets VALUES ({','.join('?' * 16)})", rows)
    reader = AssetReader(replica)
    conn = sqlite3.connect(folder / REPLICA_FILENAME)
    first, words = (
        interleaved_ms(
            lambda q=q: reader.assets(query=q, limit=500),
            lambda q=q: conn.execute(
                "SELECT * FROM assets" + (" WHERE name LIKE ? OR tag LIKE ? OR serial LIKE ?" if q else "")
                + " ORDER BY tag LIMIT 500", (f"%{q}%",) * 3 if q else ()
            ).fetchall(),
            runs * 3,
        )
        for q in ("", "boiler")
    )  # fmt: skip
    conn.close()
    replica.close()
    page = "the same SELECT … ORDER BY tag LIMIT 500 by hand (warm)"
    like = "the same LIKE filter and page by hand (warm)"
    return [
        Figure("asset list, 50k assets, first page", "ms", first[0], page, first[1], goal="< 50 ms"),
        Figure("asset list, 50k assets, words", "ms", words[0], like, words[1], goal="< 50 ms"),
    ]


def _import(folder: Path) -> Figure:
    folder.mkdir(parents=True)
    path = folder / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Asset Tag", "Item Name", "Category", "Manufacturer", "Model Name", "Serial", "Status",
                    "Location", "Purchase Date", "Warranty Months"])  # fmt: skip
        for i in range(10_000):
            kind = _TYPES[i % len(_TYPES)]
            w.writerow([f"IMP-{i:05d}", f"{kind} {i}", kind, "Acme", "M1", f"SN{i:07d}", "Deployed",
                        f"Main Campus > Building {i % 5} > Room {i % 40}", "2023-01-15", "36"])  # fmt: skip
    replica = _replica(folder / "ours")
    started = time.perf_counter()
    report = import_assets(replica, path)
    ours = (time.perf_counter() - started) * 1000
    assert report.imported and report.assets == 10_000, report.errors[:3]
    replica.close()
    base_replica = _replica(folder / "base")
    base_replica.close()
    started = time.perf_counter()
    with (
        path.open(newline="", encoding="utf-8") as fh,
        sqlite3.connect(folder / "base" / REPLICA_FILENAME) as c,
    ):
        reader = csv.reader(fh)
        next(reader)
        c.executemany(
            f"INSERT INTO assets VALUES ({','.join('?' * 16)})",
            [
                (new_id(), r[0], r[1], r[2], r[3], r[4], r[5], "in_use", None, None, r[8], None, "",
                 "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000", 0)
                for r in reader
            ],
        )  # fmt: skip
    base = (time.perf_counter() - started) * 1000
    return Figure(
        "import 10k assets from CSV", "ms", [ours],
        "parse the same CSV and a raw executemany insert of the rows into assets, one transaction", [base],
        goal="< 10 s", state="one-shot",
    )  # fmt: skip


def figures(scale: Scale) -> list[Figure]:
    runs = max(3, scale.runs)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        out = [_asset_page(root / "page", runs)]
        out += _asset_list(root / "list", runs)
        out.append(_import(root / "import"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print_figures(figures(Scale("cli", tickets=0, articles=0, runs=args.runs)))


if __name__ == "__main__":
    main()
