"""The common shape of every benchmark figure, and the sizes the harness runs at.

A benchmark module ``bench/bench_NAME.py`` joins ``bench/run.py`` by defining::

    def figures(scale: Scale) -> list[Figure]: ...

It measures at ``scale`` (ticket count, runs, …) and returns its figures; it may print
progress, but the harness only reads the returned list. Each :class:`Figure` carries the raw
samples of what we measured and of its baseline, measured in the same run and in the same
state (``state``: both warm, both cold, or one-shot), so the harness can report medians,
spread and a ratio. A figure whose baseline is not the same work says so: ``baseline``
starts with ``"no honest baseline"`` (no ratio is printed; a reference number may still be
shown with ``comparable=False``).

Ratios are always ``ours / baseline`` of the same unit: for times, 1.0 means as fast as the
floor and 3.0 three times slower.
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
NO_BASELINE = "no honest baseline"


@dataclass(frozen=True)
class Scale:
    """How big a harness run is; each benchmark derives its own parameters from it."""

    name: str
    tickets: int
    articles: int
    runs: int  # repetitions of each timed operation (more for cheap ones)
    clients: int = 20  # concurrent sync clients (server benchmark)
    seconds: float = 10.0  # duration cap for load phases
    scaling: bool = False  # a --scaling run: only the figures it charts are needed

    def at(self, tickets: int) -> Scale:
        """The same scale at another ticket count (the scaling runs)."""
        return Scale(f"{tickets}", tickets, self.articles, self.runs, self.clients, self.seconds, True)


SIZES: dict[str, Scale] = {
    "tiny": Scale("tiny", tickets=300, articles=20, runs=2, clients=3, seconds=2.0),
    "small": Scale("small", tickets=5_000, articles=200, runs=5, clients=10, seconds=5.0),
    "medium": Scale("medium", tickets=100_000, articles=2_000, runs=7, clients=50, seconds=20.0),
    "large": Scale("large", tickets=1_000_000, articles=50_000, runs=7, clients=200, seconds=60.0),
}


@dataclass
class Figure:
    """One measured figure beside its baseline (see the module docstring)."""

    name: str
    unit: str
    samples: list[float]
    baseline: str
    baseline_samples: list[float] = field(default_factory=list)
    goal: str | None = None
    state: str = "warm"  # "warm", "cold" or "one-shot": the state ours and the baseline share
    stat: str = "median"  # or "p95": which statistic of the samples is the value
    comparable: bool = True  # False: the baseline number is shown for scale, without a ratio
    group: str = ""  # the benchmark module (filled in by the harness)
    key: str = ""  # a short stable id for charts (default: derived from the name)

    def __post_init__(self) -> None:
        if not self.samples:
            raise ValueError(f"figure {self.name!r} has no samples")
        if not self.baseline.strip():
            raise ValueError(f"figure {self.name!r} names no baseline (say why there is none)")
        if not self.key:
            self.key = "".join(c if c.isalnum() else "_" for c in self.name.lower()).strip("_")

    @property
    def value(self) -> float:
        return summarise(self.samples, self.stat)

    @property
    def baseline_value(self) -> float | None:
        return summarise(self.baseline_samples, self.stat) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        base = self.baseline_value
        if not self.comparable or base is None or base <= 0:
            return None
        return self.value / base

    def to_json(self) -> dict[str, Any]:
        base = self.baseline_value
        return {
            "name": self.name,
            "key": self.key,
            "group": self.group,
            "value": self.value,
            "unit": self.unit,
            "stat": self.stat,
            "state": self.state,
            "baseline": self.baseline,
            "baseline_value": base,
            "ratio": self.ratio,
            "goal": self.goal,
            "runs": len(self.samples),
            "min": min(self.samples),
            "max": max(self.samples),
            "baseline_min": min(self.baseline_samples) if self.baseline_samples else None,
            "baseline_max": max(self.baseline_samples) if self.baseline_samples else None,
        }


def summarise(samples: Iterable[float], stat: str) -> float:
    ordered = sorted(samples)
    if stat == "median":
        return float(statistics.median(ordered))
    if stat == "p95":
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    raise ValueError(f"unknown statistic {stat!r}")


def time_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def repeat_ms(fn: Callable[[], object], runs: int) -> list[float]:
    return [time_ms(fn) for _ in range(runs)]


def interleaved_ms(
    ours: Callable[[], object], base: Callable[[], object], runs: int, *, warm: bool = True
) -> tuple[list[float], list[float]]:
    """Time ``ours`` and ``base`` alternately (so load on a shared machine hits both alike),
    after one untimed call of each when ``warm``."""
    if warm:
        ours()
        base()
    a, b = [], []
    for _ in range(runs):
        a.append(time_ms(ours))
        b.append(time_ms(base))
    return a, b


DEMO_NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)


def demo_replica(tickets: int, articles: int, seed: int = 7) -> Path:
    """A demo replica folder (cached under ``bench/out/demo-…``, never written to: copy it
    with :func:`copy_replica` before writing)."""
    from sync.demo.generator import DemoSpec, build_demo_replica

    folder = OUT / f"demo-t{tickets}-a{articles}-s{seed}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"  building a {tickets:,}-ticket demo replica (cached in {folder})…", flush=True)
        build_demo_replica(folder, DemoSpec(tickets=tickets, articles=articles, seed=seed, now=DEMO_NOW))
        (folder / "done").write_text("ok\n")
    return folder


def copy_replica(source: Path, target: Path) -> Path:
    from sync.replica.replica import REPLICA_FILENAME

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(source / REPLICA_FILENAME, target / REPLICA_FILENAME)
    return target


def print_figures(found: Iterable[Figure]) -> None:
    """The figures as aligned lines (for a benchmark run on its own)."""
    for f in found:
        line = f"{f.name:<48} {f.value:12.4g} {f.unit:<8} ({f.stat} of {len(f.samples)}, {f.state})"
        if f.baseline_value is not None:
            line += f"   baseline {f.baseline_value:12.4g} {f.unit}"
        if f.ratio is not None:
            line += f"   ratio {f.ratio:6.2f}x"
        print(line + f"\n    baseline: {f.baseline}", flush=True)
