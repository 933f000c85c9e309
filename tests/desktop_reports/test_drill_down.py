"""Reports inside the real main window: reached from the sidebar and the palette, and every number
clicked lists exactly its tickets in the ticket table (the count there equals the number clicked)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from desktop_reports.conftest import DEMO_MONTH, WAIT_MS
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.main_window import MainWindow
from desktop.reports import ReportsView
from desktop.sidebar import REPORTS_KEY
from sync.reports import ReportRequest, backlog, desk_time_zone, summary, volume
from sync.services.sla_service import load_sla_config


def click_sidebar(qtbot: QtBot, win: MainWindow, key: str) -> None:
    row = win.sidebar.model.row_of(key)
    assert row is not None, f"no {key!r} in the sidebar"
    rect = win.sidebar.list.visualRect(win.sidebar.model.index(row))
    qtbot.mouseClick(win.sidebar.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def open_reports_on_demo_month(qtbot: QtBot, win: MainWindow) -> ReportsView:
    with qtbot.waitSignal(win.stack.currentChanged, timeout=WAIT_MS):
        click_sidebar(qtbot, win, REPORTS_KEY)
    view = win.reports
    assert isinstance(view, ReportsView) and win.stack.currentWidget() is view  # not a placeholder
    qtbot.waitUntil(lambda: view.dashboard is not None and not view.is_computing, timeout=WAIT_MS)
    with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
        view.range_bar.set_custom(DEMO_MONTH)
    return view


def listed_after(qtbot: QtBot, win: MainWindow, click: QWidget, pos: QPoint | None = None) -> int:
    """Click (on ``pos`` of) ``click`` and return how many tickets the ticket table then lists."""
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=WAIT_MS):
        qtbot.mouseClick(click, Qt.MouseButton.LeftButton, pos=click.rect().center() if pos is None else pos)
    assert win.stack.currentWidget() is win.ticket_split
    assert win.current_view_key() is None  # a drill-down is no view of the sidebar
    return win.tickets.model.total


def test_cards_and_bars_drill_down_to_exactly_their_tickets(qtbot: QtBot, window: MainWindow) -> None:
    win = window
    view = open_reports_on_demo_month(qtbot, win)
    with win.ctx.replica.read() as s:
        zone = desk_time_zone(load_sla_config(s))
    request = ReportRequest(DEMO_MONTH.start, DEMO_MONTH.end, tz=ZoneInfo(zone))
    with win.ctx.replica.read() as s:
        expected = summary(s, request)

    # The "Resolved" card: the table lists the month's resolved tickets, as many as the card says.
    resolved = view.cards.cards["resolved"]
    shown = int(resolved.value.text().replace(",", ""))
    assert shown == expected.current.resolved > 0
    assert listed_after(qtbot, win, resolved) == shown
    assert "Resolved" in win.tickets.title.text() and DEMO_MONTH.label() in win.tickets.title.text()
    assert win.tickets.summary.text() == f"{shown:,} tickets"
    listed = {win.tickets.model.ticket_id(r) for r in range(win.tickets.model.rowCount())}
    assert listed == set(expected.tickets["resolved"])

    # Back to Reports (the same dashboard, not recomputed), then a bar: the IT queue's created tickets.
    click_sidebar(qtbot, win, REPORTS_KEY)
    assert win.stack.currentWidget() is view and not view.is_computing
    chart = view.queue_chart
    assert view.dashboard is not None
    top = view.dashboard.bar_chart("queue").bars[0]
    pos = chart.bar_center(0).toPoint()
    assert listed_after(qtbot, win, chart.viewport(), pos) == int(top.value) > 0
    assert top.label in win.tickets.title.text()

    # The SLA chart's breached part of the first-response row: the breached tickets.
    click_sidebar(qtbot, win, REPORTS_KEY)
    breached = view.sla_chart.sets["breached"].at(1)
    pos = view.sla_chart.segment_center(0, "breached").toPoint()
    assert listed_after(qtbot, win, view.sla_chart.viewport(), pos) == breached > 0
    listed = {win.tickets.model.ticket_id(r) for r in range(win.tickets.model.rowCount())}
    assert listed == set(expected.tickets["sla_first_response_breached"])

    # Choosing a view again leaves the drill-down for that view's own list.
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=WAIT_MS):
        click_sidebar(qtbot, win, "all_open")
    assert win.tickets.model.query.ticket_ids is None


def test_a_click_on_a_line_lists_that_days_tickets(qtbot: QtBot, window: MainWindow) -> None:
    win = window
    view = open_reports_on_demo_month(qtbot, win)
    with win.ctx.replica.read() as s:
        zone = ZoneInfo(desk_time_zone(load_sla_config(s)))
    request = ReportRequest(DEMO_MONTH.start, DEMO_MONTH.end, tz=zone)
    with win.ctx.replica.read() as s:
        created = volume(s, request).tickets
        open_then = backlog(s, request).tickets
    assert view.dashboard is not None
    # The busiest day of the "Created" line, then the last day of the backlog line.
    line = view.dashboard.volume.series[0]
    busiest = max(range(len(line.points)), key=lambda i: line.points[i][1])
    day, count = line.points[busiest]
    pos = view.volume_chart.point_center(0, busiest).toPoint()
    assert listed_after(qtbot, win, view.volume_chart.viewport(), pos) == int(count) > 0
    listed = {win.tickets.model.ticket_id(r) for r in range(win.tickets.model.rowCount())}
    assert listed == set(created[f"created:{day.isoformat()}:"])
    assert "Created on" in win.tickets.title.text()

    click_sidebar(qtbot, win, REPORTS_KEY)
    line = view.dashboard.backlog.series[0]
    last = len(line.points) - 1
    day, count = line.points[last]
    pos = view.backlog_chart.point_center(0, last).toPoint()
    assert listed_after(qtbot, win, view.backlog_chart.viewport(), pos) == int(count) > 0
    assert win.tickets.model.total == len(open_then[f"open:{day.isoformat()}:"])


def test_reports_from_the_command_palette(qtbot: QtBot, window: MainWindow) -> None:
    win = window
    win.open_palette()
    qtbot.keyClicks(win.palette_dialog.edit, "reports")
    with qtbot.waitSignal(win.stack.currentChanged, timeout=WAIT_MS):
        qtbot.keyClick(win.palette_dialog.edit, Qt.Key.Key_Return)
    assert isinstance(win.reports, ReportsView) and win.stack.currentWidget() is win.reports
    assert win.current_view_key() == REPORTS_KEY
    qtbot.waitUntil(
        lambda: win.reports.dashboard is not None and not win.reports.is_computing, timeout=WAIT_MS
    )
    first = win.reports.dashboard
    with qtbot.waitSignal(win.reports.computed, timeout=WAIT_MS):
        qtbot.keyClick(win, Qt.Key.Key_F5)  # Refresh recomputes the dashboard on screen
    assert win.reports.dashboard is not first
