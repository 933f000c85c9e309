"""Smoke test of the benchmark harness (``bench/run.py``): it runs, writes valid JSON and a
table, and every figure has a baseline measured beside it or says why there is none.

No timing is asserted: the figures of a ``tiny`` run on a CI machine mean nothing; this only
keeps the harness and the benchmarks' ``figures()`` working. The benchmarks that start a
server process or Qt (``sync``, ``server``, ``desktop``, ``feed``, ...) take minutes even at ``tiny`` and are
left out; ``bench/run.py --size tiny`` runs them by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from figures import NO_BASELINE, Figure  # noqa: E402
from run import benchmark_names, markdown, merged, validate  # noqa: E402

FAST = ("core", "search", "sla", "sla_replica", "cli", "replica_size", "reports")


def test_every_bench_module_joins_the_harness() -> None:
    assert set(benchmark_names()) >= {*FAST, "sync", "server", "desktop", "feed", "portal", "mail", "assets"}


def test_scaling_sizes_can_be_chosen_on_the_command_line() -> None:
    """``--scaling-sizes`` (or ``--sizes``) picks the ticket counts; an unknown benchmark is
    refused before anything runs."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scaling", "--scaling-sizes", "",
         "--only", "nope"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "no such benchmark: nope" in done.stderr


def test_a_tiny_run_writes_valid_json_and_a_table(tmp_path: Path) -> None:
    target = tmp_path / "tiny.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--size", "tiny", "--only", *FAST,
         "--json", str(target), "--results", str(tmp_path)],
        check=True, timeout=280, capture_output=True,
    )  # fmt: skip
    result = json.loads(target.read_text())
    assert result["size"] == "tiny"
    assert {"python", "cpus", "sqlite"} <= set(result["machine"])
    assert {f["group"] for f in result["figures"]} == set(FAST)
    keys = {f["key"] for f in result["figures"]}
    assert {"cli_help", "cli_ticket_list", "cli_ticket_list_cpu", "replica_file_per_ticket"} <= keys
    assert any(k.startswith("replica_bytes_") for k in keys)  # by table and index (dbstat)
    assert validate(result) == []
    for f in result["figures"]:
        assert f["runs"] >= 1 and f["min"] <= f["value"] <= f["max"], f
        if f["ratio"] is not None:
            assert f["ratio"] == pytest.approx(f["value"] / f["baseline_value"]), f
        else:
            assert f["baseline_value"] is None or NO_BASELINE in f["baseline"], f
    table = (tmp_path / "tiny.md").read_text()
    assert all(f["name"] in table for f in result["figures"])


def test_a_figure_without_a_baseline_or_a_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="names no baseline"):
        Figure("x", "ms", [1.0], "  ")
    ours = Figure("x", "ms", [1.0, 3.0, 2.0], "some floor")  # a description but no numbers
    result = {"machine": {}, "size": "t", "figures": [ours.to_json()]}
    assert validate(result) == ["x: neither a baseline value nor a reason for none"]
    said = Figure("y", "ms", [1.0], f"{NO_BASELINE}: not the same work", [0.5], comparable=False)
    assert said.ratio is None and said.value == 1.0
    assert validate({"machine": {}, "size": "t", "figures": [said.to_json()]}) == []


def test_the_table_shows_the_ratio_or_why_there_is_none() -> None:
    figures = [
        Figure("fast", "ms", [2.0, 4.0, 3.0], "the same SQL", [1.0, 1.5, 0.5], group="g"),
        Figure("alone", "s", [5.0], f"{NO_BASELINE}: by design", group="g"),
    ]
    result = {
        "machine": {"date": "d", "cpus": 2, "processor": "p", "memory": "m", "python": "3",
                    "sqlite": "3", "load_average_at_start": [0, 0, 0]},
        "size": "t", "seconds": 1.0, "figures": [f.to_json() for f in figures],
    }  # fmt: skip
    lines = markdown(result).splitlines()
    [fast] = [line for line in lines if "| fast |" in line]
    [alone] = [line for line in lines if "| alone |" in line]
    assert "3 ms" in fast and "1 ms: the same SQL" in fast and "3.00×" in fast
    assert "no honest baseline: by design" in alone and "| — |" in alone


def test_merge_keeps_the_figures_of_benchmarks_not_rerun() -> None:
    """``--merge``: a rerun of some benchmarks replaces their figures (a failed one included)
    and keeps the others', saying where those were measured."""
    machine = {"date": "earlier", "load_average_at_start": [9, 9, 9]}
    old = Figure("old", "ms", [1.0], "floor", [1.0], group="core").to_json()
    failed = {"name": "reports: benchmark failed", "group": "reports", "error": 1}
    earlier = {"machine": machine, "size": "small", "figures": [failed, old]}
    new = Figure("new", "ms", [2.0], "floor", [1.0], group="reports").to_json()
    result = merged({"machine": {"date": "now"}, "size": "small", "figures": [new]}, earlier)
    assert [f["name"] for f in result["figures"]] == ["old", "new"]  # benchmark order
    assert result["parts"] == [{"groups": ["core"], "machine": machine}]
    with pytest.raises(SystemExit, match="size 'small', not 'medium'"):
        merged({"machine": {}, "size": "medium", "figures": [new]}, earlier)
