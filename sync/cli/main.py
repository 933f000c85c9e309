"""Entry point of the client CLI: parses ``outpost [--data-dir DIR] COMMAND ...`` and runs it.

Exit codes: 0 success; 1 the action was refused or failed (one line on stderr says why,
and nothing was half-written: every action is one transaction); 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sync.cli.data_dir import resolve_data_dir
from sync.cli.kb_commands import add_kb_parser, run_kb_command
from sync.cli.ticket_commands import add_ticket_parser, run_ticket_command
from sync.errors import OutpostError
from sync.replica.replica import open_replica

__all__ = ["CLI_COMMANDS", "build_parser", "run"]

#: First words that select the CLI rather than the desktop app.
CLI_COMMANDS = frozenset(
    {"ticket", "kb", "demo", "setup", "search", "connect", "sync", "status", "conflicts"}
    | {"sla", "rule", "shift", "macro", "template"}
)

#: An extra command gets the resolved data dir and opens (or creates) the replica itself.
Handler = Callable[[Path, argparse.Namespace], int]
_EXTRA_COMMANDS: dict[
    str, tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], Handler]
] = {}


def register_command(
    name: str, add: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], handler: Handler
) -> None:
    """Let another part of the core (demo, search, sync) add a top-level command."""
    _EXTRA_COMMANDS[name] = (add, handler)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outpost", description="Outpost help desk: the client command line."
    )
    parser.add_argument(
        "--data-dir", help="the replica's folder (default: $OUTPOST_DATA_DIR or the user data dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_ticket_parser(sub)
    add_kb_parser(sub)
    setup = sub.add_parser("setup", help="set this replica up to work standalone on this computer")
    setup.add_argument("--name", required=True, help="your full name")
    setup.add_argument("--username", required=True)
    setup.add_argument("--email", default="")
    for add, _handler in _EXTRA_COMMANDS.values():
        add(sub)
    return parser


def _load_extra_commands() -> None:
    # Imported here so each module registers itself; keeps this module free of their imports.
    import sync.cli.demo_command
    import sync.cli.macro_commands
    import sync.cli.rule_commands
    import sync.cli.search_command
    import sync.cli.sla_commands
    import sync.cli.sync_commands  # noqa: F401


def run(argv: Sequence[str] | None = None) -> int:
    _load_extra_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        if args.command in _EXTRA_COMMANDS:
            return _EXTRA_COMMANDS[args.command][1](data_dir, args)
        replica = open_replica(data_dir)
        try:
            if args.command == "ticket":
                return run_ticket_command(replica, args)
            if args.command == "kb":
                return run_kb_command(replica, args)
            if args.command == "setup":
                from sync.services.standalone_setup import set_up_standalone

                set_up_standalone(replica, name=args.name, username=args.username, email=args.email)
                print(f"Replica ready in {data_dir}: working standalone as {args.username}.")
                return 0
            parser.error(f"unknown command {args.command}")
        finally:
            replica.close()
    except OutpostError as exc:
        print(f"outpost: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("outpost: interrupted; nothing was half-written.", file=sys.stderr)
        return 130


def main() -> None:
    sys.exit(run())
