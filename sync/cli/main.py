"""Entry point of the client CLI: parses ``outpost [--data-dir DIR] COMMAND ...`` and runs it.

Exit codes: 0 success; 1 the action was refused or failed (one line on stderr says why,
and nothing was half-written: every action is one transaction); 2 a usage error (also one
line, naming the command's ``--help``).

``outpost demo`` without ``--data-dir`` or ``$OUTPOST_DATA_DIR`` builds the demo beside the
user's own replica (the folder ``outpost --demo`` opens), never in place of it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import OperationalError

from sync.cli.data_dir import demo_data_dir, resolve_data_dir
from sync.cli.kb_commands import add_kb_parser, run_kb_command
from sync.cli.ticket_commands import add_ticket_parser, run_ticket_command
from sync.errors import OutpostError
from sync.replica.replica import open_replica

__all__ = ["CLI_COMMANDS", "build_parser", "run", "run_and_flush"]

#: First words that select the CLI rather than the desktop app.
CLI_COMMANDS = frozenset(
    {"ticket", "kb", "demo", "setup", "search", "connect", "sync", "status", "conflicts"}
    | {"sla", "rule", "shift", "macro", "template", "encrypt", "decrypt"}
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


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line (``outpost ticket log: argument MINUTES: invalid int value``),
    exit 2; subcommand parsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _OneLineParser(
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
    from sync.cli.encryption_commands import add_global_options

    add_global_options(parser, setup)
    for add, _handler in _EXTRA_COMMANDS.values():
        add(sub)
    return parser


def _load_extra_commands() -> None:
    # Imported here so each module registers itself; keeps this module free of their imports.
    import sync.cli.demo_command
    import sync.cli.encryption_commands
    import sync.cli.macro_commands
    import sync.cli.rule_commands
    import sync.cli.search_command
    import sync.cli.sla_commands
    import sync.cli.sync_commands  # noqa: F401


def run(argv: Sequence[str] | None = None) -> int:
    _load_extra_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo" and not args.data_dir and not os.environ.get("OUTPOST_DATA_DIR"):
        data_dir = demo_data_dir()
    else:
        data_dir = resolve_data_dir(args.data_dir)
    try:
        from sync.cli.encryption_commands import prepare_encryption

        prepare_encryption(data_dir, args)
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
    except BrokenPipeError:
        return _reader_gone()
    except OperationalError as exc:
        print(f"outpost: the replica in {data_dir} could not be used: {exc.orig}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename if exc.filename is not None else data_dir
        print(f"outpost: cannot use {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _reader_gone() -> int:
    """The reader of our output went away (``outpost ticket list | head``): stop quietly.

    Standard output is pointed at /dev/null so the interpreter's final flush cannot fail again.
    """
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def run_and_flush(argv: Sequence[str] | None = None) -> int:
    """:func:`run`, then flush standard output here, where a closed pipe can still be handled."""
    try:
        code = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    return code


def main() -> None:
    sys.exit(run_and_flush())
