"""The one table of ``outpost`` commands: their names, one-line summaries and where they live.

Everything that needs to know the command words reads :data:`COMMANDS`: the parser in
:mod:`sync.cli.main` (which lists them in ``outpost --help``) and :mod:`desktop.entry`
(which decides between the command line and the desktop app). Nothing else keeps a list.

A command's module is imported only when that command runs (or its ``--help`` is asked
for), so ``outpost --help`` imports no command module and no SQLAlchemy, and
``outpost ticket list`` imports only what listing tickets needs. This module itself imports
nothing beyond the standard library: keep it that way.

Adding a command is one entry here plus its module, which provides::

    def add_arguments(command: str, parser: argparse.ArgumentParser) -> None: ...
    def run(command: str, data_dir: Path, args: argparse.Namespace) -> int: ...

``add_arguments`` fills the command's (already created) parser; ``run`` does the work and
returns the exit code (see :mod:`sync.cli.exit_codes`); it opens the replica itself. One
module may serve several commands (``command`` says which). A command module never imports
:mod:`sync.cli.main`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, Protocol, cast

__all__ = [
    "COMMANDS",
    "COMMAND_NAMES",
    "Command",
    "CommandModule",
    "command_word",
    "find_command",
    "load_command",
    "wants_cli",
]


class CommandModule(Protocol):
    """What a command's module provides (see the module docstring)."""

    def add_arguments(self, command: str, parser: argparse.ArgumentParser) -> None: ...

    def run(self, command: str, data_dir: Path, args: argparse.Namespace) -> int: ...


class Command(NamedTuple):
    """One command word. A NamedTuple rather than a dataclass: importing :mod:`dataclasses`
    (which imports inspect, ast and copy) was a fifth of ``outpost --help``'s start-up."""

    name: str
    summary: str  # the line in ``outpost --help``
    module: str  # dotted path of the module implementing it (imported when it runs)
    creates_replica: bool = False  # may make a new replica; every other command needs one already


COMMANDS: tuple[Command, ...] = (
    Command("ticket", "list, show, create and work tickets", "sync.cli.ticket_commands"),
    Command("kb", "knowledge-base articles", "sync.cli.kb_commands"),
    Command("asset", "the asset register: import, list, show, add, edit, link", "sync.cli.asset_commands"),
    Command(
        "location", "locations (site, building, floor, room): list, show, add", "sync.cli.asset_commands"
    ),
    Command(
        "search", "search tickets and articles (the search box's query language)", "sync.cli.search_command"
    ),
    Command(
        "demo",
        "create a realistic demo replica (no server, no account)",
        "sync.cli.demo_command",
        creates_replica=True,
    ),
    Command(
        "setup",
        "set this replica up to work standalone on this computer",
        "sync.cli.setup_command",
        creates_replica=True,
    ),
    Command(
        "connect",
        "sign in to a server and sync this replica with it",
        "sync.cli.sync_commands",
        creates_replica=True,
    ),
    Command("sync", "run one sync round (push your changes, pull everyone's)", "sync.cli.sync_commands"),
    Command("status", "show the sync state: server, pending changes, conflicts", "sync.cli.sync_commands"),
    Command("conflicts", "list what needs your decision, and resolve it", "sync.cli.sync_commands"),
    Command("signout", "sign out of the server and forget the stored sign-in", "sync.cli.sync_commands"),
    Command("sla", "SLA configuration, recompute, and what is due", "sync.cli.sla_commands"),
    Command(
        "report",
        "the desk's reports: summary, volume, backlog, sla, agents, work, knowledge, csat",
        "sync.cli.report_commands",
    ),
    Command(
        "rule", "automation rules: list, add, enable, disable, delete, run-due", "sync.cli.rule_commands"
    ),
    Command("shift", "agents' shifts for assignment: list, set, clear", "sync.cli.rule_commands"),
    Command("macro", "canned responses: list, add, apply, preview, delete", "sync.cli.macro_commands"),
    Command("template", "ticket templates with checklists: list, add, use", "sync.cli.macro_commands"),
    Command("mailbox", "the standalone office's mailbox: set, show, test", "sync.cli.mail_commands"),
    Command("mail", "the standalone office's mail: run, quarantine, retry", "sync.cli.mail_commands"),
    Command(
        "encrypt",
        "encrypt this replica and its attachments at rest (close the app first)",
        "sync.cli.encryption_commands",
    ),
    Command(
        "decrypt",
        "turn encryption off again (plain files; the key is deleted)",
        "sync.cli.encryption_commands",
    ),
)

COMMAND_NAMES: frozenset[str] = frozenset(c.name for c in COMMANDS)

#: Options of ``outpost`` itself that take a value (skipped when looking for the command word).
_GLOBAL_VALUE_OPTIONS = ("--data-dir",)
#: Options that select the desktop app (``outpost --demo``); with them ``--help`` is the app's.
_APP_OPTIONS = ("--demo", "--smoke-test")


def find_command(name: str) -> Command | None:
    for command in COMMANDS:
        if command.name == name:
            return command
    return None


def load_command(command: Command) -> CommandModule:
    """Import the command's module (the only place command modules are imported)."""
    return cast(CommandModule, importlib.import_module(command.module))


def command_word(argv: Sequence[str]) -> str | None:
    """The first argument that is neither a global option nor its value, or None.

    ``outpost --data-dir D ticket list`` → ``ticket``; ``outpost --demo`` → ``--demo``.
    """
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _GLOBAL_VALUE_OPTIONS:
            i += 2
        elif any(arg.startswith(opt + "=") for opt in _GLOBAL_VALUE_OPTIONS):
            i += 1
        else:
            return arg
    return None


def wants_cli(argv: Sequence[str]) -> bool:
    """True when ``outpost ARGV`` is a command-line call rather than the desktop app.

    The app: no arguments (beyond ``--data-dir DIR``), or options (``--demo``,
    ``--smoke-test``, Qt's ``-style``...). The command line: a command word, ``--help``
    (unless ``--demo`` asks for the app's), and any other word — which the command line then
    refuses as an unknown command (exit 2) instead of silently opening the app.
    """
    word = command_word(argv)
    if word is None:
        return False
    if word in ("-h", "--help"):
        return not any(a in _APP_OPTIONS for a in argv)
    return not word.startswith("-")
