"""The middle of the main window: view title, search bar, ticket table and a result summary.

Owns the :class:`TicketTableModel` and wires the search bar to it. Loads the queue and
agent choices for the column filter menus on the database thread (again when queues or
people change). UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.app_context import AppContext
from desktop.ticket_table.column_filters import ColumnFilters
from desktop.ticket_table.search_bar import SearchBar
from desktop.ticket_table.table_model import TicketTableModel
from desktop.ticket_table.table_view import TicketTableView
from sync.services.changes import ChangeSet
from sync.services.directory import PersonView, QueueView

__all__ = ["TicketListPanel"]


class TicketListPanel(QWidget):
    ticket_selected = Signal(object)  # str | None
    save_view_requested = Signal(str)  # the search text to save

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = TicketTableModel(ctx, self)
        self.title = QLabel("Tickets", self)
        self.title.setObjectName("viewTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel("", self)
        self.summary.setObjectName("resultSummary")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clear_filters = QPushButton("Clear column filters", self)
        self.clear_filters.setFlat(True)
        self.clear_filters.hide()
        self.search = SearchBar(self)
        self.table = TicketTableView(self.model, self)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.clear_filters)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)

        self.search.text_settled.connect(self.model.set_search_text)
        self.search.save_requested.connect(self.save_view_requested)
        self.model.search_feedback.connect(self.search.show_feedback)
        self.model.total_changed.connect(lambda _n: self._update_summary())
        self.model.loading_changed.connect(lambda _b: self._update_summary())
        self.model.rowsInserted.connect(lambda *_: self._update_summary())
        self.model.modelReset.connect(self._update_summary)
        self.model.headerDataChanged.connect(lambda *_: self._update_filter_button())
        self.table.ticket_selected.connect(self.ticket_selected)
        self.clear_filters.clicked.connect(lambda: self.model.set_column_filters(ColumnFilters()))
        ctx.hub.changed.connect(self._on_changed)
        self._load_choices()

    def set_title(self, title: str) -> None:
        self.title.setText(title)

    def focus_search(self) -> None:
        self.search.focus()

    def _update_summary(self) -> None:
        loaded, total = self.model.rowCount(), self.model.total
        if self.model.is_loading and not loaded:
            text = "Loading…"
        elif total == 0:
            text = "No tickets"
        elif loaded >= total:
            text = f"{total:,} ticket{'s' if total != 1 else ''}"
        else:
            text = f"Showing {loaded:,} of {total:,}"
        self.summary.setText(text)

    def _update_filter_button(self) -> None:
        self.clear_filters.setVisible(bool(self.model.query.columns.active_columns()))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.queues or changes.people or changes.everything:
            self._load_choices()

    def _load_choices(self) -> None:
        directory = self._ctx.directory

        def load() -> tuple[list[QueueView], list[PersonView]]:
            return directory.queues(), directory.agents()

        def done(result: tuple[list[QueueView], list[PersonView]]) -> None:
            queues, agents = result
            self.table.set_choices([(q.id, q.name) for q in queues], [(a.id, a.name) for a in agents])

        self._ctx.read(load, done)
