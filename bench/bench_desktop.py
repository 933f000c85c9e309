"""Desktop benchmark (not a test): start-up, view switching, search typing, memory, 1M-ticket table.

    python bench/bench_desktop.py [--tickets 100000] [--million] [--runs 3]

Replicas are built once with the demo generator and cached under ``bench/out/`` (git-ignored).
Every figure is printed beside a baseline measured in the same run on the same machine:

* start-up and memory: a process that imports PySide6 and shows an empty QMainWindow;
* switching views / search: the same query run straight on the service (no Qt), so the
  ratio is the cost of the UI path (worker thread, signals, model reset, painting);
* "max stall": the longest gap of a 5 ms UI-thread timer while the work ran — the event
  loop must stay responsive (< 100 ms) even when a query takes longer.

Each probe runs in a fresh process (``--probe``) under ``QT_QPA_PLATFORM=offscreen``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VIEWS = ("mine", "unassigned", "due_soon", "all_open", "recently_closed")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def replica_for(tickets: int) -> Path:
    from sync.demo.generator import DemoSpec, build_demo_replica

    target = OUT / f"desktop-{tickets}"
    done = target / "BUILT"
    if not done.exists():
        started = time.perf_counter()
        print(f"building a {tickets:,}-ticket demo replica in {target} …", flush=True)
        build_demo_replica(target, DemoSpec(tickets=tickets, articles=40, seed=7), replace=True)
        done.write_text(f"{time.perf_counter() - started:.1f} s\n")
        print(f"  built in {done.read_text().strip()}", flush=True)
    return target


# -- probes (run in a child process) ---------------------------------------------------------------
class _Stalls:
    """Records the longest gap between ticks of a 5 ms UI-thread timer."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def reset(self) -> None:
        self.worst, self._last = 0.0, time.perf_counter()


def _wait(signal: Any, action: Any, timeout_s: float = 120.0) -> float:
    """Run ``action`` and spin the event loop until ``signal`` fires; seconds taken."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    started = time.perf_counter()
    action()
    loop.exec()
    signal.disconnect(loop.quit)
    return time.perf_counter() - started


def probe_baseline() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QLabel("empty"))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    print("READY", json.dumps({"rss_mb": rss_mb()}), flush=True)


def probe_app(data_dir: Path) -> None:
    from desktop.app import AppController, guard_pyside_refcounts

    guard_pyside_refcounts()
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.settings import AppSettings
    from desktop.theme import ThemeController
    from desktop.ticket_table.search_bar import DEBOUNCE_MS
    from sync.services.ticket_lists import load_page, view_filter

    app = QApplication([])
    settings = AppSettings(Path(tempfile.mkdtemp()) / "settings.ini")
    theme = ThemeController(app, settings)
    theme.apply()
    controller = AppController(settings, theme)
    _wait(controller.main_ready, lambda: controller.start(data_dir))
    window = controller.window
    assert window is not None
    app.processEvents()
    print("READY", json.dumps({"rss_mb": rss_mb()}), flush=True)
    if window.sidebar.last_snapshot is None:  # the list shows first; the sidebar counts follow
        _wait(window.sidebar.snapshot_loaded, lambda: None)
    print("COUNTS", json.dumps({}), flush=True)

    stalls, model, replica = _Stalls(), window.tickets.model, window.ctx.replica
    from datetime import UTC, datetime

    results: dict[str, Any] = {"views": {}, "search": {}}
    queue_key = next(e.key for e in window.sidebar.model.entries() if e.key.startswith("queue:"))
    for key in (*VIEWS, queue_key):
        if window.sidebar.current_key == key:  # the window opened on it: switch away first
            _wait(
                model.query_applied,
                lambda k=key: window.sidebar.select_view("all_open" if k != "all_open" else "mine"),
            )
        stalls.reset()
        ui = _wait(model.query_applied, lambda k=key: window.sidebar.select_view(k))
        me, now = replica.current_user_id, datetime.now(UTC)
        started = time.perf_counter()
        flt = view_filter(replica, key, me=me, now=now).filter
        load_page(replica, flt, model.query.sort, 0, 200, with_total=True)
        service = time.perf_counter() - started
        name = "queue" if key.startswith("queue:") else key
        results["views"][name] = {
            "ui_ms": ui * 1000,
            "service_ms": service * 1000,
            "stall_ms": stalls.worst * 1000,
        }
    window.sidebar.select_view("all_open")
    _wait(model.query_applied, lambda: None, 5)
    for text in ("printer", "status:open queue:IT priority:<=2", "heating broken"):
        window.tickets.search.set_text("", settle=False)
        stalls.reset()
        window.tickets.search.edit.clear()
        typed = _wait(model.query_applied, lambda t=text: QTest.keyClicks(window.tickets.search.edit, t))
        results["search"][text] = {
            "typing_to_table_ms": typed * 1000,
            "after_debounce_ms": typed * 1000 - DEBOUNCE_MS,
            "stall_ms": stalls.worst * 1000,
            "rows": model.rowCount(),
            "total": model.total,
        }
    results["rss_mb_after"] = rss_mb()
    print("RESULT", json.dumps(results), flush=True)
    window.close()
    controller.shutdown()


def probe_table(data_dir: Path) -> None:
    """The table model alone over a big replica: first page, paging, filtering, sorting."""
    from desktop.app import guard_pyside_refcounts

    guard_pyside_refcounts()
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.app_context import AppContext
    from desktop.ticket_table import Col, TicketListPanel
    from sync.replica.replica import open_replica
    from sync.services.ticket_queries import TicketFilter, TicketSort

    app = QApplication([])
    ctx = AppContext(open_replica(data_dir))
    panel = TicketListPanel(ctx)
    panel.resize(1100, 700)
    panel.show()
    stalls, model = _Stalls(), panel.model
    out: dict[str, Any] = {}
    out["first_page_all_open_ms"] = _wait(model.query_applied, lambda: model.set_view("all_open")) * 1000
    out["total_open"] = model.total
    pages = []
    for _ in range(10):
        pages.append(_wait(model.rowsInserted, lambda: panel.table.scrollToBottom()) * 1000)
        app.processEvents()
    out["scroll_page_ms_median"] = statistics.median(pages)
    out["scroll_page_ms_max"] = max(pages)
    out["rows_loaded_after_scroll"] = model.rowCount()
    worst = stalls.worst
    started = time.perf_counter()  # the service alone, on this thread (not counted as a UI stall)
    ctx.queries.rows(TicketFilter.open_tickets(), TicketSort(), 2000, 200)
    out["service_page_at_2000_ms"] = (time.perf_counter() - started) * 1000
    stalls.reset()
    for label, text in (("filter_words", "printer"), ("filter_query", "queue:IT priority:1 is:open")):
        out[f"{label}_ms"] = _wait(model.query_applied, lambda t=text: model.set_search_text(t)) * 1000
        out[f"{label}_total"] = model.total
    model.set_search_text("")
    _wait(model.query_applied, lambda: None, 60)
    for key, col in (("sort_subject", Col.SUBJECT), ("sort_priority", Col.PRIORITY)):
        out[f"{key}_ms"] = (
            _wait(model.query_applied, lambda c=col: model.sort(c, Qt.SortOrder.AscendingOrder)) * 1000
        )
    out["max_ui_stall_ms"] = max(worst, stalls.worst) * 1000
    out["rss_mb"] = rss_mb()
    print("RESULT", json.dumps(out), flush=True)
    panel.close()
    ctx.close()


# -- the driver ------------------------------------------------------------------------------------
def _run_probe(kind: str, data_dir: Path | None = None) -> tuple[float, dict[str, Any], dict[str, Any]]:
    """(seconds from spawn to READY, READY payload, RESULT payload)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, __file__, "--probe", kind]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    ready_s, counts_s, ready, result = float("nan"), float("nan"), {}, {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            ready_s = time.perf_counter() - started
            ready = json.loads(line.split(" ", 1)[1])
        elif line.startswith("COUNTS"):
            counts_s = time.perf_counter() - started
        elif line.startswith("RESULT"):
            result = json.loads(line.split(" ", 1)[1])
    proc.wait()
    ready["counts_s"] = counts_s
    return ready_s, ready, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also measure the table on 1,000,000 tickets")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probe", choices=["baseline", "app", "table"])
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    if args.probe == "baseline":
        return probe_baseline()
    if args.probe == "app":
        return probe_app(args.data_dir)
    if args.probe == "table":
        return probe_table(args.data_dir)

    sys.path.insert(0, str(ROOT))
    data = replica_for(args.tickets)
    base = [_run_probe("baseline") for _ in range(args.runs)]
    apps = [_run_probe("app", data) for _ in range(args.runs)]
    base_s = statistics.median(b[0] for b in base)
    app_s = statistics.median(a[0] for a in apps)
    base_rss = statistics.median(b[1]["rss_mb"] for b in base)
    app_rss = statistics.median(a[1]["rss_mb"] for a in apps)
    counts_s = statistics.median(a[1]["counts_s"] for a in apps)
    print(f"\n== {args.tickets:,} tickets, median of {args.runs} runs ==")
    print(
        f"start to usable window   {app_s * 1000:8.0f} ms   baseline (PySide6 + empty window) "
        f"{base_s * 1000:6.0f} ms   ratio {app_s / base_s:5.2f}"
    )
    print(f"start to sidebar counts  {counts_s * 1000:8.0f} ms")
    print(
        f"resident memory          {app_rss:8.0f} MB   baseline {base_rss:6.0f} MB   "
        f"ratio {app_rss / base_rss:5.2f}"
    )
    last = apps[-1][2]
    print(f"memory after the run     {last['rss_mb_after']:8.0f} MB")
    for name, v in last["views"].items():
        print(
            f"switch to {name:15s} {v['ui_ms']:8.1f} ms   service alone {v['service_ms']:7.1f} ms   "
            f"ratio {v['ui_ms'] / max(v['service_ms'], 0.01):5.2f}   max UI stall {v['stall_ms']:5.1f} ms"
        )
    for text, v in last["search"].items():
        print(
            f"type {text!r:38s} → table {v['typing_to_table_ms']:7.1f} ms "
            f"({v['after_debounce_ms']:6.1f} after the {150} ms pause)   stall {v['stall_ms']:5.1f} ms   "
            f"{v['total']:,} matches"
        )
    if args.million:
        big = replica_for(1_000_000)
        _, _, table = _run_probe("table", big)
        print("\n== 1,000,000 tickets: the table model ==")
        for key, value in table.items():
            print(f"{key:32s} {value:12,.1f}" if isinstance(value, float) else f"{key:32s} {value:12,}")


if __name__ == "__main__":
    main()
