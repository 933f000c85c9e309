"""The command table is the only list of commands, and nothing imports the CLI's main back."""

from __future__ import annotations

import ast
from pathlib import Path

from sync.cli.command_table import COMMAND_NAMES, COMMANDS, load_command

CLI = Path(__file__).resolve().parents[2] / "sync" / "cli"


def test_every_entry_names_a_module_that_implements_it() -> None:
    assert len(COMMAND_NAMES) == len(COMMANDS)  # no name twice
    for command in COMMANDS:
        module = load_command(command)
        assert callable(module.add_arguments) and callable(module.run), command.name


def test_only_setup_demo_and_connect_create_a_replica() -> None:
    assert {c.name for c in COMMANDS if c.creates_replica} == {"setup", "demo", "connect"}


def test_no_module_of_the_cli_imports_main_back() -> None:
    """main.py reads the table and imports a command's module; a module importing main (to
    register itself, as before) would make the circle the table replaced."""
    offenders = []
    for path in sorted(CLI.glob("*.py")):
        if path.name == "main.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n == "sync.cli.main" for n in names) or (
                isinstance(node, ast.ImportFrom)
                and node.module == "sync.cli"
                and any(a.name == "main" for a in node.names)
            ):
                offenders.append(path.name)
    assert not offenders
