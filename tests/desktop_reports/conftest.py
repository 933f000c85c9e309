"""Reports GUI fixtures: a real demo replica (built once, copied per test), a context, a window.

The demo is built with a pinned ``now`` (:data:`DEMO_NOW`), so "the demo month"
(:data:`DEMO_MONTH`, November 2026) always holds resolved, reopened and breached tickets,
and the dashboard's calendar is pinned to :data:`TODAY` and the report zone to
:data:`ZONE`, so the tests read the same days on any machine.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, QDeadlineTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.main_window import MainWindow
from desktop.reports import ReportsView
from desktop.reports.dashboard_data import Dashboard
from desktop.reports.dashboard_loader import load_dashboard
from desktop.reports.report_range import ReportRange
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import Replica, open_replica

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO_NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DEMO_MONTH = ReportRange(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 11, 30)
ZONE = ZoneInfo("Europe/London")
WAIT_MS = 20_000  # the machine is shared; every wait ends as soon as its condition holds

Loader = Callable[[Replica, ReportRange, str], Dashboard]


def pinned_loader(replica: Replica, report_range: ReportRange, query: str) -> Dashboard:
    """The real loader in the demo's zone (what the view computes with in these tests)."""
    return load_dashboard(replica, report_range, query, tz=ZONE)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("reports_demo") / "data"
    build_demo_replica(data, DemoSpec(tickets=400, articles=4, seed=7, now=DEMO_NOW))
    return data


@pytest.fixture
def demo_ctx(demo_template: Path, tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    context = AppContext(open_replica(data))
    yield context
    deadline = QDeadlineTimer(5000)
    while context.runner.pending and not deadline.hasExpired():
        QCoreApplication.processEvents()
    context.close()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "settings.ini")


@pytest.fixture
def make_view(qtbot: QtBot, demo_ctx: AppContext) -> Callable[..., ReportsView]:
    """A shown ReportsView at 1280×800 on the demo, its calendar pinned; waits for the first dashboard."""

    def make(load: Loader = pinned_loader, wait: bool = True) -> ReportsView:
        view = ReportsView(demo_ctx, load=load, today=lambda: TODAY)
        qtbot.addWidget(view)
        view.resize(1280, 800)
        if wait:
            with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
                view.show()
        else:
            view.show()
        return view

    return make


@pytest.fixture
def window(qtbot: QtBot, demo_ctx: AppContext, settings: AppSettings) -> Iterator[MainWindow]:
    theme = ThemeController(QApplication.instance(), settings)  # type: ignore[arg-type]
    win = MainWindow(demo_ctx, settings, theme)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=WAIT_MS):
        win.show()
    qtbot.waitUntil(lambda: win.sidebar.last_snapshot is not None, timeout=WAIT_MS)
    yield win
    win.close()
    qtbot.waitUntil(lambda: demo_ctx.runner.pending == 0, timeout=WAIT_MS)
