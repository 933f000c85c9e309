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

In ``bench/run.py`` (``figures()``) the list runs on a copy of the harness's demo replica of
``scale.tickets`` tickets (100k at ``--size medium``, the size the goal is stated for). The
commands run as subprocesses of the console script, so whatever the command line imports at
start (or no longer imports) shows up here.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

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


def wall_ms(argv: list[str], runs: int, env: dict[str, str], *, warm_up: bool = True) -> list[float]:
    """Wall time of each of ``runs`` runs of ``argv`` (after one unmeasured run if ``warm_up``)."""
    samples = []
    for i in range(int(not warm_up), runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if i:
            samples.append(elapsed)
    return samples


def wall_and_cpu_ms(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, from the child's resource usage) of one run."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = wall_ms(argv, 1, env, warm_up=False)[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu * 1000


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


# -- the harness (bench/run.py) ------------------------------------------------------------


def outpost_argv() -> list[str]:
    """The console script beside the interpreter, or (no script installed) the same entry point
    run by the interpreter: what ``outpost`` runs."""
    if OUTPOST.is_file():
        return [str(OUTPOST)]
    return [sys.executable, "-c", "from desktop.entry import main; main()"]


def figures(scale: Any) -> list[Any]:
    """``outpost --help`` and ``outpost ticket list --json`` end to end, beside ``python -c pass``
    measured alternately in the same run (cold process, warm disk)."""
    import shutil

    from figures import Figure, copy_replica, demo_replica

    data = copy_replica(demo_replica(scale.tickets, scale.articles), OUT / f"harness-cli-{scale.name}")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    runs = 1 if scale.name == "tiny" else scale.runs  # tiny: a smoke run of the harness (CI)
    commands = {
        "floor": [sys.executable, "-c", "pass"],
        "help": [*outpost_argv(), "--help"],
        "list": [*outpost_argv(), "--data-dir", str(data), "ticket", "list", "--json"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for argv in commands.values():  # one unmeasured run of each: files in the page cache
            wall_ms(argv, 0, env)
        for _ in range(runs):  # alternately, so load on a shared machine hits all three alike
            for name, argv in commands.items():
                wall, used = wall_and_cpu_ms(argv, env)
                samples[name].append(wall)
                cpu[name].append(used)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    floor = "python -c pass with the same interpreter: the start every Python command pays (floor)"
    cpu_floor = "the CPU time of python -c pass (floor)"
    listing = f"cli: outpost ticket list --json ({scale.tickets:,} tickets, first 200)"
    # The CPU figures: on a machine shared with other work a process waits for a core, and its
    # wall time grows with the load; its CPU time hardly does. For a start-up that is almost
    # all CPU, that is close to the wall time on an idle machine.
    cpu_state = "CPU time (user + system) of the process"
    return [
        Figure("cli: outpost --help", "ms", samples["help"], floor, samples["floor"],
               goal="< 150 ms", state="cold process, warm disk", key="cli_help"),
        Figure(listing, "ms", samples["list"], floor, samples["floor"], goal="< 300 ms at 100k",
               state="cold process, warm disk", key="cli_ticket_list"),
        Figure("cli: outpost --help, CPU time", "ms", cpu["help"], cpu_floor, cpu["floor"],
               state=cpu_state, key="cli_help_cpu"),
        Figure(listing + ", CPU time", "ms", cpu["list"], cpu_floor, cpu["floor"],
               state=cpu_state, key="cli_ticket_list_cpu"),
    ]  # fmt: skip


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
