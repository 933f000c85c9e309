"""``outpost report NAME``: the desk's reports from the replica (works offline).

    outpost report summary [--from DATE --to DATE | --days N] [--query Q] [--json|--csv]
    outpost report volume|backlog|sla|agents|work|knowledge|csat
        [--by FIELD] [--interval day|week|month] [--from ...] [--query Q] [--json|--csv]

The range is whole local days, both ends included, in the desk's time zone (the SLA
office-hours calendar's; ``--tz`` overrides); by default the 30 days ending today.
``--json`` prints the report's document (``docs/cli-json.md``), ``--csv`` its table, and
without either a short human table. The metrics' rules are in ``docs/reports.md``.
A bad range, split, interval or query exits with 2 and says why.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, table
from sync.errors import ValidationError
from sync.replica.replica import open_replica
from sync.reports import BY_FIELDS, INTERVALS, REPORTS, ReportRequest, desk_time_zone, run_report
from sync.services.sla_service import load_sla_config

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    p.add_argument("report", choices=list(REPORTS), metavar="REPORT", help=f"one of: {', '.join(REPORTS)}")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included (default: today)")
    p.add_argument("--days", type=int, default=30, help="days ending --to when --from is not given (30)")
    p.add_argument("--query", default="", help="filter in the search language, e.g. 'queue:IT priority:high'")
    p.add_argument("--by", choices=BY_FIELDS, help="split by this ticket field")
    p.add_argument("--interval", choices=INTERVALS, default="day", help="bucket size (day)")
    p.add_argument("--tz", help="time zone of the days (default: the desk's, from the SLA calendar)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="the report as JSON")
    out.add_argument("--csv", action="store_true", help="the report's table as CSV")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        with replica.read() as s:
            zone = _zone(args.tz or desk_time_zone(load_sla_config(s)))
            request = _request(args, zone, replica.clock())
            try:
                result = run_report(s, request, args.report, now=replica.clock())
            except ValidationError as exc:  # the request's query or split: the command line's fault
                raise UsageError(str(exc)) from None
    finally:
        replica.close()
    if args.json:
        emit_json(result.to_json())
    elif args.csv:
        _csv(result.rows())
    else:
        _human(args.report, result)
    return 0


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"Unknown time zone '{name}' (use an IANA name such as Europe/London).") from None


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} takes a date as YYYY-MM-DD, not '{text}'.") from None


def _request(args: argparse.Namespace, zone: ZoneInfo, now: datetime) -> ReportRequest:
    end = _date(args.end, "--to") if args.end else now.astimezone(UTC).astimezone(zone).date()
    if args.start:
        start = _date(args.start, "--from")
    else:
        if args.days < 1:
            raise UsageError("--days takes a number of days, at least 1.")
        start = end - timedelta(days=args.days - 1)
    try:
        return ReportRequest(start, end, args.query, args.interval, args.by, zone)
    except ValidationError as exc:
        raise UsageError(str(exc)) from None


def _csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _human(name: str, result: Any) -> None:
    doc = result.to_json()
    span = doc["range"]
    print(
        f"{name} report, {span['from']} to {span['to']} ({span['tz']})"
        + (f", {span['query']}" if span["query"] else "")
    )
    rows = result.rows()
    if name == "summary":
        print(
            table(
                ["figure", "value", "previous"],
                [[r["figure"], _cell(r["value"]), _cell(r["previous"])] for r in rows],
            )
        )
    elif rows:
        headers = list(rows[0])
        print(table(headers, [[_cell(r[h]) for h in headers] for r in rows]))
    else:
        print("(nothing in this range)")
    note = doc.get("note") or doc.get("csat_note")
    if name == "knowledge" and not doc.get("available", True):
        print("Article links are not available here.")
    elif note and name == "csat":
        print(note)
    if name == "csat":
        deflected = doc.get("deflections")
        print(f"Deflections: {deflected}" if deflected is not None else str(doc.get("deflections_note", "")))
