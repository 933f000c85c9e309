"""Time and materials on a ticket: the work log, a form to add an entry, and a running timer.

Contract: :meth:`WorkLogPanel.set_data` shows a loaded ticket; "Log work" is one
``ctx.write`` of :meth:`TicketWork.log_work` (the form clears when it succeeds, and stays
filled with the error shown when it fails). The timer belongs to :class:`WorkTimers`,
which the pane owns, so a timer keeps running while other tickets are shown; stopping it
puts the minutes (rounded up) into the form for the person to complete and log.

UI thread only; the one-second tick runs only while the shown ticket's timer runs.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.record_table_model import Column, RecordTableModel, local_time_text
from desktop.ticket_pane.work_timer import WorkTimers
from sync.services.changes import WriteResult
from sync.services.ticket_views import TicketDetail, WorkLogView
from sync.services.ticket_work import MAX_MINUTES

__all__ = ["NOTE_COLUMN", "PARTS_COLUMN", "WORK_LOG_COLUMNS", "WorkLogPanel", "duration_text"]


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _time_text(w: WorkLogView) -> str:
    travel = f" + {duration_text(w.travel_minutes)} travel" if w.travel_minutes else ""
    return duration_text(w.minutes) + travel


def _entry_tooltip(w: WorkLogView) -> str:
    lines = [f"{local_time_text(w.logged_at)} – {w.author or 'unknown'}: {_time_text(w)}"]
    lines += [f"Parts: {w.parts}"] if w.parts else []
    lines += [w.note] if w.note else []
    return "\n".join(lines)


NOTE_COLUMN = Column("Note", lambda w: w.note, tooltip=_entry_tooltip)
PARTS_COLUMN = Column("Parts", lambda w: w.parts, tooltip=_entry_tooltip)
WORK_LOG_COLUMNS = (
    Column("When", lambda w: w.logged_at.astimezone().strftime("%d %b %H:%M"), tooltip=_entry_tooltip),
    Column("Who", lambda w: w.author or "—", tooltip=_entry_tooltip),
    Column("Time", _time_text, tooltip=_entry_tooltip),
    NOTE_COLUMN,
    PARTS_COLUMN,
)


class WorkLogPanel(QWidget):
    #: The id of a logged entry.
    logged = Signal(str)

    def __init__(self, ctx: AppContext, timers: WorkTimers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._timers = timers
        self._ticket_id: str | None = None
        self.model = RecordTableModel(WORK_LOG_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("workLogTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WORK_LOG_COLUMNS.index(NOTE_COLUMN), QHeaderView.ResizeMode.Stretch)
        parts = WORK_LOG_COLUMNS.index(PARTS_COLUMN)  # long part lists are elided; the tooltip has all
        header.setSectionResizeMode(parts, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(parts, 130)
        self.table.setWordWrap(False)
        self.total_label = QLabel()
        self.total_label.setObjectName("workTotal")

        self.minutes_spin = QSpinBox(minimum=1, maximum=MAX_MINUTES, value=15)
        self.minutes_spin.setObjectName("workMinutes")
        self.minutes_spin.setSuffix(" min")
        self.travel_spin = QSpinBox(minimum=0, maximum=MAX_MINUTES)
        self.travel_spin.setObjectName("workTravel")
        self.travel_spin.setSuffix(" min")
        self.parts_edit = QLineEdit(placeholderText="e.g. 1 × fuser unit")
        self.parts_edit.setObjectName("workParts")
        self.note_edit = QLineEdit(placeholderText="what was done")
        self.note_edit.setObjectName("workNote")
        self.log_button = QPushButton("&Log work")
        self.log_button.setObjectName("logWorkButton")
        self.log_button.clicked.connect(self.log_entry)
        self.note_edit.returnPressed.connect(self.log_entry)
        self.timer_button = QPushButton()
        self.timer_button.setObjectName("timerButton")
        self.timer_button.clicked.connect(self.toggle_timer)
        self.timer_label = QLabel()
        self.timer_label.setObjectName("timerLabel")
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._show_timer)

        form = QFormLayout()
        times = QHBoxLayout()
        times.addWidget(self.minutes_spin)
        times.addWidget(QLabel("travel"))
        times.addWidget(self.travel_spin)
        form.addRow("Time", times)
        form.addRow("Parts", self.parts_edit)
        form.addRow("Note", self.note_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.timer_button)
        buttons.addWidget(self.timer_label, 1)
        buttons.addWidget(self.log_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self._show_timer()

    def set_detail(self, detail: TicketDetail) -> None:
        if detail.id != self._ticket_id:
            self._ticket_id = detail.id
            self._reset_form()
        self.model.set_records(list(reversed(detail.work_logs)))  # newest first
        travel = sum(w.travel_minutes for w in detail.work_logs)
        total = f"Total: {duration_text(detail.minutes_logged)}"
        self.total_label.setText(total + (f" (+ {duration_text(travel)} travel)" if travel else ""))
        self._show_timer()

    def clear(self) -> None:
        self._ticket_id = None
        self.model.set_records([])
        self._show_timer()

    # -- timer -----------------------------------------------------------------------
    def toggle_timer(self) -> None:
        if self._ticket_id is None:
            return
        if self._timers.is_running(self._ticket_id):
            self.minutes_spin.setValue(self._timers.stop(self._ticket_id))
            self.note_edit.setFocus()
        else:
            self._timers.start(self._ticket_id)
        self._show_timer()

    def _show_timer(self) -> None:
        running = self._ticket_id is not None and self._timers.is_running(self._ticket_id)
        self.timer_button.setEnabled(self._ticket_id is not None)
        self.timer_button.setText("Stop &timer" if running else "Start &timer")
        if running and self._ticket_id is not None:
            seconds = int(self._timers.elapsed_seconds(self._ticket_id))
            hours, rest = divmod(seconds, 3600)
            self.timer_label.setText(f"running {hours}:{rest // 60:02d}:{rest % 60:02d}")
            if not self._tick.isActive():
                self._tick.start()
        else:
            self.timer_label.setText("")
            self._tick.stop()

    # -- logging ---------------------------------------------------------------------
    def log_entry(self) -> None:
        ticket_id = self._ticket_id
        if ticket_id is None or not self.log_button.isEnabled():
            return
        minutes, travel = self.minutes_spin.value(), self.travel_spin.value()
        note, parts, work = self.note_edit.text(), self.parts_edit.text(), self._ctx.work
        self.log_button.setEnabled(False)
        self._ctx.write(
            lambda: work.log_work(ticket_id, minutes, note=note, parts=parts, travel_minutes=travel),
            lambda result: self._logged(ticket_id, result),
            self._failed,
        )

    def _logged(self, ticket_id: str, result: WriteResult) -> None:
        self.log_button.setEnabled(True)
        if ticket_id == self._ticket_id:
            self._reset_form()
        self.logged.emit(result.entity_id)

    def _failed(self, error: BaseException) -> None:
        self.log_button.setEnabled(True)
        show_error(self, error)

    def _reset_form(self) -> None:
        self.minutes_spin.setValue(15)
        self.travel_spin.setValue(0)
        self.parts_edit.clear()
        self.note_edit.clear()
