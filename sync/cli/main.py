"""Entry point of the client CLI: parses ``outpost [--data-dir DIR] COMMAND ...`` and runs it.

The commands are those of :data:`sync.cli.command_table.COMMANDS`; only the module of the
command being run is imported (``outpost --help`` imports none, and no SQLAlchemy).

Exit codes (:mod:`sync.cli.exit_codes`): 0 done; 1 refused or not found (one line on
stderr says why, and nothing was half-written: every action is one transaction); 2 usage
or syntax (an unknown command or option, a bad value, a search query that does not parse;
one line naming the command's ``--help``, or the query with a caret); 3 sign in needed;
4 the server is unreachable or busy; 5 an upgrade is needed; 130 interrupted.

Only ``setup``, ``demo`` and ``connect`` create a replica; any other command on a folder
without one says so (exit 1) instead of making an empty replica there.

``outpost demo`` without ``--data-dir`` or ``$OUTPOST_DATA_DIR`` builds the demo beside the
user's own replica (the folder ``outpost --demo`` opens), never in place of it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sync.cli.command_table import COMMANDS, Command, command_word, find_command, load_command
from sync.cli.data_dir import demo_data_dir, resolve_data_dir
from sync.cli.exit_codes import EXIT_INTERRUPTED, EXIT_REFUSED, EXIT_USAGE, UsageError, exit_code_for
from sync.errors import ErrorKind, NotFoundError, OutpostError
from sync.replica.location import replica_exists

__all__ = ["build_parser", "run", "run_and_flush"]


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line (``outpost ticket log: argument MINUTES: invalid int value``),
    exit 2; subcommand parsers inherit the class. The top level adds its usage line first,
    so an unknown command shows what the command line looks like."""

    def error(self, message: str) -> NoReturn:
        usage = self.format_usage() if self.prog == "outpost" else ""
        self.exit(EXIT_USAGE, f"{usage}{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser(load: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; the commands named in ``load`` get their full arguments (importing their
    modules), the others only their name and summary (enough for ``outpost --help``)."""
    parser: argparse.ArgumentParser = _OneLineParser(
        prog="outpost",
        description="Outpost help desk: the client command line. "
        "Without a command, `outpost` opens the desktop app (also: --demo, --data-dir DIR).",
        epilog="Exit codes: 0 done, 1 refused or not found, 2 usage or syntax, 3 sign in needed, "
        "4 server unreachable or busy, 5 upgrade needed. `outpost COMMAND --help` for a command's options.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--data-dir", help="the replica's folder (default: $OUTPOST_DATA_DIR or the user data dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parser.add_argument(
        "--passphrase-stdin",
        dest="unlock_passphrase_stdin",
        action="store_true",
        help="read an encrypted replica's passphrase from standard input (or set $OUTPOST_PASSPHRASE_FILE)",
    )
    for command in COMMANDS:
        command_parser = sub.add_parser(command.name, help=command.summary, description=command.summary)
        if command.name in load:
            load_command(command).add_arguments(command.name, command_parser)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    word = command_word(args_in)
    chosen = find_command(word) if word is not None else None
    parser = build_parser([chosen.name] if chosen is not None else [])
    args = parser.parse_args(args_in)
    command = find_command(args.command)
    assert command is not None  # argparse accepted only a known command word
    if command.name == "demo" and not args.data_dir and not os.environ.get("OUTPOST_DATA_DIR"):
        data_dir = demo_data_dir()
    else:
        data_dir = resolve_data_dir(args.data_dir)
    try:
        _check_replica(command, data_dir)
        from sync.cli.encryption_commands import prepare_encryption

        prepare_encryption(data_dir, args)
        return load_command(command).run(command.name, data_dir, args)
    except UsageError as exc:
        print(f"outpost {command.name}: {exc.message} (see 'outpost {command.name} --help')", file=sys.stderr)
        return EXIT_USAGE
    except OutpostError as exc:
        print(f"outpost: {exc.message}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("outpost: interrupted; nothing was half-written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _reader_gone()
    except OSError as exc:
        where = exc.filename if exc.filename is not None else data_dir
        print(f"outpost: cannot use {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        print(f"outpost: the replica in {data_dir} could not be used: {exc.orig}", file=sys.stderr)  # type: ignore[attr-defined]
        return EXIT_REFUSED


class NoReplicaError(NotFoundError):
    kind = ErrorKind.NO_REPLICA


def _check_replica(command: Command, data_dir: Path) -> None:
    """Commands other than setup/demo/connect need a replica; they never create an empty one."""
    if command.creates_replica:
        return
    if data_dir.exists() and not data_dir.is_dir():
        raise NotADirectoryError(20, "not a folder", str(data_dir))
    if not replica_exists(data_dir):
        raise NoReplicaError(
            f"There is no replica in {data_dir}. Make one with `outpost setup --name NAME --username USER` "
            "(standalone), `outpost demo` (a demo help desk) or `outpost connect URL --user NAME` "
            "(from a server), or choose another folder with --data-dir or $OUTPOST_DATA_DIR."
        )


def _is_database_error(exc: Exception) -> bool:
    """SQLAlchemy's OperationalError, without importing SQLAlchemy for commands that never load it."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.OperationalError)


def _reader_gone() -> int:
    """The reader of our output went away (``outpost ticket list | head``): stop quietly.

    Standard output is pointed at /dev/null so the interpreter's final flush cannot fail again.
    """
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_REFUSED


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
