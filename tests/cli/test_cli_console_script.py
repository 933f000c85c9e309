"""The installed ``outpost`` console script: every documented command reaches the command line.

``outpost signout`` once opened the desktop app, because the script decided "command line or
app" from a hand-kept list of words that had drifted from the real commands. These tests go
through the console script's entry function (``desktop.entry.main``), not ``run()``, and run
the installed script itself (``.venv/bin/outpost`` as a subprocess) for a few words:

- every command word in the command table, and every ``outpost WORD [ACTION]`` written in
  the README and ``docs/*.md``, is a real command (its ``--help`` is the command line's);
- any other word is a usage error (exit 2), never the app;
- ``outpost --help`` does not import SQLAlchemy (start-up cost; checked, not timed);
- a read command on a folder without a replica says so and creates nothing.

``outpost signout`` revoking the token on a real server is in
``tests/sync_engine/test_sync_cli.py`` (it needs that folder's server fixture).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.entry import main as entry_main
from sync.cli.command_table import COMMAND_NAMES, COMMANDS
from sync.cli.main import build_parser, run

ROOT = Path(__file__).resolve().parents[2]
OUTPOST = Path(sys.executable).with_name("outpost")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: Options of the app itself that documentation writes after ``outpost``.
APP_OPTIONS = {"--demo", "--data-dir", "--smoke-test", "--help"}


def outpost(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script. Without a display or a Qt platform, a mistaken start
    of the app fails (or hangs until the timeout) instead of looking like success."""
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    base["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(OUTPOST), *args], capture_output=True, text=True, timeout=timeout, env={**base, **(env or {})}
    )


def _code_spans(text: str) -> list[str]:
    """The text of fenced code blocks (line by line, comments cut) and of inline code spans."""
    spans: list[str] = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        spans += [line.split(" # ")[0] for line in block.splitlines()]
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    spans += re.findall(r"`([^`\n]+)`", outside)
    return spans


def documented_commands() -> set[tuple[str, str | None]]:
    """``(WORD, ACTION or None)`` for every ``outpost WORD [ACTION]`` in the README and docs.

    ``kb list|show`` yields one pair per alternative; an ACTION is any lower-case word after
    the command word (for commands without actions it is an argument, ignored later)."""
    found: set[tuple[str, str | None]] = set()
    pattern = re.compile(
        r"(?:^|[\s/(])outpost(?:\s+--data-dir[=\s]\S+)?\s+([a-z][a-z-]*)((?:\s+[a-z][a-z|-]*)?)"
    )
    for doc in DOCS:
        for span in _code_spans(doc.read_text(encoding="utf-8")):
            for word, action in pattern.findall(span):
                actions = [a for a in action.strip().split("|") if a] or [None]
                found |= {(word, a) for a in actions}
    return found


def _actions(command: str) -> set[str]:
    """The ACTION words of a command (empty when it has none), from its real parser."""
    parser = build_parser([command])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command_parser = sub.choices[command]
    for action in command_parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def test_the_docs_name_commands_at_all() -> None:
    found = documented_commands()
    assert ("signout", None) in found and ("ticket", "list") in found and ("kb", "unpublish") in found


def test_every_documented_command_and_action_exists() -> None:
    """The README and docs never name a command or action the command line does not have."""
    wrong = []
    for word, action in sorted(documented_commands(), key=str):
        if word not in COMMAND_NAMES:
            wrong.append(f"outpost {word}")
            continue
        actions = _actions(word)
        if actions and action is not None and action not in actions:
            wrong.append(f"outpost {word} {action}")
    assert not wrong, f"documented but not commands: {wrong}"


def test_every_documented_action_has_its_own_help() -> None:
    """Each ``outpost WORD ACTION --help`` parses to that action's own usage line."""
    for word, action in sorted(documented_commands(), key=str):
        if action is None or action not in _actions(word):
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exc:
            build_parser([word]).parse_args([word, action, "--help"])
        assert exc.value.code == 0 and out.getvalue().startswith(f"usage: outpost {word} {action}")


def test_every_command_reaches_the_command_line_not_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """All command words of the table (the documented ones are checked above to be among them),
    through the console script's own entry function; opening the app instead fails the test.
    (In-process: a subprocess per word cost about a second each; the installed script itself is
    run by the next test.)"""
    import desktop.app

    def no_app(args: list[str]) -> int:
        raise AssertionError(f"outpost {' '.join(args)} opened the app")

    monkeypatch.setattr(desktop.app, "run_app", no_app)
    for command in COMMANDS:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exc:
            entry_main([command.name, "--help"])
        assert exc.value.code == 0, command.name
        assert out.getvalue().startswith(f"usage: outpost {command.name}"), (command.name, out.getvalue())
        for action in _actions(command.name):
            assert action in out.getvalue(), (command.name, action)


def test_the_installed_console_script_runs_the_command_line() -> None:
    assert OUTPOST.is_file(), f"the console script is not installed at {OUTPOST}"
    for words in (["signout", "--help"], ["ticket", "list", "--help"]):  # signout once opened the app
        result = outpost(*words)
        assert result.returncode == 0, (words, result.stderr)
        assert result.stdout.startswith(f"usage: outpost {' '.join(words[:-1])}"), (words, result.stdout)
    top = outpost("--help")
    assert top.returncode == 0 and all(c.name in top.stdout for c in COMMANDS)


@pytest.mark.parametrize(
    "words", [["statistics", "summary"], ["inventory", "list"], ["--data-dir", "/tmp/x", "tickets"]]
)
def test_a_word_that_is_not_a_command_is_a_usage_error_not_the_app(words: list[str]) -> None:
    result = outpost(*words)
    assert result.returncode == 2, result
    assert result.stderr.startswith("usage: outpost") and "invalid choice" in result.stderr
    assert result.stdout == ""


def test_help_does_not_import_sqlalchemy() -> None:
    """``outpost --help`` must stay cheap: the command table imports no command module."""
    code = (
        "import sys\n"
        "from desktop.entry import main\n"
        "sys.argv = ['outpost', '--help']\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "roots = ('sqlalchemy', 'PySide6', 'httpx', 'pydantic')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in roots"
        " or m.startswith('sync.cli.') and m.endswith(('_commands', '_command')))\n"
        "print('IMPORTED', heavy, file=sys.stderr)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "usage: outpost" in result.stdout


def test_ticket_list_imports_no_write_path(tmp_path: Path) -> None:
    """``outpost ticket list --json`` reads: it must not import the journal, the directory or
    the protocol's pydantic models (about a fifth of its start-up; checked, not timed)."""
    data = tmp_path / "replica"
    assert run(["--data-dir", str(data), "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    assert run(["--data-dir", str(data), "ticket", "new", "--queue", "IT", "--subject", "Printer"]) == 0
    code = (
        "import sys\n"
        "from desktop.entry import main\n"
        f"sys.argv = ['outpost', '--data-dir', {str(data)!r}, 'ticket', 'list', '--json']\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'PySide6', 'httpx')"
        " or m.startswith(('sync.protocol', 'sync.services.journal', 'sync.services.directory')))\n"
        "print('IMPORTED', heavy, file=sys.stderr)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert '"subject": "Printer"' in result.stdout


def test_a_read_command_on_a_folder_without_a_replica_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo" / "path"
    result = outpost("ticket", "list", env={"OUTPOST_DATA_DIR": str(typo)})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and f"no replica in {typo}" in result.stderr
    for how in ("outpost setup", "outpost demo", "outpost connect"):
        assert how in result.stderr
    assert not (tmp_path / "typo").exists()
    for command in (["status"], ["search", "printer"], ["kb", "list"], ["sla", "show"], ["signout"]):
        assert run(["--data-dir", str(typo), *command]) == 1, command
        assert "no replica" in capsys.readouterr().err, command
    assert not (tmp_path / "typo").exists()


#: One call of every command that needs a replica, reads and writes alike (a write must not
#: make a replica to write into either). The test below checks this covers the whole table.
_CALLS_NEEDING_A_REPLICA: dict[str, list[list[str]]] = {
    "ticket": [["ticket", "list", "--json"], ["ticket", "new", "--queue", "IT", "--subject", "x"]],
    "kb": [["kb", "list"], ["kb", "new", "--title", "How to"]],
    "asset": [["asset", "list"], ["asset", "add", "LT-1", "--name", "Laptop"]],
    "location": [["location", "list"], ["location", "add", "Room 1"]],
    "search": [["search", "printer"], ["search", "--rebuild-index"]],
    "sync": [["sync", "--json"]],
    "status": [["status", "--json"]],
    "conflicts": [["conflicts", "--json"]],
    "signout": [["signout"]],
    "sla": [["sla", "due"], ["sla", "init", "--time-zone", "Europe/London"]],
    "report": [["report", "summary", "--json"]],
    "rule": [["rule", "list"], ["rule", "run-due"]],
    "shift": [["shift", "list"]],
    "macro": [["macro", "list"], ["macro", "add", "--name", "Thanks", "--body", "Thanks!"]],
    "template": [["template", "list"], ["template", "install-defaults"]],
    "encrypt": [["encrypt"]],
    "decrypt": [["decrypt"]],
    "mailbox": [["mailbox", "show"], ["mailbox", "test"]],
    "mail": [["mail", "run", "--once"], ["mail", "quarantine"]],
}


def test_every_command_but_setup_demo_and_connect_needs_an_existing_replica(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Across the whole command table: only setup, demo and connect may make a replica; every
    other command, reading or writing, on a missing folder or an empty one says there is no
    replica (exit 1, one line) and leaves the folder as it was."""
    needing = {c.name for c in COMMANDS if not c.creates_replica}
    assert needing == set(_CALLS_NEEDING_A_REPLICA), "a command is missing from this test's table"
    assert {c.name for c in COMMANDS if c.creates_replica} == {"setup", "demo", "connect"}
    empty = tmp_path / "empty"
    empty.mkdir()
    for calls in _CALLS_NEEDING_A_REPLICA.values():
        for call in calls:
            for where in (tmp_path / "typo", empty):
                assert run(["--data-dir", str(where), *call]) == 1, (where, call)
                err = capsys.readouterr().err
                assert f"There is no replica in {where}" in err and err.count("\n") == 1, (call, err)
                assert not (tmp_path / "typo").exists() and not any(empty.iterdir()), call


@pytest.mark.parametrize(
    ("argv", "cli"),
    [
        ([], False),
        (["--demo"], False),
        (["--data-dir", "/srv/desk"], False),
        (["--data-dir=/srv/desk"], False),
        (["--demo", "--help"], False),  # the app's own options
        (["--data-dir", "/srv/desk", "--smoke-test"], False),
        (["-style", "fusion"], False),  # Qt's options go to the app
        (["--help"], True),
        (["signout"], True),
        (["--data-dir", "/srv/desk", "ticket", "list"], True),
        (["report", "summary"], True),  # not a command: the command line refuses it (exit 2)
    ],
)
def test_which_calls_are_the_app_and_which_the_command_line(argv: list[str], cli: bool) -> None:
    from sync.cli.command_table import wants_cli

    assert wants_cli(argv) is cli
