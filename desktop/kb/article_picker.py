"""Picking a knowledge-base article, e.g. to link it from a reply.

The dialog searches as the person types (after a short pause, on the database thread)
and reports the choice through :attr:`ArticlePickerDialog.article_chosen` (id, title). It
is window-modal and opened with ``open()``. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.kb.article_columns import ARTICLE_COLUMNS
from desktop.record_table_model import RecordTableModel
from desktop.visible_debounce import VisibleDebounce
from sync.search.article_search import find_articles
from sync.search.query_model import QuerySyntaxError
from sync.search.search_service import SearchService
from sync.services.article_service import ArticleService, ArticleSummary

__all__ = ["ArticlePickerDialog", "article_link_markdown"]

SEARCH_PAUSE_MS = 200


def _search(search: SearchService, articles: ArticleService, text: str) -> list[ArticleSummary]:
    """Database thread. Words as in the search box (accents ignored, best first); text that is
    not a valid query yet (typing ``tag:``) falls back to a plain substring match."""
    if not text.strip():
        return articles.articles(limit=200)
    try:
        return find_articles(search, text, limit=200)
    except QuerySyntaxError:
        return articles.articles(text=text, limit=200)


def article_link_markdown(article_id: str, title: str) -> str:
    """A markdown link to the article, e.g. ``[Reset a password](outpost:article/<id>)``."""
    text = " ".join(title.replace("[", "(").replace("]", ")").split()) or "article"
    return f"[{text}](outpost:article/{article_id})"


class ArticlePickerDialog(QDialog):
    article_chosen = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self.setWindowTitle("Link an article")
        self.setObjectName("articlePicker")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.search_edit = QLineEdit(placeholderText="Search articles")
        self.search_edit.setObjectName("articleSearch")
        self.model = RecordTableModel(ARTICLE_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("articleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self._pause = VisibleDebounce(self, self.search, SEARCH_PAUSE_MS)
        self.search_edit.textChanged.connect(lambda _t: self._pause.start())
        self.resize(560, 400)
        self.search()

    def search(self) -> None:
        self._pause.cancel()
        self._generation += 1
        generation, text, articles = self._generation, self.search_edit.text(), self._ctx.articles
        self._ctx.read(
            lambda: _search(SearchService(articles.replica), articles, text),
            lambda found: self._found(generation, found),
            error_reporter(self),
        )

    def accept(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows and self.model.rowCount() == 1:
            rows = [self.model.index(0, 0)]
        if not rows:
            return
        article: ArticleSummary = self.model.record(rows[0].row())
        super().accept()
        self.article_chosen.emit(article.id, article.title)

    def _found(self, generation: int, found: list[ArticleSummary]) -> None:
        # The dialog deletes itself on close; a search may finish after that.
        if generation == self._generation and isValid(self):
            self.model.set_records(found)
            if found:
                self.table.selectRow(0)
