"""The Reports dashboard on its own, over a real demo replica: its numbers are sync.reports' numbers,
missing data reads as words, bad filters are shown inline, stale ranges are dropped, exports write files."""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from desktop_reports.conftest import DEMO_MONTH, TODAY, WAIT_MS, ZONE, pinned_loader
from PySide6.QtCharts import QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.reports import ReportsView
from desktop.reports.dashboard_data import Dashboard
from desktop.reports.figure_format import duration_text, percent_text
from desktop.reports.report_charts import day_msecs
from desktop.reports.report_range import ReportRange, preset_range
from desktop.reports.summary_cards import CARD_LABELS
from sync.replica.replica import Replica
from sync.reports import ReportRequest, backlog, sla, summary, volume
from sync.services.ticket_service import NewTicket

MakeView = Callable[..., ReportsView]


def show_range(qtbot: QtBot, view: ReportsView, report_range: ReportRange) -> None:
    with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
        view.range_bar.set_custom(report_range)


def card_text(view: ReportsView, key: str) -> str:
    return view.cards.cards[key].value.text()


def test_dashboard_shows_the_demo_months_figures_of_sync_reports(
    qtbot: QtBot, make_view: MakeView, demo_ctx: AppContext
) -> None:
    view = make_view()
    show_range(qtbot, view, DEMO_MONTH)
    request = ReportRequest(DEMO_MONTH.start, DEMO_MONTH.end, tz=ZONE)
    with demo_ctx.replica.read() as s:
        head, vol, back, slas = summary(s, request), volume(s, request), backlog(s, request), sla(s, request)
        by_queue = volume(s, replace(request, by="queue"))
    now = head.current
    assert now.created > 50 and now.resolved > 20  # the demo month is a real month's work

    assert card_text(view, "created") == f"{now.created:,}"
    assert card_text(view, "resolved") == f"{now.resolved:,}"
    assert card_text(view, "open_at_end") == f"{now.open_at_end:,}"
    assert card_text(view, "first_response") == duration_text(now.first_response_business.median)
    assert card_text(view, "resolution") == duration_text(now.resolution_business.median)
    assert card_text(view, "sla_first_response") == percent_text(now.sla_first_response_met_pct)
    assert card_text(view, "sla_resolution") == percent_text(now.sla_resolution_met_pct)
    assert card_text(view, "reopen_rate") == percent_text(now.reopen_rate)
    assert card_text(view, "fcr_rate") == percent_text(now.first_contact_resolution_rate)
    assert card_text(view, "csat") == "no ratings yet"  # the demo has no ratings: words, not 0
    # The change against the previous 30 days, from the same summary.
    delta = now.created - head.previous.created
    assert view.cards.cards["created"].change.text().startswith(("+" if delta > 0 else "−") + f"{abs(delta)}")

    # Charts: the per-day lines are the volume and backlog reports, point for point.
    created_line, resolved_line = view.volume_chart.chart().series()
    assert isinstance(created_line, QLineSeries)
    assert [(p.x(), p.y()) for p in created_line.points()] == [
        (float(_msecs(r.bucket)), float(r.created)) for r in vol.rows_
    ]
    assert [p.y() for p in resolved_line.points()] == [float(r.resolved) for r in vol.rows_]
    (open_line,) = view.backlog_chart.chart().series()
    assert [p.y() for p in open_line.points()] == [float(r.open) for r in back.rows_]
    # Bars by queue: the created tickets per queue, largest first, summing to the card.
    per_queue: dict[str, int] = {}
    for row in by_queue.rows_:
        per_queue[row.group] = per_queue.get(row.group, 0) + row.created
    bar_set = view.queue_chart.bar_set
    assert bar_set is not None
    shown = [bar_set.at(i) for i in reversed(range(bar_set.count()))]  # drawn bottom-up
    assert shown == sorted((float(n) for n in per_queue.values() if n), reverse=True)
    assert sum(shown) == now.created
    # SLA met vs breached: the SLA report's counts.
    sets = view.sla_chart.sets
    fr = next(r for r in slas.rows_ if r.clock == "first_response")
    res = next(r for r in slas.rows_ if r.clock == "resolution")
    assert [sets["met"].at(1), sets["breached"].at(1)] == [fr.met, fr.breached]  # top row
    assert [sets["met"].at(0), sets["breached"].at(0)] == [res.met, res.breached]


def _msecs(bucket: str) -> int:
    return int(day_msecs(date.fromisoformat(bucket)))


def test_a_range_without_tickets_reads_as_no_data_not_zero(qtbot: QtBot, make_view: MakeView) -> None:
    view = make_view()
    show_range(
        qtbot, view, ReportRange(DEMO_MONTH.start.replace(year=2024), DEMO_MONTH.end.replace(year=2024))
    )
    assert card_text(view, "created") == "0"  # a count of nothing is 0 …
    for key in ("first_response", "resolution", "sla_first_response", "reopen_rate", "fcr_rate"):
        assert card_text(view, key) == "—", key  # … but a median or rate of nothing is not
    assert card_text(view, "csat") == "no ratings yet"


def test_a_filter_in_the_search_language_narrows_every_figure(
    qtbot: QtBot, make_view: MakeView, demo_ctx: AppContext
) -> None:
    view = make_view()
    show_range(qtbot, view, DEMO_MONTH)
    everything = view.dashboard
    qtbot.keyClicks(view.range_bar.filter, "printer toner")  # free text: reports filter by fields only
    with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
        qtbot.keyClick(view.range_bar.filter, "\r")
    assert view.error.isVisible() and "free text" in view.error.text()
    assert view.dashboard is everything  # the figures shown stay

    view.range_bar.filter.clear()
    qtbot.keyClicks(view.range_bar.filter, "queue:IT")
    with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
        qtbot.keyClick(view.range_bar.filter, "\r")
    assert not view.error.isVisible()
    request = ReportRequest(DEMO_MONTH.start, DEMO_MONTH.end, query="queue:IT", tz=ZONE)
    with demo_ctx.replica.read() as s:
        it_only = summary(s, request).current
    assert 0 < it_only.created < everything.card("created").value  # type: ignore[union-attr, operator]
    assert card_text(view, "created") == f"{it_only.created:,}"
    assert "queue:IT" in view.range_label.text()


def test_a_result_for_an_older_range_is_dropped_and_the_spinner_turns_meanwhile(
    qtbot: QtBot, make_view: MakeView
) -> None:
    gate = threading.Event()
    asked: list[ReportRange] = []

    def slow_first(replica: Replica, report_range: ReportRange, query: str) -> Dashboard:
        asked.append(report_range)
        if len(asked) == 1:
            gate.wait(WAIT_MS / 1000)
        return pinned_loader(replica, report_range, query)

    view = make_view(load=slow_first, wait=False)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=WAIT_MS)
    assert view.spinner.active and view.spinner.isVisible()
    view.range_bar.choose_preset("7d")  # both asked while the first range computes
    view.range_bar.choose_preset("90d")
    shown: list[ReportRange] = []
    view.computed.connect(lambda: shown.append(view.dashboard.range))  # type: ignore[union-attr]
    gate.set()
    qtbot.waitUntil(lambda: bool(shown) and not view.is_computing, timeout=WAIT_MS)
    ninety = preset_range("90d", TODAY)
    assert shown == [ninety]  # the 30-day result landed first and was never shown
    assert asked == [preset_range("30d", TODAY), ninety]  # the 7-day request was replaced while waiting
    assert not view.spinner.active and not view.spinner.isVisible()
    assert view.range_label.text().startswith(f"{ninety.label()}, compared with")


def _save_through_dialog(qtbot: QtBot, view: ReportsView, path: Path) -> None:
    dialog = view.file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()
    qtbot.waitUntil(lambda: path.exists(), timeout=WAIT_MS)


def test_csv_export_of_a_chart_writes_its_rows(qtbot: QtBot, make_view: MakeView, tmp_path: Path) -> None:
    view = make_view()
    show_range(qtbot, view, DEMO_MONTH)
    action = next(a for a in view.csv_menu.actions() if a.text().startswith("Created by queue"))
    action.trigger()  # what choosing it in the Export CSV menu does
    target = tmp_path / "by-queue.csv"
    _save_through_dialog(qtbot, view, target)
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert view.dashboard is not None
    bars = view.dashboard.bar_chart("queue").bars
    assert rows[0] == ["Created by queue", "Created"]
    assert rows[1:] == [[b.label, str(int(b.value))] for b in bars]
    assert sum(int(r[1]) for r in rows[1:]) == int(card_text(view, "created"))

    view.export_csv("cards", tmp_path / "cards.csv")
    with (tmp_path / "cards.csv").open(encoding="utf-8-sig", newline="") as f:
        figures = {r[0]: r for r in csv.reader(f)}
    assert figures["Created"][1] == card_text(view, "created")
    assert figures["Satisfaction (CSAT)"][1:3] == ["", ""]  # no ratings: empty cells, never 0


def test_pdf_export_writes_a_report_with_the_headline_figures(
    qtbot: QtBot, make_view: MakeView, tmp_path: Path
) -> None:
    view = make_view()
    show_range(qtbot, view, DEMO_MONTH)
    qtbot.mouseClick(view.pdf_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "report.pdf"
    _save_through_dialog(qtbot, view, target)
    assert target.read_bytes().startswith(b"%PDF")
    document = QPdfDocument()
    assert document.load(str(target)) == QPdfDocument.Error.None_
    text = "\n".join(document.getAllText(p).text() for p in range(document.pageCount()))
    document.close()
    for label in CARD_LABELS.values():
        assert label in text, label
    assert DEMO_MONTH.label() in text
    assert card_text(view, "created") in text and "no ratings yet" in text
    for title in ("Created and resolved per day", "Created by queue", "SLA met vs breached"):
        assert title in text, title  # the charts are drawn in, their text kept as text
    assert not list(tmp_path.glob("*.partial"))


def test_a_write_recomputes_the_dashboard_once_the_notices_pause(
    qtbot: QtBot, make_view: MakeView, demo_ctx: AppContext
) -> None:
    view = make_view()
    today = date.today()  # the new ticket is created now, on the replica's real clock
    show_range(qtbot, view, ReportRange(today - timedelta(days=6), today + timedelta(days=1)))
    before = int(card_text(view, "created"))
    queue = demo_ctx.directory.queues()[0].id
    tickets = demo_ctx.tickets
    with qtbot.waitSignal(view.computed, timeout=WAIT_MS):
        demo_ctx.write(
            lambda: tickets.create_ticket(NewTicket(subject="Badge reader dead at gate 2", queue_id=queue))
        )
    assert card_text(view, "created") == f"{before + 1:,}"


def test_an_export_that_cannot_be_written_says_so(qtbot: QtBot, make_view: MakeView, tmp_path: Path) -> None:
    view = make_view()
    view.export_csv("cards", tmp_path / "no-such-folder" / "cards.csv")
    box = view.error_box
    assert box is not None and box.isVisible()
    assert "cards.csv" in box.text() and "another folder" in box.text()
    assert view.last_export is None
    box.close()


def test_every_number_shown_has_as_many_distinct_tickets_behind_it(qtbot: QtBot, make_view: MakeView) -> None:
    """What a click lists is as long as the number on screen: the value of a count card, the
    count its basis line names for a median or rate card, a bar's value, an SLA part's count."""
    view = make_view()
    show_range(qtbot, view, DEMO_MONTH)
    dashboard = view.dashboard
    assert dashboard is not None
    for figure in dashboard.cards:
        if figure.ticket_ids is None:
            assert figure.key == "csat"
            continue
        card = view.cards.cards[figure.key]
        value = card.value.text()  # a count, else the basis line names what is listed
        shown = value if re.fullmatch(r"[\d,]+", value) else card.basis.text()
        number = int(re.search(r"\d[\d,]*", shown).group().replace(",", ""))  # type: ignore[union-attr]
        assert number == len(set(figure.ticket_ids)) == len(figure.ticket_ids), figure.key
    for chart in dashboard.bar_charts:
        for bar in chart.bars:
            assert bar.ticket_ids is not None
            assert bar.value == len(set(bar.ticket_ids)) == len(bar.ticket_ids), (chart.key, bar.label)
    for row in dashboard.sla.rows:
        assert row.met == len(set(row.met_ids or ())) and row.breached == len(set(row.breached_ids or ()))
