"""``ticket list --json`` carries what scripts and reports need, exactly as docs/cli-json.md says;
the exit codes are documented once and the code uses those.

The list once had no ``created_at`` (nor resolved time, type or category), and its ``sla``
object was undocumented; these tests read the field tables from the doc itself, so neither
the output nor the doc can drift alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import sync.cli.exit_codes as exit_codes
from sync.cli.main import run

ROOT = Path(__file__).resolve().parents[2]
CLI_JSON = (ROOT / "docs" / "cli-json.md").read_text(encoding="utf-8")


def documented_fields(section: str) -> set[str]:
    """Field names in the first column of the table under the bold ``**section**`` line."""
    body = CLI_JSON.split(f"**{section}**", 1)[1]
    table = re.search(r"\n(\|.*?)(?:\n\n|\Z)", body, flags=re.S)
    assert table is not None
    names: set[str] = set()
    for line in table.group(1).splitlines()[2:]:
        names |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return names


def cli(data: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert run(["--data-dir", str(data), *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_ticket_list_json_rows_are_the_documented_ticket_row_with_its_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "replica"
    assert run(["--data-dir", str(data), "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    assert run(["--data-dir", str(data), "ticket", "new", "--queue", "IT", "--subject", "VPN drops",
                "--type", "question", "--category", "Network"]) == 0  # fmt: skip
    assert run(["--data-dir", str(data), "ticket", "reply", "L1", "Looking at it"]) == 0
    assert (
        run(["--data-dir", str(data), "ticket", "set", "L1", "status=resolved", "resolution=New driver"]) == 0
    )

    [row] = cli(data, capsys, "ticket", "list", "--status", "all", "--json")["tickets"]
    assert set(row) == documented_fields("TicketRow")
    assert set(row["sla"]) == documented_fields("Sla")
    shown = cli(data, capsys, "ticket", "show", "L1", "--json")
    assert (row["type"], row["category"]) == ("question", "Network")
    for name in ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at"):
        assert row[name] == shown[name], name
    assert row["created_at"] and row["first_response_at"] and row["resolved_at"] and row["closed_at"] is None
    assert set(shown["sla"]) == documented_fields("Sla")
    assert documented_fields("TicketRow") - {"requester", "assignee", "queue"} <= set(shown)


def test_the_exit_codes_are_documented_once_and_the_same_everywhere() -> None:
    codes = {
        value
        for name, value in vars(exit_codes).items()
        if name.startswith("EXIT_") and isinstance(value, int)
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("### Exit codes", 1)[1]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", readme, flags=re.M)}
    assert documented == codes
    module_table = {int(m) for m in re.findall(r"^(\d+)\s{2,}", exit_codes.__doc__ or "", flags=re.M)}
    assert module_table == codes


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["ticket", "show", "L99"], exit_codes.EXIT_REFUSED),  # not found
        (["ticket", "set", "L1", "status=closed"], exit_codes.EXIT_REFUSED),  # refused by the workflow
        (["ticket", "list", "--sort", "colour"], exit_codes.EXIT_USAGE),  # argparse's own choice check
        (["ticket", "list", "--status", "sleeping"], exit_codes.EXIT_USAGE),  # the same kind of mistake
        (["search", "printer", "stauts:open"], exit_codes.EXIT_USAGE),  # query syntax
        (["sync"], exit_codes.EXIT_REFUSED),  # not connected to a server
    ],
)
def test_each_kind_of_failure_has_its_documented_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int
) -> None:
    data = tmp_path / "replica"
    assert run(["--data-dir", str(data), "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    assert run(["--data-dir", str(data), "ticket", "new", "--queue", "IT", "--subject", "Mouse broken"]) == 0
    try:
        got = run(["--data-dir", str(data), *args])
    except SystemExit as exc:  # argparse exits by itself
        got = int(exc.code or 0)
    assert got == code, capsys.readouterr().err
