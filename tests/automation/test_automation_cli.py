"""Rules, macros, templates, checklists, shifts and the SLA configuration from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.cli.main import run


@pytest.fixture
def data(tmp_path: Path) -> Path:
    d = tmp_path / "replica"
    assert run(["--data-dir", str(d), "setup", "--name", "Sam Tech", "--username", "sam"]) == 0
    return d


def cli(data: Path, *args: str) -> int:
    return run(["--data-dir", str(data), *args])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_rules_macros_templates_and_checklists_from_the_cli(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = {
        "name": "Printers",
        "event": "created",
        "conditions": [{"field": "subject", "op": "contains", "value": "printer"}],
        "actions": [{"kind": "add_tag", "value": "printer"}],
    }
    (tmp_path / "rule.json").write_text(json.dumps(rule))
    assert cli(data, "rule", "add", str(tmp_path / "rule.json")) == 0
    assert "Saved rule 'Printers'" in capsys.readouterr().out
    assert cli(data, "ticket", "new", "--queue", "IT", "--subject", "Printer jams", "--json") == 0
    assert out_json(capsys)["tags"] == ["printer"]  # type: ignore[index]
    assert cli(data, "rule", "disable", "Printers") == 0
    assert cli(data, "rule", "list", "--json") == 0
    assert [r["enabled"] for r in out_json(capsys)] == [False]  # type: ignore[union-attr]

    assert (
        cli(
            data,
            "macro",
            "add",
            "--name",
            "Waiting",
            "--body",
            "Hi {requester.name}, about {ticket.number}",
            "--set",
            "status=pending_requester",
            "--tag",
            "waiting",
        )
        == 0
    )
    capsys.readouterr()
    assert cli(data, "macro", "apply", "L1", "waiting", "--json") == 0
    shown = out_json(capsys)
    assert shown["status"] == "pending_requester" and shown["comments"][0]["body"] == "Hi , about L1"  # type: ignore[index]
    assert shown["sla"]["state"] == "paused"  # type: ignore[index]

    assert cli(data, "template", "install-defaults") == 0
    capsys.readouterr()
    assert cli(data, "template", "use", "Equipment move", "--queue", "Facilities", "--json") == 0
    created = out_json(capsys)
    assert created["subject"] == "Equipment move" and created["display_number"] == "L2"  # type: ignore[index]
    assert cli(data, "ticket", "tick", "L2", "3", "--json") == 0
    checklist = out_json(capsys)
    assert [item["done"] for item in checklist["items"]] == [False, False, True, False, False, False]  # type: ignore[index]
    assert cli(data, "ticket", "tick", "L2", "9") == 1
    assert "No checklist step" in capsys.readouterr().err


def test_sla_configuration_and_shifts_from_the_cli(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(data, "ticket", "new", "--queue", "IT", "--subject", "Mouse") == 0
    capsys.readouterr()
    assert cli(data, "sla", "export") == 0
    document = out_json(capsys)
    document["calendars"][1]["time_zone"] = "Europe/Berlin"  # type: ignore[index]
    (tmp_path / "sla.json").write_text(json.dumps(document))
    assert cli(data, "sla", "import", str(tmp_path / "sla.json")) == 0
    assert "Recomputed 1 tickets" in capsys.readouterr().err
    assert cli(data, "sla", "show", "--json") == 0
    shown = out_json(capsys)
    assert shown["recompute_pending"] is False and shown["calendars"][1]["time_zone"] == "Europe/Berlin"  # type: ignore[index]
    (tmp_path / "bad.json").write_text('{"calendars": []}')
    assert cli(data, "sla", "import", str(tmp_path / "bad.json")) == 1
    assert "invalid" in capsys.readouterr().err
    assert cli(data, "sla", "due", "--json") == 0
    assert set(out_json(capsys)) == {"overdue", "due_soon", "paused", "mine"}  # type: ignore[arg-type]

    assert cli(data, "shift", "set", "sam", "--time-zone", "UTC", "--hours", "mon-fri 22:00-06:00") == 0
    capsys.readouterr()
    assert cli(data, "shift", "list", "--json") == 0
    [shift] = out_json(capsys)  # type: ignore[misc]
    assert shift["weekly"]["mon"] == [["22:00", "06:00"]] and shift["weekly"]["sat"] == []
    assert cli(data, "shift", "set", "sam", "--time-zone", "UTC", "--hours", "someday 9-5") == 2
    capsys.readouterr()
    assert cli(data, "rule", "run-due", "--json") == 0
    assert out_json(capsys)["fired"] == []  # type: ignore[index]
