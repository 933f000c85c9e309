"""Suggestions for the open ticket: similar tickets (their fixes first) and knowledge-base articles.

Contract for the ticket pane:

* :meth:`SuggestionsPanel.set_ticket` (an id, or None) computes both lists from the ticket's
  own words on the database thread (:class:`~sync.search.similar.SimilarItems`); the pane
  calls it after every load of the ticket, so an edited subject or description, or a new
  link, is reflected. A result for a ticket (or a request) no longer wanted is dropped.
* Activating a similar ticket emits :attr:`ticket_requested`; activating an article (or
  "Open article") emits :attr:`article_requested`; "Insert link in reply" emits
  :attr:`insert_link_requested` (id, title) for the composer. The link between the article
  and the ticket is recorded when the reply or note naming it is sent (see
  :func:`~desktop.ticket_pane.reply_composer._send`), not merely when it is inserted.
* :attr:`counted` carries the number of suggestions shown (for the tab title).

UI thread only; the index is brought up to date first when only a few changes wait, as the
search box does, so a ticket written a moment ago is found.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.kb.article_columns import state_text
from desktop.record_table_model import Column, RecordTableModel
from sync.domain.ticket_status import TicketStatus
from sync.errors import NotFoundError
from sync.replica.replica import Replica
from sync.search.search_service import SearchService
from sync.search.similar import SimilarItems, SimilarTicket, SuggestedArticle

__all__ = [
    "SIMILAR_TICKET_COLUMNS",
    "SUGGESTED_ARTICLE_COLUMNS",
    "Suggestions",
    "SuggestionsPanel",
    "load_suggestions",
]

@dataclass(frozen=True)
class Suggestions:
    ticket_id: str
    tickets: tuple[SimilarTicket, ...]
    articles: tuple[SuggestedArticle, ...]


def load_suggestions(replica: Replica, ticket_id: str, *, limit: int = 5) -> Suggestions:
    """Database thread only."""
    SearchService(replica).catch_up_small_backlog()  # like the search box; else suggest from what is indexed
    similar = SimilarItems(replica)
    return Suggestions(
        ticket_id,
        tuple(similar.similar_tickets(ticket_id, limit=limit)),
        tuple(similar.suggested_articles(ticket_id, limit=limit)),
    )


def _status(t: SimilarTicket) -> str:
    try:
        return TicketStatus(t.status).label
    except ValueError:
        return t.status


def _fix(t: SimilarTicket) -> str:
    return " ".join(t.resolution.split())


SIMILAR_TICKET_COLUMNS = (
    Column("Ticket", lambda t: t.display_number),
    Column("Subject", lambda t: t.subject, tooltip=lambda t: t.subject),
    Column("Status", _status),
    Column("How it was fixed", lambda t: _fix(t) or "—", tooltip=lambda t: t.resolution),
)
SUGGESTED_ARTICLE_COLUMNS = (
    Column("Article", lambda a: a.title, tooltip=lambda a: a.title),
    Column("Kind", lambda a: a.kind),
    Column("State", lambda a: state_text(a.state)),
    Column("Used here", lambda a: "linked" if a.linked else ""),
)


def _table(name: str, model: RecordTableModel) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # the subject and the fix share the width (a long fix must not squeeze the subject away)
    for column in (1, 3) if name == "similarTickets" else (0,):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


class SuggestionsPanel(QWidget):
    ticket_requested = Signal(str)
    article_requested = Signal(str)
    insert_link_requested = Signal(str, str)  # article id, title
    counted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ticket_id: str | None = None
        self._requests = 0
        self.tickets_model = RecordTableModel(SIMILAR_TICKET_COLUMNS, self)
        self.articles_model = RecordTableModel(SUGGESTED_ARTICLE_COLUMNS, self)
        self.tickets_table = _table("similarTickets", self.tickets_model)
        self.articles_table = _table("suggestedArticles", self.articles_model)
        self.tickets_table.activated.connect(self._ticket_activated)
        self.tickets_table.doubleClicked.connect(self._ticket_activated)
        self.articles_table.activated.connect(self._article_activated)
        self.articles_table.doubleClicked.connect(self._article_activated)
        self.tickets_heading = QLabel("<b>Similar tickets</b>")
        self.articles_heading = QLabel("<b>Suggested articles</b>")
        self.status_label = QLabel()
        self.status_label.setObjectName("suggestionsStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.open_ticket_button = QPushButton("Open ticket")
        self.open_ticket_button.setObjectName("openSimilarTicket")
        self.open_ticket_button.clicked.connect(
            lambda: self._ticket_activated(self._current(self.tickets_table))
        )
        self.open_article_button = QPushButton("Open article")
        self.open_article_button.setObjectName("openSuggestedArticle")
        self.open_article_button.clicked.connect(
            lambda: self._article_activated(self._current(self.articles_table))
        )
        self.insert_link_button = QPushButton("Insert &link in reply")
        self.insert_link_button.setObjectName("insertSuggestedLink")
        self.insert_link_button.setToolTip(
            "Put a link to this article in the reply; sending it records that the article was used here"
        )
        self.insert_link_button.clicked.connect(self.insert_selected_link)

        ticket_row = QHBoxLayout()
        ticket_row.addWidget(self.tickets_heading, 1)
        ticket_row.addWidget(self.open_ticket_button)
        article_row = QHBoxLayout()
        article_row.addWidget(self.articles_heading, 1)
        article_row.addWidget(self.open_article_button)
        article_row.addWidget(self.insert_link_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(ticket_row)
        layout.addWidget(self.tickets_table, 1)
        layout.addLayout(article_row)
        layout.addWidget(self.articles_table, 1)
        for table in (self.tickets_table, self.articles_table):
            table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    @property
    def ticket_id(self) -> str | None:
        return self._ticket_id

    def set_ticket(self, ticket_id: str | None) -> None:
        """(Re)compute the suggestions for ``ticket_id``; None clears them."""
        self._requests += 1
        if ticket_id != self._ticket_id:
            self.tickets_model.set_records([])
            self.articles_model.set_records([])
            self._update_buttons()
        self._ticket_id = ticket_id
        if ticket_id is None:
            self.status_label.setText("")
            self.counted.emit(0)
            return
        if not self.tickets_model.rowCount() and not self.articles_model.rowCount():
            self.status_label.setText("Looking for similar tickets and articles…")
        request, replica = self._requests, self._ctx.replica
        self._ctx.read(
            lambda: load_suggestions(replica, ticket_id),
            lambda found: self._loaded(request, found),
            lambda error: self._failed(request, error),
        )

    def insert_selected_link(self) -> None:
        index = self._current(self.articles_table)
        if index.isValid():
            article: SuggestedArticle = self.articles_model.record(index.row())
            self.insert_link_requested.emit(article.id, article.title)

    # -- internals -------------------------------------------------------------------
    def _loaded(self, request: int, found: Suggestions) -> None:
        if not isValid(self) or request != self._requests or found.ticket_id != self._ticket_id:
            return  # closed meanwhile, the person moved on, or a newer request is on its way
        self.tickets_model.set_records(found.tickets)
        self.articles_model.set_records(found.articles)
        for table, model in (
            (self.tickets_table, self.tickets_model),
            (self.articles_table, self.articles_model),
        ):
            if model.rowCount():
                table.selectRow(0)
        if not found.tickets and not found.articles:
            self.status_label.setText(
                "Nothing similar found yet: no other ticket or article shares its words."
            )
        else:
            self.status_label.setText("Found from this ticket's subject and description, best first.")
        self._update_buttons()
        self.counted.emit(len(found.tickets) + len(found.articles))

    def _failed(self, request: int, error: BaseException) -> None:
        if not isValid(self) or request != self._requests:
            return
        if isinstance(error, NotFoundError):
            self.status_label.setText("")
            return  # the pane shows that the ticket is gone
        self.status_label.setText("Suggestions could not be computed.")
        show_error(self, error)

    @staticmethod
    def _current(table: QTableView) -> QModelIndex:
        rows = table.selectionModel().selectedRows()
        return rows[0] if rows else QModelIndex()

    def _ticket_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ticket_requested.emit(self.tickets_model.record(index.row()).id)

    def _article_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.article_requested.emit(self.articles_model.record(index.row()).id)

    def _update_buttons(self) -> None:
        has_ticket = bool(self.tickets_table.selectionModel().selectedRows())
        has_article = bool(self.articles_table.selectionModel().selectedRows())
        self.open_ticket_button.setEnabled(has_ticket)
        self.open_article_button.setEnabled(has_article)
        self.insert_link_button.setEnabled(has_article)
