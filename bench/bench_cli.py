"""Benchmark of the command line's start, end to end (not a test).

    python bench/bench_cli.py [--tickets 10000] [--runs 7] [--rebuild] [--json FILE]

Runs, as separate processes of the installed console script (``.venv/bin/outpost``), each
several times and reports the median (and min/max) wall time:

1. ``outpost --help``                       (goal < 150 ms);
2. ``outpost ticket list --json`` on a demo replica of ``--tickets`` tickets
   (goal < 300 ms at 100k: ``--tickets 100000``; the default is a smaller 10k demo);

each beside the same-run baseline ``python -c pass`` with the same interpreter, which is
the floor any Python command pays. Both are cold-process, warm-disk runs (one unmeasured
run of each first, so every measured run finds the files in the page cache). The demo is
built once into ``bench/out/cli-N`` (``--rebuild`` makes it again). The figures are what a
script calling ``outpost ... --json`` in a loop waits for each call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = Path(__file__).resolve().parent / "out"
OUTPOST = Path(sys.executable).with_name("outpost")


@dataclass
class Figure:
    name: str
    value: float  # median, ms
    unit: str
    baseline: str
    baseline_value: float
    ratio: float
    goal: float | None
    runs: int
    min: float
    max: float


def wall_ms(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    """Wall time of each of ``runs`` runs of ``argv`` (after one unmeasured warm-up run)."""
    samples = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if i:
            samples.append(elapsed)
    return samples


def demo_replica(tickets: int, rebuild: bool) -> Path:
    from sync.demo.generator import DemoSpec, build_demo_replica
    from sync.replica.location import replica_exists

    target = OUT / f"cli-{tickets}"
    if rebuild or not replica_exists(target):
        print(f"building a {tickets:,}-ticket demo in {target} …", file=sys.stderr)
        build_demo_replica(target, DemoSpec(tickets=tickets, articles=40), replace=True)
    return target


def figure(name: str, ours: list[float], base: list[float], goal: float | None) -> Figure:
    o, b = statistics.median(ours), statistics.median(base)
    return Figure(name, round(o, 1), "ms", "python -c pass", round(b, 1), round(o / b, 2), goal,
                  len(ours), round(min(ours), 1), round(max(ours), 1))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=10_000, help="demo size (100000 for the goal's size)")
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each command (median reported)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo replica again")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not OUTPOST.is_file():
        raise SystemExit(f"no console script at {OUTPOST}: run from the project's venv (pip install -e .)")
    data = demo_replica(args.tickets, args.rebuild)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}

    floor = wall_ms([sys.executable, "-c", "pass"], args.runs, env)
    help_ms = wall_ms([str(OUTPOST), "--help"], args.runs, env)
    list_ms = wall_ms([str(OUTPOST), "--data-dir", str(data), "ticket", "list", "--json"], args.runs, env)
    figures = [
        figure("cli: outpost --help", help_ms, floor, 150.0),
        figure(f"cli: outpost ticket list --json ({args.tickets:,} tickets)", list_ms, floor, 300.0),
    ]
    print(f"python -c pass (baseline)                      {statistics.median(floor):8.1f} ms")
    for f in figures:
        goal = f"goal < {f.goal:.0f} ms" if f.goal else ""
        print(f"{f.name:<46} {f.value:8.1f} ms (min {f.min:.1f}, max {f.max:.1f})   "
              f"{f.ratio:5.1f}x the baseline   {goal}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"figures": [asdict(f) for f in figures]}, indent=2) + "\n")


if __name__ == "__main__":
    main()
