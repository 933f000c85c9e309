"""``outpost report`` on the demo replica: JSON equals the API, CSV is the table, bad input exits 2."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sync import reports
from sync.cli.main import run
from sync.replica.replica import Replica

RANGE = ("--from", "2026-10-21", "--to", "2026-11-19", "--tz", "Europe/Paris")


def test_summary_json_is_the_api_document(
    demo_dir: Path, demo_replica: Replica, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["--data-dir", str(demo_dir), "report", "summary", *RANGE, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    request = reports.ReportRequest(date(2026, 10, 21), date(2026, 11, 19), tz=ZoneInfo("Europe/Paris"))
    with demo_replica.read() as s:
        assert doc == reports.summary(s, request, now=demo_replica.clock()).to_json()
    assert doc["created"] > 0 and doc["csat"] is None


def test_volume_csv_has_one_row_per_bucket_and_queue(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    args = ["report", "volume", *RANGE, "--interval", "week", "--by", "queue", "--csv"]
    assert run(["--data-dir", str(demo_dir), *args]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["bucket", "group", "created", "resolved"]
    assert {r["group"] for r in rows} == {"IT", "HR", "Facilities"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--query", "printer"], "free text"),
        (["--from", "2026-13-01"], "YYYY-MM-DD"),
        (["--from", "2026-11-02", "--to", "2026-11-01"], "before it starts"),
        (["--tz", "Mars/Olympus"], "Unknown time zone"),
        (["--query", "queue:Nowhere"], None),  # an unknown queue matches nothing: not an error
    ],
)
def test_bad_input_exits_2_with_a_reason(
    demo_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str | None
) -> None:
    code = run(["--data-dir", str(demo_dir), "report", "backlog", *args])
    err = capsys.readouterr().err
    if message is None:
        assert code == 0
    else:
        assert code == 2 and message in err


def test_summary_json_fields_are_the_documented_ones(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli.test_cli_json_docs import documented_fields

    capsys.readouterr()
    assert run(["--data-dir", str(demo_dir), "report", "summary", *RANGE, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == documented_fields("ReportSummary")
    assert set(doc["range"]) == documented_fields("ReportRange")
    assert set(doc["previous"]) == documented_fields("ReportSummary") - {"report", "csat_note", "previous"}
    assert set(doc["first_response_minutes"]["business"]) == {"count", "median", "p90", "mean"}
