"""Benchmark: the 90-day reports dashboard on a demo replica (not a test).

Run: ``PYTHONPATH=. python bench/bench_reports.py [tickets]`` (default 100,000), or through
``bench/run.py`` (figures below at the harness's size).

* **dashboard, 90 days**: :func:`sync.reports.dashboard` (summary with the previous 90
  days, volume and backlog per day, SLA) for the 90 days before the demo's "now" — the
  Reports view's first screen. Goal: < 300 ms at 100k tickets, < 1.5 s at 1M.
  Baseline, same run: the equivalent raw SQL aggregation — created and resolved per day,
  open at each day's end, open at the end, mean wall-clock first response and resolution,
  by hand-written ``GROUP BY`` statements on the same file (UTC days, no business time, no
  previous period, no SLA: the floor of reading those facts at all).
* **its parts**: reading the tickets' facts (SQL and building them) and computing the four
  reports from them, to show where the time goes (no baseline).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from figures import (  # noqa: E402
    DEMO_NOW,
    NO_BASELINE,
    OUT,
    SIZES,
    Figure,
    Scale,
    copy_replica,
    demo_replica,
    interleaved_ms,
    print_figures,
    repeat_ms,
)

from sync import reports  # noqa: E402
from sync.replica.replica import REPLICA_FILENAME, open_replica  # noqa: E402
from sync.reports.backlog_report import backlog_of  # noqa: E402
from sync.reports.sla_report import sla_of  # noqa: E402
from sync.reports.summary_report import summarize  # noqa: E402
from sync.reports.volume_report import volume_of  # noqa: E402
from sync.services.sla_service import load_sla_config  # noqa: E402

_OPEN = "('new','open','in_progress','pending_requester','pending_third_party')"


def raw_sql_dashboard(path: Path, start: str, end: str) -> object:
    """The baseline: the same headline facts by plain SQL (see the module docstring)."""
    conn = sqlite3.connect(path)
    try:
        created = conn.execute(
            "SELECT date(created_at) d, count(*) FROM tickets "
            "WHERE created_at >= ? AND created_at < ? GROUP BY d",
            (start, end),
        ).fetchall()
        resolved = conn.execute(
            "SELECT date(resolved_at) d, count(*) FROM tickets "
            "WHERE resolved_at >= ? AND resolved_at < ? GROUP BY d",
            (start, end),
        ).fetchall()
        backlog = conn.execute(
            "WITH RECURSIVE days(d) AS "
            "(SELECT date(?) UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < date(?)) "
            "SELECT d, (SELECT count(*) FROM tickets t WHERE t.created_at < date(d, '+1 day') AND "
            f"(t.status IN {_OPEN} OR t.resolved_at >= date(d, '+1 day'))) FROM days",
            (start, end),
        ).fetchall()
        means = conn.execute(
            "SELECT avg((julianday(first_response_at) - julianday(created_at)) * 1440) FROM tickets "
            "WHERE first_response_at >= ? AND first_response_at < ?",
            (start, end),
        ).fetchone()
        resolution = conn.execute(
            "SELECT avg((julianday(resolved_at) - julianday(created_at)) * 1440), count(*) FROM tickets "
            "WHERE resolved_at >= ? AND resolved_at < ?",
            (start, end),
        ).fetchone()
        open_now = conn.execute(f"SELECT count(*) FROM tickets WHERE status IN {_OPEN}").fetchone()
        return created, resolved, backlog, means, resolution, open_now
    finally:
        conn.close()


def figures(scale: Scale) -> list[Figure]:
    folder = copy_replica(demo_replica(scale.tickets, scale.articles), OUT / f"harness-reports-{scale.name}")
    replica = open_replica(folder, clock=lambda: DEMO_NOW)
    try:
        with replica.read() as s:
            zone = ZoneInfo(reports.desk_time_zone(load_sla_config(s)))
        last = DEMO_NOW.astimezone(zone).date() - timedelta(days=1)
        request = reports.ReportRequest(last - timedelta(days=89), last, tz=zone)
        start, end = request.start_at, request.end_at
        text = (start.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"))

        def ours() -> object:
            with replica.read() as s:
                return reports.dashboard(s, request, now=DEMO_NOW)

        runs = max(3, scale.runs)
        mine, base = interleaved_ms(ours, lambda: raw_sql_dashboard(folder / REPLICA_FILENAME, *text), runs)
        out = [
            Figure(
                f"reports dashboard, 90 days ({scale.tickets:,} tickets)",
                "ms",
                mine,
                "the equivalent raw SQL aggregation (GROUP BY per day, UTC days, wall clock only)",
                base,
                goal="< 300 ms at 100k, < 1.5 s at 1M",
            )
        ]
        holder: dict[str, object] = {}

        def load() -> None:
            with replica.read() as s:
                holder["data"] = reports.load_report_data(
                    s, request, with_previous=True, now=DEMO_NOW, side=reports.REPLICA
                )

        out.append(
            Figure(
                "reports: read the tickets' facts (90 days + previous)",
                "ms",
                repeat_ms(load, runs),
                f"{NO_BASELINE}: one part of the dashboard above (whose baseline is the whole raw "
                "aggregation); shown to say where its time goes",
            )
        )

        def compute() -> None:
            data = holder["data"]
            assert isinstance(data, reports.ReportData)
            data._clocks.clear()
            data._resolution_clocks.clear()
            summarize(data), volume_of(data), backlog_of(data), sla_of(data)

        out.append(
            Figure(
                "reports: compute the dashboard from them", "ms", repeat_ms(compute, runs),
                f"{NO_BASELINE}: the other part of the dashboard above; shown to say where its time goes",
            )
        )
        return out
    finally:
        replica.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("tickets", nargs="?", type=int, default=100_000)
    args = parser.parse_args()
    base = SIZES["medium"]
    print_figures(figures(Scale("cli", args.tickets, base.articles, 3)))
