"""'Used in N tickets': the tickets an article is linked to, opened with a double click.

Contract: :meth:`ArticleUsagePanel.set_article` (an id, or None) loads the links on the
database thread (:meth:`~sync.services.article_links.ArticleLinks.tickets_for`); a result
for an article no longer shown is dropped. Activating a ticket that is on this device
emits :attr:`ticket_requested`; :attr:`counted` carries the number of tickets (the reader
puts it in the tab title and its facts line). UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.record_table_model import Column, RecordTableModel, local_time_text
from sync.domain.ticket_status import TicketStatus
from sync.services.article_links import ArticleLinks, LinkedTicket

__all__ = ["USAGE_COLUMNS", "ArticleUsagePanel", "used_in_text"]

_SOURCES = {
    "mention": "Linked in a reply or note",
    "explicit": "Linked by hand",
    "created_from": "Written from it",
}


def used_in_text(count: int) -> str:
    return (
        "Not used in any ticket yet" if count == 0 else f"Used in {count} ticket{'s' if count != 1 else ''}"
    )


def _status(t: LinkedTicket) -> str:
    try:
        return TicketStatus(t.status).label
    except ValueError:
        return t.status


USAGE_COLUMNS = (
    Column("Ticket", lambda t: t.display_number if t.in_replica else "(not on this device)"),
    Column("Subject", lambda t: t.subject, tooltip=lambda t: t.subject),
    Column("Status", _status),
    Column("How", lambda t: _SOURCES.get(t.source, t.source)),
    Column("Linked", lambda t: local_time_text(t.linked_at)),
)


class ArticleUsagePanel(QWidget):
    ticket_requested = Signal(str)
    counted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._article_id: str | None = None
        self._requests = 0
        self.summary_label = QLabel()
        self.summary_label.setObjectName("usedInSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model = RecordTableModel(USAGE_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("usedInTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open_row)
        self.table.doubleClicked.connect(self._open_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)

    def set_article(self, article_id: str | None) -> None:
        self._requests += 1
        if article_id != self._article_id:
            self.model.set_records([])
        self._article_id = article_id
        if article_id is None:
            self.summary_label.setText("")
            return
        request, links = self._requests, ArticleLinks(self._ctx.replica)
        self._ctx.read(
            lambda: links.tickets_for(article_id),
            lambda found: self._loaded(request, found),
            error_reporter(self),
        )

    def _loaded(self, request: int, found: list[LinkedTicket]) -> None:
        if not isValid(self) or request != self._requests:  # closed meanwhile, or superseded
            return
        self.model.set_records(found)
        self.summary_label.setText(used_in_text(len(found)))
        self.counted.emit(len(found))

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            linked: LinkedTicket = self.model.record(index.row())
            if linked.in_replica:
                self.ticket_requested.emit(linked.ticket_id)
