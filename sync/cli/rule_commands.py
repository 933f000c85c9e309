"""``outpost rule ...`` and ``outpost shift ...``: automation rules and agents' shifts.

* ``rule list [--json]``, ``rule show REF [--json]`` — rules in evaluation order;
* ``rule add FILE|-`` — save one rule document or a list of them (see
  ``docs/sla-and-automation.md`` for the format; admins; journaled ``config.rules``);
* ``rule enable REF``, ``rule disable REF``, ``rule delete REF``;
* ``rule run-due [--json]`` — evaluate time-based rules now (what the app's timer does);
* ``shift list [--json]``, ``shift set AGENT --time-zone ZONE --hours "mon-fri 09:00-17:00"
  [--hours ...] [--day-off 2026-12-24 ...]``, ``shift clear AGENT``.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, time
from pathlib import Path
from typing import Any

from sync.automation import RuleStore, ShiftStore, run_due_rules
from sync.cli.exit_codes import UsageError
from sync.cli.output import emit_json, table
from sync.cli.sla_commands import read_json_argument
from sync.errors import ValidationError
from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory
from sync.sla import WEEKDAY_KEYS, Span

__all__ = ["add_arguments", "parse_hours", "run"]


def parse_hours(specs: list[str]) -> list[list[Span]]:
    """Weekly spans from texts like ``mon-fri 09:00-17:00`` or ``sat,sun 22:00-06:00``."""
    weekly: list[list[Span]] = [[] for _ in WEEKDAY_KEYS]
    for spec in specs:
        m = re.fullmatch(r"\s*([a-z,\-]+)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})\s*", spec.lower())
        if not m:
            raise UsageError(f"{spec!r} is not like 'mon-fri 09:00-17:00'.")
        try:
            span = (time.fromisoformat(m.group(2).zfill(5)), time.fromisoformat(m.group(3).zfill(5)))
        except ValueError:
            raise UsageError(f"{spec!r} has a time that does not exist.") from None
        for day in _days(m.group(1), spec):
            weekly[day].append(span)
    return weekly


def _days(text: str, spec: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(end not in WEEKDAY_KEYS for end in ends):
            raise UsageError(f"{spec!r}: days are mon, tue, wed, thu, fri, sat, sun (or a range).")
        first, last = WEEKDAY_KEYS.index(ends[0]), WEEKDAY_KEYS.index(ends[-1])
        days += list(range(first, last + 1)) if first <= last else [*range(first, 7), *range(0, last + 1)]
    return days


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    _add_rule(parser) if command == "rule" else _add_shift(parser)


def _add_rule(p: argparse.ArgumentParser) -> None:
    rsub = p.add_subparsers(dest="rule_command", required=True, metavar="ACTION")
    ls = rsub.add_parser("list", help="rules in evaluation order")
    ls.add_argument("--json", action="store_true")
    show = rsub.add_parser("show", help="one rule")
    show.add_argument("ref", help="the rule's name or id")
    show.add_argument("--json", action="store_true")
    add = rsub.add_parser("add", help="save a rule document (or a list of them) from a JSON file")
    add.add_argument("file", help="a JSON file, or - for stdin")
    for name in ("enable", "disable", "delete"):
        rsub.add_parser(name, help=f"{name} a rule").add_argument("ref")
    due = rsub.add_parser("run-due", help="evaluate time-based rules now (SLA warning/breach, no reply)")
    due.add_argument("--json", action="store_true")


def _add_shift(s: argparse.ArgumentParser) -> None:
    ssub = s.add_subparsers(dest="shift_command", required=True, metavar="ACTION")
    sls = ssub.add_parser("list", help="every agent's shift")
    sls.add_argument("--json", action="store_true")
    sset = ssub.add_parser("set", help="an agent's weekly hours")
    sset.add_argument("agent", help="username, e-mail or name")
    sset.add_argument("--time-zone", required=True)
    sset.add_argument(
        "--hours", action="append", required=True, help="e.g. 'mon-fri 09:00-17:00' (repeatable)"
    )
    sset.add_argument(
        "--day-off", action="append", default=[], help="a date off, e.g. 2026-12-24 (repeatable)"
    )
    ssub.add_parser("clear", help="remove a shift (always on shift again)").add_argument("agent")


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    replica = open_replica(data_dir)
    try:
        if command == "rule":
            return _rule(replica, args)
        return _shift(replica, args)
    finally:
        replica.close()


def _rule(replica: Replica, args: argparse.Namespace) -> int:
    store = RuleStore(replica)
    cmd = args.rule_command
    if cmd == "list":
        rules = store.list()
        if args.json:
            emit_json([rule.to_dict() for rule in rules])
        else:
            print(
                table(
                    ["NAME", "WHEN", "ON", "CONDITIONS", "ACTIONS"],
                    [
                        [
                            rule.name,
                            rule.event.value + (f" {rule.hours}h" if rule.hours else ""),
                            "yes" if rule.enabled else "no",
                            str(len(rule.conditions)),
                            ", ".join(a.kind.value for a in rule.actions),
                        ]
                        for rule in rules
                    ],
                )
            )
    elif cmd == "show":
        rule = store.get(args.ref)
        emit_json(rule.to_dict()) if args.json else print(_describe(rule.to_dict()))
    elif cmd == "add":
        data = read_json_argument(args.file)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                raise ValidationError("A rule is a JSON object (see docs/sla-and-automation.md).")
            saved = store.get(store.save(item).entity_id)
            print(f"Saved rule {saved.name!r} ({saved.id}).")
    elif cmd in ("enable", "disable"):
        store.set_enabled(args.ref, cmd == "enable")
    elif cmd == "delete":
        store.delete(args.ref)
    elif cmd == "run-due":
        result = run_due_rules(replica)
        if args.json:
            emit_json(
                {
                    "refreshed": result.refreshed,
                    "fired": [f.__dict__ for f in result.fired],
                    "stopped": [s.message for s in result.stopped],
                    "failed": list(result.failed),
                }
            )
        else:
            print(f"Refreshed {result.refreshed} SLA clocks; {len(result.fired)} rule firings.")
            for message in (*(s.message for s in result.stopped), *result.failed):
                print(message)
    return 0


def _describe(data: dict[str, Any]) -> str:
    lines = [f"{data['name']} ({data['id']}){'' if data['enabled'] else ' [disabled]'}"]
    lines.append(f"  when {data['event']}" + (f" for {data['hours']} h" if data["hours"] else ""))
    lines += [f"  and {c['field']} {c['op']} {c['value']!r}" for c in data["conditions"]]
    for a in data["actions"]:
        target = f" {a['field']}" if a["field"] else (f" to {a['to']}" if a["to"] else "")
        lines.append(f"  then {a['kind']}{target}" + ("" if a["value"] is None else f" {a['value']!r}"))
    return "\n".join(lines)


def _shift(replica: Replica, args: argparse.Namespace) -> int:
    store, directory = ShiftStore(replica), Directory(replica)
    cmd = args.shift_command
    if cmd == "list":
        shifts = store.list()
        if args.json:
            emit_json([shift.to_dict() for shift in shifts])
            return 0
        names = {p.id: p.name for p in directory.agents(active_only=False)}
        for shift in shifts:
            data = shift.to_dict()
            hours = "; ".join(
                f"{day} " + ", ".join(f"{a}-{b}" for a, b in spans)
                for day, spans in data["weekly"].items()
                if spans
            )
            print(f"{names.get(shift.agent_id, shift.agent_id)} ({data['time_zone']}): {hours}")
        return 0
    agent = directory.find_person(args.agent)
    if cmd == "set":
        try:
            days_off = [date.fromisoformat(text) for text in args.day_off]
        except ValueError:
            raise UsageError("--day-off takes dates like 2026-12-24.") from None
        store.set_shift(agent.id, args.time_zone, parse_hours(args.hours), days_off)
        print(f"Shift saved for {agent.name}.")
    else:
        store.clear(agent.id)
    return 0

