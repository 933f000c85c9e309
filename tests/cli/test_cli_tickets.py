"""The client CLI, run in-process over a real replica in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync.cli.main import run
from sync.replica.replica import open_replica


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "replica"
    assert cli(d, "setup", "--name", "Sam Tech", "--username", "sam") == 0
    return d


def out_json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def test_ticket_lifecycle_through_cli(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert (
        cli(
            data,
            "ticket",
            "new",
            "--queue",
            "facilities",
            "--subject",
            "Radiator cold in N2.14",
            "--impact",
            "2",
            "--urgency",
            "1",
            "--tags",
            "hvac,heating",
            "--json",
        )
        == 0
    )
    created = out_json(capsys)
    assert created["display_number"] == "L1" and created["priority"] == 2 and created["number_is_provisional"]
    assert created["tags"] == ["heating", "hvac"] and created["queue"] == "Facilities"
    assert cli(data, "ticket", "set", "L1", "status=in_progress", "assignee=me", "category=HVAC") == 0
    assert cli(data, "ticket", "reply", "1", "Bleeding the radiator now") == 0
    assert cli(data, "ticket", "note", "#1", "Valve seized; may need a new TRV") == 0
    assert cli(data, "ticket", "log", "L1", "35", "--note", "bled radiator", "--parts", "1x TRV head") == 0
    assert cli(data, "ticket", "set", "L1", "status=resolved", "resolution=Replaced TRV head") == 0
    capsys.readouterr()
    assert cli(data, "ticket", "show", "L1", "--json") == 0
    shown = out_json(capsys)
    assert shown["status"] == "resolved" and shown["assignee"] == "Sam Tech" and shown["category"] == "HVAC"
    assert [c["kind"] for c in shown["comments"]] == ["reply", "note"]
    assert shown["first_response_at"] is not None and shown["work_logs"][0]["minutes"] == 35
    assert cli(data, "ticket", "list", "--status", "all", "--json") == 0
    listed = out_json(capsys)
    assert listed["total"] == 1 and listed["tickets"][0]["status"] == "resolved"
    assert cli(data, "ticket", "list", "--json") == 0  # open tickets only by default
    assert out_json(capsys)["total"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ticket", "show", "L99"], "No ticket L99"),
        (["ticket", "show", "banana"], "not a ticket reference"),
        (["ticket", "set", "L1", "status=closed"], "cannot become closed"),
        (["ticket", "set", "L1", "status=resolved"], "resolution"),
        (["ticket", "set", "L1", "priority=1"], "reason"),
        (["ticket", "set", "L1", "priority=9", "--reason", "x"], "not a priority"),
        (["ticket", "set", "L1", "assignee=nobody"], "No person"),
        (["ticket", "new", "--queue", "Garage", "--subject", "x"], "No queue named 'Garage'"),
        (["ticket", "new", "--queue", "IT", "--subject", "   "], "needs a subject"),
        (["ticket", "log", "L1", "0"], "Minutes"),
        (["ticket", "reply", "L1", "  "], "empty"),
        (["ticket", "attach", "L1", "/nonexistent/file.txt"], "No file"),
        (["kb", "show", "no such article"], "No article"),
    ],
)
def test_bad_input_prints_one_line_and_changes_nothing(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli(data, "ticket", "new", "--queue", "IT", "--subject", "Mouse broken") == 0
    capsys.readouterr()
    assert cli(data, "ticket", "show", "L1", "--json") == 0
    before = capsys.readouterr().out
    assert cli(data, *args) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert cli(data, "ticket", "show", "L1", "--json") == 0
    assert capsys.readouterr().out == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ticket", "frobnicate"], "invalid choice"),
        (["ticket", "log", "L1", "abc"], "invalid int value: 'abc'"),
        (["ticket", "list", "--limit", "-5"], "must be at least 1"),
        (["ticket", "new", "--queue", "IT"], "--subject"),
        (["demo", "--tickets", "many"], "invalid int value"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        cli(data, *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "--help" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ticket", "set", "L1", "colour=red"], "Unknown field"),
        (["ticket", "set", "L1", "status"], "FIELD=VALUE"),
        (["ticket", "list", "--status", "sleeping"], "Unknown status"),
        (["ticket", "list", "--due-before", "soonish"], "is not a time"),
        (["demo", "--tickets", "-3"], "cannot be negative"),
    ],
)
def test_bad_values_on_the_command_line_are_usage_errors_exit_2(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """What argparse cannot check alone is still a usage error: exit 2, one line, like a bad choice."""
    assert cli(data, "ticket", "new", "--queue", "IT", "--subject", "Mouse broken") == 0
    capsys.readouterr()
    assert cli(data, *args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "--help" in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # 1: understood, but what it names does not exist or is not allowed
        (["ticket", "show", "L9"], 1, "No ticket L9"),
        (["kb", "publish", "nope"], 1, "No article 'nope'"),
        (["asset", "show", "NOPE"], 1, "No asset tagged 'NOPE'"),
        (["location", "show", "nowhere"], 1, "No location named 'nowhere'"),
        (["rule", "enable", "nope"], 1, "No rule 'nope'"),
        (["template", "use", "nope"], 1, "No ticket template 'nope'"),
        (["shift", "clear", "nobody"], 1, "No person 'nobody'"),
        (["search", "--similar", "L9"], 1, "No ticket L9"),
        (["conflicts", "--resolve", "nope", "--choice", "mine"], 1, "No single open conflict"),
        (["sla", "import", "/nonexistent/sla.json"], 1, "Cannot read /nonexistent/sla.json"),
        # 2: the command line itself is wrong (argparse's own errors exit through SystemExit)
        (["search", "--limit", "0"], 2, "--limit must be at least 1"),
        (["search"], 2, "give a query"),
        (["report", "summary", "--days", "0"], 2, "--days takes a number of days"),
        (["report", "summary", "--tz", "Mars/Base"], 2, "Unknown time zone"),
    ],
)
def test_exit_codes_are_the_documented_ones_across_commands(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    """README's table: 1 refused or not found, 2 usage; one line on stderr either way, and a
    usage error names the command's --help."""
    capsys.readouterr()
    assert cli(data, *args) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert ("--help" in err) == (code == 2), err


def test_an_unusable_data_dir_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    setup = ["setup", "--name", "Sam Tech", "--username", "sam"]
    for where, args in (
        (not_a_folder, ["ticket", "list"]),
        (not_a_folder, setup),
        (Path("/proc/outpost-nope"), setup),  # only setup/demo/connect try to create a replica
    ):
        assert cli(where, *args) == 1
        err = capsys.readouterr().err
        assert err.startswith("outpost: cannot use ") and err.count("\n") == 1, err


def test_demo_without_a_data_dir_never_replaces_the_users_replica(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OUTPOST_DATA_DIR", raising=False)
    monkeypatch.setattr("sync.cli.main.demo_data_dir", lambda: tmp_path / "Outpost-demo")
    monkeypatch.setattr("sync.cli.data_dir.default_data_dir", lambda: tmp_path / "Outpost")
    assert run(["demo", "--tickets", "5", "--articles", "1"]) == 0
    assert (tmp_path / "Outpost-demo" / "replica.db").is_file()
    assert not (tmp_path / "Outpost").exists()


def test_a_closed_pipe_ends_the_listing_quietly(data: Path) -> None:
    for i in range(40):
        assert cli(data, "ticket", "new", "--queue", "IT", "--subject", f"Printer {i}") == 0
    code = (
        "import sys; from desktop.entry import main\n"
        "sys.argv = ['outpost', '--data-dir', sys.argv[1], 'ticket', 'list']\n"
        "main()"
    )
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    result = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        env={**__import__("os").environ, "PYTHONUNBUFFERED": "1"},
    )
    assert reader.stdin is not None
    reader.stdin.close()
    reader.wait(10)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_writes_need_a_set_up_replica(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_replica(tmp_path / "empty").close()  # a replica that was never set up: no queues, no user
    assert cli(tmp_path / "empty", "ticket", "new", "--queue", "IT", "--subject", "x") == 1
    assert "No queue" in capsys.readouterr().err


def test_kb_through_cli(data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = tmp_path / "vpn.md"
    body.write_text("# Connect to the VPN\n\n1. Open the client\n2. Sign in\n", encoding="utf-8")
    assert (
        cli(
            data,
            "kb",
            "new",
            "--title",
            "Connect to the VPN",
            "--body-file",
            str(body),
            "--category",
            "Network",
            "--tags",
            "vpn,remote",
            "--json",
        )
        == 0
    )
    art = out_json(capsys)["article"]
    assert art["state"] == "draft" and art["revision"] == 1 and art["tags"] == ["remote", "vpn"]
    assert cli(data, "kb", "edit", "Connect to", "--body", "# Connect\n\nUse the new client.") == 0
    assert cli(data, "kb", "publish", art["id"]) == 0
    capsys.readouterr()
    assert cli(data, "kb", "show", "connect to the vpn", "--revisions", "--json") == 0
    shown = out_json(capsys)
    assert shown["article"]["state"] == "published" and shown["article"]["revision"] == 2
    assert [r["revision"] for r in shown["revisions"]] == [1, 2]
    assert cli(data, "kb", "list", "--search", "client", "--json") == 0
    assert [a["title"] for a in out_json(capsys)["articles"]] == ["Connect to the VPN"]


def test_console_entry_runs_cli_without_qt(data: Path) -> None:
    code = (
        "import sys; from desktop.entry import main\n"
        "sys.argv = ['outpost', '--data-dir', sys.argv[1], 'ticket', 'list']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    assert 'PySide6' not in sys.modules, 'CLI imported Qt'\n    raise"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "NUMBER" in result.stdout


def test_ticket_new_takes_a_channel_and_json_shows_it(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert (
        cli(
            data,
            "ticket",
            "new",
            "--queue",
            "IT",
            "--subject",
            "Mail bounces",
            "--channel",
            "email",
            "--json",
        )
        == 0
    )
    assert out_json(capsys)["channel"] == "email"
    assert cli(data, "ticket", "new", "--queue", "IT", "--subject", "Called about VPN", "--json") == 0
    assert out_json(capsys)["channel"] == "phone"  # an agent typing a ticket: phone unless told
    assert cli(data, "ticket", "show", "L1") == 0
    assert "via email" in capsys.readouterr().out
    assert cli(data, "ticket", "list", "--json") == 0
    assert {t["subject"]: t["channel"] for t in out_json(capsys)["tickets"]} == {
        "Mail bounces": "email",
        "Called about VPN": "phone",
    }
    with pytest.raises(SystemExit) as refused:
        cli(data, "ticket", "new", "--queue", "IT", "--subject", "x", "--channel", "fax")
    assert refused.value.code == 2 and "invalid choice: 'fax'" in capsys.readouterr().err
