"""``outpost demo``: build a realistic demo replica without opening the app."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from sync.cli.encryption_commands import add_encrypt_options
from sync.cli.main import register_command
from sync.errors import ValidationError

__all__: list[str] = []


def _add(sub: Any) -> None:
    p = sub.add_parser("demo", help="create a realistic demo replica (no server, no account)")
    p.add_argument("--tickets", type=int, default=500)
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing demo replica in the data dir (refused if it has unsynced work)",
    )
    add_encrypt_options(p)


def _run(data_dir: Path, args: argparse.Namespace) -> int:
    from sync.demo.generator import DemoSpec, build_demo_replica

    if args.tickets < 0 or args.articles < 0:
        raise ValidationError("--tickets and --articles cannot be negative.")
    started = time.perf_counter()
    summary = build_demo_replica(
        data_dir, DemoSpec(tickets=args.tickets, articles=args.articles, seed=args.seed), replace=args.replace
    )
    print(
        f"Demo replica in {data_dir}: {summary.tickets} tickets, {summary.articles} articles, "
        f"{summary.people} people ({time.perf_counter() - started:.1f} s)."
    )
    return 0


register_command("demo", _add, _run)
