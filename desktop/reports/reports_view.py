"""The Reports screen: headline cards and charts for a date range and filter, with exports.

Contract:

* The dashboard is computed by ``load`` (default :func:`load_dashboard`) on the database
  thread (``ctx.read``); the UI thread only draws the :class:`Dashboard` it returns. While
  a range computes, a spinner turns and the last dashboard stays on screen.
* At most one computation is in flight. A request made meanwhile waits and replaces any
  earlier waiting one; a result for an older range or filter is dropped, never shown.
* A filter that does not parse (a :class:`ValidationError`) is shown under the filter box and
  the dashboard shown stays; any other error goes to ``ctx.runner.failed``.
* Every number that has tickets behind it drills down: ``drill_requested(title, ticket_ids)``
  (the main window lists those tickets in the ticket table).
* After a write or sync (``ctx.hub.changed``) the dashboard recomputes once the notices
  pause, and only while it is visible (:class:`VisibleDebounce`).
* ``computed`` is emitted after each dashboard is shown (tests wait on it).

UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.reports.busy_spinner import BusySpinner
from desktop.reports.csv_export import write_csv
from desktop.reports.dashboard_data import Dashboard
from desktop.reports.dashboard_loader import load_dashboard
from desktop.reports.headline_cards import HeadlineCards
from desktop.reports.pdf_export import write_dashboard_pdf
from desktop.reports.range_bar import RangeBar
from desktop.reports.report_charts import GroupBarChart, LineChart, SlaChart
from desktop.reports.report_range import ReportRange
from desktop.theme import colors
from desktop.visible_debounce import VisibleDebounce
from sync.errors import ValidationError
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet

__all__ = ["DashboardLoader", "ReportsView"]

#: ``load(replica, range, query)`` → Dashboard; runs on the database thread.
DashboardLoader = Callable[[Replica, ReportRange, str], Dashboard]
_RECOMPUTE_PAUSE_MS = 800


class ReportsView(QWidget):
    drill_requested = Signal(str, object)  # title, tuple of ticket ids
    computed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        load: DashboardLoader = load_dashboard,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportsView")
        self._ctx = ctx
        self._load = load
        self.dashboard: Dashboard | None = None
        self._generation = 0
        self._inflight = False
        self._waiting = False
        self._closed = False
        self._started = False
        self.file_dialog: QFileDialog | None = None
        self.error_box: QMessageBox | None = None
        self.last_export: Path | None = None

        self.title = QLabel("Reports", self)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.range_label = QLabel("", self)
        self.range_label.setObjectName("reportRangeLabel")
        self.spinner = BusySpinner(self)
        self.status = QLabel("", self)
        self.status.setObjectName("reportStatus")
        self.csv_button = QPushButton("Export CSV", self)
        self.csv_menu = QMenu(self.csv_button)
        self.csv_button.setMenu(self.csv_menu)
        self.pdf_button = QPushButton("Export PDF…", self)
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.range_bar = RangeBar(self, today=today)
        self.error = QLabel("", self)
        self.error.setObjectName("reportError")
        self.error.setWordWrap(True)
        self.error.hide()

        self.cards = HeadlineCards(self)
        self.volume_chart = LineChart("Created and resolved per day", self)
        self.backlog_chart = LineChart("Open at the end of each day", self)
        self.queue_chart = GroupBarChart("Created by queue", self)
        self.category_chart = GroupBarChart("Created by category", self)
        self.agent_chart = GroupBarChart("Resolved by agent", self)
        self.age_chart = GroupBarChart("Age of the tickets open at the end", self)
        self.sla_chart = SlaChart("SLA met vs breached", self)
        self.bar_charts = {
            "queue": self.queue_chart,
            "category": self.category_chart,
            "agent": self.agent_chart,
            "age": self.age_chart,
        }

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.range_label)
        top.addWidget(self.spinner)
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)
        charts = QGridLayout()
        charts.setSpacing(8)
        # Six columns: two charts per row, or three bar charts side by side.
        charts.addWidget(self.volume_chart, 0, 0, 1, 3)
        charts.addWidget(self.backlog_chart, 0, 3, 1, 3)
        charts.addWidget(self.queue_chart, 1, 0, 1, 2)
        charts.addWidget(self.category_chart, 1, 2, 1, 2)
        charts.addWidget(self.agent_chart, 1, 4, 1, 2)
        charts.addWidget(self.sla_chart, 2, 0, 1, 3)
        charts.addWidget(self.age_chart, 2, 3, 1, 3)
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.setSpacing(10)
        body_layout.addWidget(self.cards)
        body_layout.addLayout(charts, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.range_bar)
        layout.addWidget(self.error)
        layout.addWidget(self.scroll_area, 1)

        self.range_bar.request_changed.connect(self.recompute)
        self.cards.drill_requested.connect(self._card_drill)
        for chart in self.bar_charts.values():
            chart.bar_clicked.connect(self._bar_drill)
        self.sla_chart.segment_clicked.connect(self._sla_drill)
        self.volume_chart.point_clicked.connect(self._line_drill)
        self.backlog_chart.point_clicked.connect(self._line_drill)
        self._after_changes = VisibleDebounce(self, self.recompute, _RECOMPUTE_PAUSE_MS)
        ctx.hub.changed.connect(self._on_changed)
        self._update_exports()

    # -- computing -----------------------------------------------------------------------------
    @property
    def is_computing(self) -> bool:
        return self._inflight

    def shutdown(self) -> None:
        """Stop computing (the window is closing)."""
        self._closed = True
        self._after_changes.cancel()

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch: the charts take the new chart theme and the cards their colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for chart in (self.volume_chart, self.backlog_chart, self.sla_chart, *self.bar_charts.values()):
                chart.apply_theme()
            if self.dashboard is not None:
                self.show_dashboard(self.dashboard)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.recompute()
        self._after_changes.resume()

    def recompute(self) -> None:
        """Compute the dashboard for the range and filter now in the controls."""
        if self._closed:
            return
        self._started = True
        self._generation += 1
        self.spinner.start()
        self.status.setText("Computing…")
        if self._inflight:
            self._waiting = True
            return
        self._submit()

    def _submit(self) -> None:
        generation, load, replica = self._generation, self._load, self._ctx.replica
        report_range, query = self.range_bar.current, self.range_bar.query
        self._inflight = True
        self._waiting = False
        self.range_label.setText(report_range.label())

        def work() -> Dashboard:
            return load(replica, report_range, query)

        submitted = self._ctx.read(
            work,
            lambda result: self._landed(generation, result),
            lambda error: self._failed(generation, error),
        )
        if submitted < 0:  # the context is closing
            self._inflight = False

    def _resubmit_if_stale(self, generation: int) -> bool:
        self._inflight = False
        if self._closed:
            return True
        if self._waiting or generation != self._generation:
            self._submit()  # an older range's answer: dropped
            return True
        self.spinner.stop()
        return False

    def _landed(self, generation: int, dashboard: Dashboard) -> None:
        if self._resubmit_if_stale(generation):
            return
        self.error.hide()
        self.show_dashboard(dashboard)
        self.computed.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if self._resubmit_if_stale(generation):
            return
        self.status.setText("")
        if isinstance(error, ValidationError):
            self.error.setText(str(error))  # the filter or the range, in the words of sync.reports
            self.error.setStyleSheet(f"color: {colors().error_text.name()};")
            self.error.show()
        else:
            self._ctx.runner.failed.emit(error)
        self.computed.emit()

    def _on_changed(self, changes: ChangeSet) -> None:
        if self._started and not changes.is_empty:
            self._after_changes.start()

    # -- drawing -------------------------------------------------------------------------------
    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.range_label.setText(
            f"{dashboard.range.label()}, compared with {dashboard.range.previous().label()}"
            + (f"  ·  {dashboard.query}" if dashboard.query else "")
        )
        self.status.setText(f"computed {dashboard.computed_at.astimezone():%H:%M}")
        self.status.setStyleSheet(f"color: {colors().muted_text.name()};")
        self.cards.set_figures(dashboard.cards)
        self.volume_chart.set_data(dashboard.volume)
        self.backlog_chart.set_data(dashboard.backlog)
        for chart_data in dashboard.bar_charts:
            if chart_data.key in self.bar_charts:
                self.bar_charts[chart_data.key].set_data(chart_data)
        self.sla_chart.set_data(dashboard.sla)
        self._update_exports()

    # -- drilling down -------------------------------------------------------------------------
    def _drill(self, what: str, ids: tuple[str, ...] | None) -> None:
        if ids is None or self.dashboard is None:
            return
        where = self.dashboard.range.label()
        if self.dashboard.query:
            where += f", {self.dashboard.query}"
        self.drill_requested.emit(f"{what} ({where})", tuple(ids))

    def _card_drill(self, key: str) -> None:
        if self.dashboard is not None:
            figure = self.dashboard.card(key)
            self._drill(figure.listed_as or figure.label, figure.ticket_ids)

    def _bar_drill(self, chart_key: str, index: int) -> None:
        if self.dashboard is None:
            return
        chart = self.dashboard.bar_chart(chart_key)
        if 0 <= index < len(chart.bars):
            bar = chart.bars[index]
            self._drill(f"{chart.value_label}: {bar.label}", bar.ticket_ids)

    def _line_drill(self, chart_key: str, series: int, index: int) -> None:
        if self.dashboard is None:
            return
        chart = self.dashboard.volume if chart_key == "volume" else self.dashboard.backlog
        if not 0 <= series < len(chart.series):
            return
        line = chart.series[series]
        ids = line.ids_at(index)
        if ids is not None:
            self._drill(f"{line.name} on {line.points[index][0]:%d %b %Y}", ids)

    def _sla_drill(self, row: int, part: str) -> None:
        if self.dashboard is None or not 0 <= row < len(self.dashboard.sla.rows):
            return
        sla = self.dashboard.sla.rows[row]
        ids = sla.met_ids if part == "met" else sla.breached_ids
        self._drill(f"{sla.label} SLA {part}", ids)

    # -- exporting -----------------------------------------------------------------------------
    def _update_exports(self) -> None:
        self.csv_menu.clear()
        dashboard = self.dashboard
        self.csv_button.setEnabled(dashboard is not None)
        self.pdf_button.setEnabled(dashboard is not None)
        if dashboard is None:
            return
        for key, title in dashboard.csv_keys():
            self.csv_menu.addAction(f"{title}…", self._csv_exporter(key))

    def _csv_exporter(self, key: str) -> Callable[[], None]:
        return lambda: self.export_csv(key)

    def _ask_path(self, caption: str, name: str, pattern: str, write: Callable[[Path], None]) -> None:
        dialog = QFileDialog(self, caption, str(Path.home() / name), pattern)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: write(Path(path)))
        self.file_dialog = dialog
        dialog.open()

    def export_csv(self, key: str, path: Path | None = None) -> None:
        """Write part ``key`` of the dashboard as CSV to ``path``, or ask where (a save dialog)."""
        dashboard = self.dashboard
        if dashboard is None:
            return
        if path is None:
            name = f"outpost-{key}-{dashboard.range.file_stem()}.csv"
            self._ask_path("Export CSV", name, "CSV files (*.csv)", lambda p: self.export_csv(key, p))
            return
        self._write(path, lambda: write_csv(path, dashboard.csv_table(key)))

    def export_pdf(self, path: Path | None = None) -> None:
        """Write the whole dashboard (figures and charts) as a PDF to ``path``, or ask where."""
        dashboard = self.dashboard
        if dashboard is None:
            return
        if path is None:
            name = f"outpost-report-{dashboard.range.file_stem()}.pdf"
            self._ask_path("Export PDF report", name, "PDF files (*.pdf)", lambda p: self.export_pdf(p))
            return
        self._write(path, lambda: write_dashboard_pdf(path, dashboard))

    def _write(self, path: Path, write: Callable[[], None]) -> None:
        """Run an export; a file that cannot be written is a message, not a crash."""
        try:
            write()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Export failed",
                f"Could not save {path.name}: {reason}.\nChoose another folder or name and export again.",
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.error_box = box
            box.open()
            return
        self.last_export = path
        self.status.setText(f"saved {path.name}")
