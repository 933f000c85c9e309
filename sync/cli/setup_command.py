"""``outpost setup --name N --username U``: make this replica a standalone help desk (creates it)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="your full name")
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", default="")
    from sync.cli.encryption_commands import add_encrypt_options

    add_encrypt_options(parser)


def run(command: str, data_dir: Path, args: argparse.Namespace) -> int:
    from sync.replica.replica import open_replica
    from sync.services.standalone_setup import set_up_standalone

    replica = open_replica(data_dir)
    try:
        set_up_standalone(replica, name=args.name, username=args.username, email=args.email)
    finally:
        replica.close()
    print(f"Replica ready in {data_dir}: working standalone as {args.username}.")
    return 0
