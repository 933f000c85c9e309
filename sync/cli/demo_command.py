"""``outpost demo``: build a realistic demo replica without opening the app."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sync.cli.encryption_commands import add_encrypt_options
from sync.cli.exit_codes import UsageError

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, p: argparse.ArgumentParser) -> None:
    p.add_argument("--tickets", type=int, default=500)
    p.add_argument("--articles", type=int, default=40)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing demo replica in the data dir (refused if it has unsynced work)",
    )
    add_encrypt_options(p)


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    from sync.demo.generator import DemoSpec, build_demo_replica

    if args.tickets < 0 or args.articles < 0:
        raise UsageError("--tickets and --articles cannot be negative.")
    started = time.perf_counter()
    summary = build_demo_replica(
        data_dir, DemoSpec(tickets=args.tickets, articles=args.articles, seed=args.seed), replace=args.replace
    )
    print(
        f"Demo replica in {data_dir}: {summary.tickets} tickets, {summary.articles} articles, "
        f"{summary.people} people ({time.perf_counter() - started:.1f} s)."
    )
    return 0

