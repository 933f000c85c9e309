"""``outpost sla ...``: the SLA configuration, the bulk recompute and what is due.

* ``sla show [--json]`` — calendars, policies, selection rules, the default policy, the
  configuration's revision and whether stored deadlines wait for a recompute;
* ``sla export`` — the configuration document (:meth:`sync.sla.SlaConfig.to_dict`) as JSON;
* ``sla import FILE|-`` — validate and save a document (admins; journaled ``config.sla``),
  then recompute every ticket unless ``--no-recompute``;
* ``sla init --time-zone ZONE`` — save the built-in configuration with office hours in ZONE;
* ``sla recompute`` — recompute every ticket's deadline and state (resumes an interrupted
  run; progress on stderr);
* ``sla due [--within 4h] [--mine] [--json]`` — overdue / due-soon counts and my tickets
  about to breach.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, human_time, table
from sync.cli.ticket_commands import parse_due_before
from sync.errors import ValidationError
from sync.replica.replica import Replica, open_replica
from sync.services.sla_recompute import RecomputeProgress, SlaRecompute
from sync.services.sla_service import DUE_SOON, SlaService
from sync.sla import WEEKDAY_KEYS, SlaConfig, default_sla_config

__all__ = ["add_arguments", "read_json_argument", "run"]


def read_json_argument(source: str) -> Any:
    """JSON from a file path, or from stdin for ``-``; ValidationError when it is not JSON."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as exc:
        raise ValidationError(f"Cannot read {source}: {exc.strerror or exc}.") from None
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{source} is not JSON: {exc.msg} at line {exc.lineno}.") from None


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    ssub = p.add_subparsers(dest="sla_command", required=True, metavar="ACTION")
    show = ssub.add_parser("show", help="the SLA configuration")
    show.add_argument("--json", action="store_true")
    ssub.add_parser("export", help="print the configuration document (JSON)")
    imp = ssub.add_parser("import", help="save a configuration document (admins)")
    imp.add_argument("file", help="a JSON file, or - for stdin")
    imp.add_argument("--no-recompute", action="store_true", help="leave the recompute for later")
    init = ssub.add_parser("init", help="save the built-in configuration with office hours in a time zone")
    init.add_argument("--time-zone", required=True, help="an IANA name, e.g. Europe/London")
    ssub.add_parser("recompute", help="recompute every ticket's deadline and state")
    due = ssub.add_parser("due", help="overdue / due soon counts and my tickets about to breach")
    due.add_argument("--within", default="4h", help="how far ahead 'due soon' looks (30m, 4h, 2d)")
    due.add_argument("--mine", action="store_true", help="count only my tickets")
    due.add_argument("--json", action="store_true")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        service = SlaService(replica)
        cmd = args.sla_command
        if cmd == "show":
            _show(replica, service, args.json)
        elif cmd == "export":
            emit_json(service.config().to_dict())
        elif cmd in ("import", "init"):
            config = (
                default_sla_config(args.time_zone) if cmd == "init" else _parse(read_json_argument(args.file))
            )
            service.save_config(config)
            print(f"SLA configuration saved (revision {service.config_revision()}).", file=sys.stderr)
            if not getattr(args, "no_recompute", False):
                _recompute(replica)
        elif cmd == "recompute":
            _recompute(replica)
        elif cmd == "due":
            _due(replica, service, args)
        return 0
    finally:
        replica.close()


def _parse(data: Any) -> SlaConfig:
    if not isinstance(data, dict):
        raise ValidationError("An SLA configuration is a JSON object (see `outpost sla export`).")
    try:
        return SlaConfig.from_dict(data)
    except ValueError as exc:
        raise ValidationError(f"The SLA configuration is invalid: {exc}") from None


def _recompute(replica: Replica) -> None:
    def report(progress: RecomputeProgress) -> None:
        print(f"\rRecomputing SLA: {progress.done}/{progress.total}", end="", file=sys.stderr, flush=True)

    result = SlaRecompute(replica).run(progress=report)
    print(f"\rRecomputed {result.done} tickets; {result.changed} changed.", file=sys.stderr)


def _show(replica: Replica, service: SlaService, as_json: bool) -> None:
    config = service.config()
    pending = SlaRecompute(replica).pending()
    if as_json:
        emit_json({"revision": service.config_revision(), "recompute_pending": pending, **config.to_dict()})
        return
    print(
        f"Default policy: {config.default_policy.name}  (revision {service.config_revision() or 'built-in'})"
    )
    if pending:
        print("Stored deadlines are out of date: run `outpost sla recompute`.")
    for calendar in config.calendars.values():
        hours = "; ".join(
            f"{WEEKDAY_KEYS[day]} " + ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in spans)
            for day, spans in enumerate(calendar.weekly)
            if spans
        )
        holidays = f" · {len(calendar.holidays)} holidays" if calendar.holidays else ""
        print(f"Calendar {calendar.name} ({calendar.time_zone}): {hours}{holidays}")
    for policy in config.policies.values():
        rows = [
            [
                priority.label,
                _span(targets.first_response),
                _span(targets.resolution),
                policy.calendar_for(priority),
            ]
            for priority, targets in policy.targets.items()
        ]
        print(f"\nPolicy {policy.name} (warn at {policy.warn_at:.0%}):")
        print(table(["PRIORITY", "RESPOND", "RESOLVE", "CALENDAR"], rows))
    for rule in config.rules:
        conditions = ", ".join(f"{k}={v}" for k, v in rule.to_dict().items() if k != "policy" and v)
        print(f"Rule: {conditions or 'any ticket'} -> {rule.policy}")


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h" + (f" {rest // 60} min" if rest else "") if hours else f"{seconds // 60} min"


def _due(replica: Replica, service: SlaService, args: argparse.Namespace) -> None:
    now = replica.clock()
    within = parse_due_before(args.within, now) - now if args.within else DUE_SOON
    if within <= timedelta(0):
        raise UsageError("--within must be a span ahead, like 30m, 4h or 2d.")
    me = replica.current_user_id
    counts = service.due_counts(now, within=within, assignee_id=me if args.mine else None)
    alerts = service.about_to_breach(me, now, within=within) if me else []
    if args.json:
        emit_json(
            {"overdue": counts.overdue, "due_soon": counts.due_soon, "paused": counts.paused, "mine": alerts}
        )
        return
    print(f"Overdue: {counts.overdue} · due soon: {counts.due_soon} · paused: {counts.paused}")
    if alerts:
        print(
            table(
                ["NUMBER", "DUE", "SUBJECT"],
                [
                    [a.display_number, ("OVERDUE " if a.overdue else "") + human_time(a.due_at), a.subject]
                    for a in alerts
                ],
            )
        )

