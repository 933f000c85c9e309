"""Run every benchmark at one size and write the figures as JSON and a markdown table.

    python bench/run.py --size tiny|small|medium|large [--only NAME ...] [--merge] [--json FILE]
    python bench/run.py --scaling [--scaling-sizes 10000,100000,1000000] [--only NAME ...]

A benchmark is any ``bench/bench_NAME.py`` that defines ``figures(scale) -> list[Figure]``
(see ``bench/figures.py`` and ``bench/README.md``); each runs in its own process, so one
that crashes is reported and the others still run. Writes ``bench/results/<size>.md`` (and
the JSON, by default ``bench/results/<size>.json``); ``--merge`` keeps, from the JSON already
there, the figures of the benchmarks this run did not rerun (each part's machine line is
kept in ``parts`` and shown in the table). ``--scaling`` runs the main figures at
several ticket counts and draws one PNG chart per figure under ``bench/results/scaling/``
(needs the ``bench`` extra: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from figures import SIZES, Figure, Scale  # noqa: E402

RESULTS = HERE / "results"  # --results DIR overrides it (the smoke test writes to a temp dir)
#: The figures --scaling follows (benchmark module, figure key).
SCALING = (
    ("core", "open_ticket"),
    ("core", "list_queue"),
    ("core", "user_action"),
    ("search", "search_one_word"),
    ("search", "search_phrase"),
    ("search", "search_filtered"),
    ("sla_replica", "sla_recompute_all_tickets"),
    ("sync", "bootstrap_pull"),
    ("sync", "sync_round_500_offline_changes"),
)


def benchmark_names() -> list[str]:
    """Every ``bench_NAME.py`` whose module defines ``figures`` (checked by reading it, so
    listing them imports nothing heavy)."""
    names = []
    for path in sorted(HERE.glob("bench_*.py")):
        if "\ndef figures(" in path.read_text(encoding="utf-8"):
            names.append(path.stem.removeprefix("bench_"))
    return names


def run_one(name: str, scale: Scale) -> list[dict[str, Any]]:
    """Run one benchmark in a child process; its figures as JSON dicts (or one error figure)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    scale_json = json.dumps(scale.__dict__)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", name, "--scale-json", scale_json, "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
        check=False,
    )
    elapsed = time.perf_counter() - started
    try:
        if proc.returncode != 0:
            print(f"!! {name} failed (exit {proc.returncode}) after {elapsed:.0f} s", flush=True)
            return [{"name": f"{name}: benchmark failed", "group": name, "error": proc.returncode}]
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        print(f"== {name}: {len(rows)} figures in {elapsed:.0f} s", flush=True)
        return rows
    finally:
        out.unlink(missing_ok=True)


def child(name: str, scale: Scale, out: Path) -> None:
    module = importlib.import_module(f"bench_{name}")
    found: list[Figure] = module.figures(scale)
    for figure in found:
        figure.group = name
    out.write_text(json.dumps([f.to_json() for f in found]))


def machine() -> dict[str, Any]:
    import sqlite3

    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem = fh.readline().split(":")[1].strip()
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory": mem,
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in load],
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) >= 0.01 else f"{value:.2g}"
    return f"{text} {unit}".strip()


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"# Benchmark results: size `{result['size']}`",
        "",
        f"{m['date']}; {m['cpus']} CPUs ({m['processor']}), {m['memory']}, Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average at start {m['load_average_at_start']}. "
        f"Made by `python bench/run.py --size {result['size']}` in {result['seconds']:.0f} s.",
        *(
            f"Kept from an earlier run (`--merge`) of {', '.join(part['groups'])}: "
            f"{part['machine']['date']}, load average at start {part['machine']['load_average_at_start']}."
            for part in result.get("parts", [])
        ),
        "",
        "Value and baseline are the median of the runs (or the p95 where the name says so), measured in "
        "the same run and the same state; ratio = ours / baseline (for times, 1.0 = as fast as the floor). "
        "Where the baseline is not the same work there is no ratio, and the baseline column says why.",
        "",
        "| benchmark | figure | ours | baseline | ratio | runs (min–max) | state | goal |",
        "|---|---|---:|---|---:|---|---|---|",
    ]
    for f in result["figures"]:
        if "error" in f:
            lines.append(f"| {f['group']} | **{f['name']}** (exit {f['error']}) | | | | | | |")
            continue
        base = (
            f"{fmt(f['baseline_value'], f['unit'])}: {f['baseline']}"
            if f["baseline_value"] is not None
            else f["baseline"]
        )
        ratio = f"{f['ratio']:.2f}×" if f["ratio"] is not None else "—"
        spread = f"{f['runs']} ({fmt(f['min'])}–{fmt(f['max'])})"
        lines.append(
            f"| {f['group']} | {f['name']} | {fmt(f['value'], f['unit'])} | {base} | {ratio} | {spread} | "
            f"{f['state']} | {f['goal'] or ''} |"
        )
    return "\n".join(lines) + "\n"


def validate(result: dict[str, Any]) -> list[str]:
    """Problems with a result (empty when fine): the shape, and a baseline or reason per figure."""
    problems = []
    for key in ("machine", "size", "figures"):
        if key not in result:
            problems.append(f"missing {key!r}")
    for f in result.get("figures", []):
        if "error" in f:
            problems.append(f"{f['name']}")
            continue
        for key in (
            "name",
            "value",
            "unit",
            "baseline",
            "baseline_value",
            "ratio",
            "goal",
            "runs",
            "min",
            "max",
        ):
            if key not in f:
                problems.append(f"{f.get('name')}: no {key!r}")
        if f.get("baseline_value") is None and "no honest baseline" not in str(f.get("baseline")):
            problems.append(f"{f.get('name')}: neither a baseline value nor a reason for none")
    return problems


def run_size(scale: Scale, only: list[str]) -> dict[str, Any]:
    names = [n for n in benchmark_names() if not only or n in only]
    started = time.perf_counter()
    result: dict[str, Any] = {
        "machine": machine(),
        "size": scale.name,
        "scale": scale.__dict__,
        "figures": [],
    }
    for name in names:
        print(f"-- {name} at {scale.name} ({scale.tickets:,} tickets)", flush=True)
        result["figures"].extend(run_one(name, scale))
    result["seconds"] = time.perf_counter() - started
    return result


def merged(result: dict[str, Any], earlier: dict[str, Any]) -> dict[str, Any]:
    """``result`` with the figures of ``earlier`` (the same size) for benchmarks it did not run,
    in benchmark order; ``parts`` records where the kept figures were measured."""
    if earlier.get("size") != result["size"]:
        raise SystemExit(
            f"--merge: the earlier results are of size {earlier.get('size')!r}, not {result['size']!r}"
        )
    ran = {f["group"] for f in result["figures"]}
    kept = [f for f in earlier["figures"] if f["group"] not in ran]
    parts = [
        {**part, "groups": [g for g in part["groups"] if g not in ran]} for part in earlier.get("parts", [])
    ]
    earlier_groups = {f["group"] for f in kept} - {g for part in parts for g in part["groups"]}
    if earlier_groups:
        parts.append({"groups": sorted(earlier_groups), "machine": earlier["machine"]})
    order = {name: i for i, name in enumerate(benchmark_names())}
    figures = sorted(kept + result["figures"], key=lambda f: order.get(f["group"], len(order)))
    return {**result, "figures": figures, "parts": [part for part in parts if part["groups"]]}


def scaling(sizes: list[int], only: list[str]) -> None:
    """Run the charted figures at each size (``scaling-N.json``), then chart every size found in
    the results folder, so sizes run on different days add up."""
    base = SIZES["small"]
    modules = sorted({m for m, _ in SCALING if not only or m in only})
    RESULTS.mkdir(exist_ok=True)
    for n in sizes:
        result = run_size(base.at(n), modules)
        target = RESULTS / f"scaling-{n}.json"
        if target.exists():  # keep the figures of benchmarks not rerun at this size
            kept = [f for f in json.loads(target.read_text())["figures"] if f["group"] not in modules]
            result["figures"] = kept + result["figures"]
        target.write_text(json.dumps(result, indent=2))
    series: dict[str, list[dict[str, Any]]] = {}
    runs = sorted(RESULTS.glob("scaling-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    for path in runs:
        result = json.loads(path.read_text())
        n = int(result["scale"]["tickets"])
        for f in result["figures"]:
            if (f["group"], f.get("key")) in SCALING:
                series.setdefault(f"{f['group']}.{f['key']}", []).append({"tickets": n, **f})
    (RESULTS / "scaling.json").write_text(json.dumps(series, indent=2))
    draw(series)


def draw(series: dict[str, list[dict[str, Any]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = RESULTS / "scaling"
    folder.mkdir(parents=True, exist_ok=True)
    for key, points in series.items():
        xs = [p["tickets"] for p in points]
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(xs, [p["value"] for p in points], "o-", label="Outpost")
        if all(p["baseline_value"] for p in points):
            ax.plot(xs, [p["baseline_value"] for p in points], "s--", label="baseline")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("tickets in the replica")
        ax.set_ylabel(points[0]["unit"])
        ax.set_title(re.sub(r"\b\d{1,3}(,\d{3})+\b|\b\d{4,}\b", "N", points[0]["name"]), fontsize=10)
        ax.legend(title=None, fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
        sizes = ", ".join(f"{p['tickets']:,}" for p in points)
        fig.text(0.01, 0.01, f"sizes: {sizes}. Baseline: {points[0]['baseline'][:100]}", fontsize=6)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(folder / f"{key}.png", dpi=90)
        plt.close(fig)
        print(f"chart {folder / (key + '.png')}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--only", nargs="+", default=[], metavar="NAME", help="benchmarks to run (e.g. search sla)"
    )
    parser.add_argument(
        "--json", type=Path, help="where to write the JSON (default bench/results/<size>.json)"
    )
    parser.add_argument(
        "--merge", action="store_true",
        help="keep the earlier JSON's figures of the benchmarks not run now (with --only)",
    )  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the benchmarks the harness finds")
    parser.add_argument("--results", type=Path, help="folder for results (default bench/results)")
    parser.add_argument("--scaling", action="store_true", help="the main figures at several sizes, as charts")
    parser.add_argument(
        "--sizes", "--scaling-sizes", dest="sizes", default="10000,100000,1000000",
        help="ticket counts for --scaling, comma-separated (\"\": redraw the charts from the saved runs)",
    )  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--scale-json", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    global RESULTS
    RESULTS = args.results or RESULTS
    if args.child:
        child(args.child, Scale(**json.loads(args.scale_json)), args.out)
        return
    if args.list:
        print("\n".join(benchmark_names()))
        return
    unknown = set(args.only) - set(benchmark_names())
    if unknown:
        raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))} (try --list)")
    if args.scaling:
        scaling([int(n) for n in args.sizes.split(",") if n], args.only)  # --sizes "": redraw only
        return
    result = run_size(SIZES[args.size], args.only)
    RESULTS.mkdir(exist_ok=True)
    target = args.json or RESULTS / f"{args.size}.json"
    if args.merge and target.exists():
        result = merged(result, json.loads(target.read_text()))
    target.write_text(json.dumps(result, indent=2))
    table = markdown(result)
    (RESULTS / f"{args.size}.md").write_text(table)
    print("\n" + table)
    problems = validate(result)
    if problems:
        raise SystemExit("problems: " + "; ".join(problems))


if __name__ == "__main__":
    main()
