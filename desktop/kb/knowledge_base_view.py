"""The knowledge-base screen: categories, search, the article list, and a reader/editor.

Contract for the main window: ``KnowledgeBaseView(ctx, parent)``;
:meth:`KnowledgeBaseView.open_article` shows one article (and emits
:attr:`article_opened`); :meth:`KnowledgeBaseView.new_article` opens the editor on a new,
optionally prefilled article. Links to tickets inside articles come out as
:attr:`ticket_link_activated` for the main window to follow.

The list reloads (on the database thread) when the search text pauses, when another
category is picked, and when the change hub reports article changes; the open article
reloads when it is among them. A result older than the latest request is dropped, so the
list keeps up with typing. Search text uses the query language of the search box
(:func:`sync.search.article_search.find_articles`: accents and case ignored, best match
first); text that is not a valid query shows its message under the box instead of a list.
UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.kb.article_columns import ARTICLE_COLUMNS, ARTICLE_UPDATED
from desktop.kb.article_editor import ArticleEditor
from desktop.kb.article_reader import ArticleReader
from desktop.record_table_model import Column, RecordTableModel
from desktop.theme import colors
from desktop.visible_debounce import VisibleDebounce
from sync.search.article_search import find_articles
from sync.search.query_model import QuerySyntaxError
from sync.search.search_service import SearchService
from sync.services.article_service import ArticleDetail, ArticleSummary
from sync.services.changes import ChangeSet

__all__ = ["CATEGORY_COLUMNS", "KnowledgeBaseView"]

SEARCH_PAUSE_MS = 200
#: The category list: "" is "All articles".
CATEGORY_COLUMNS = (Column("Category", lambda c: c or "All articles"),)


class KnowledgeBaseView(QWidget):
    article_opened = Signal(str)
    ticket_link_activated = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._searches = 0
        self._category = ""
        self.search_edit = QLineEdit(placeholderText="Search articles")
        self.search_edit.setObjectName("kbSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            "Words find articles containing them (accents ignored); also tag:, category:, updated:"
        )
        self.search_message = QLabel()
        self.search_message.setObjectName("kbSearchMessage")
        self.search_message.setTextFormat(Qt.TextFormat.PlainText)
        self.search_message.setWordWrap(True)
        self.search_message.hide()
        self._search_service = SearchService(ctx.replica)
        self.new_button = QPushButton("&New article")
        self.new_button.setObjectName("newArticle")
        self.new_button.clicked.connect(lambda: self.new_article())
        self.category_model = RecordTableModel(CATEGORY_COLUMNS, self)
        self.category_list = QListView()
        self.category_list.setObjectName("kbCategories")
        self.category_list.setModel(self.category_model)
        self.article_model = RecordTableModel(ARTICLE_COLUMNS, self)
        self.article_table = QTableView()
        self.article_table.setObjectName("kbArticles")
        self.article_table.setModel(self.article_model)
        self.article_table.verticalHeader().hide()
        self.article_table.setWordWrap(False)  # one line per article; the tooltip has the full title
        header = self.article_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.article_table.setColumnHidden(ARTICLE_COLUMNS.index(ARTICLE_UPDATED), True)
        self.article_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.article_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.article_table.activated.connect(
            lambda index: self.open_article(self.article_model.record(index.row()).id)
        )
        self.article_table.clicked.connect(
            lambda index: self.open_article(self.article_model.record(index.row()).id)
        )
        self.reader = ArticleReader(ctx)
        self.editor = ArticleEditor(ctx)
        self.stack = QStackedWidget()
        self.stack.setObjectName("kbStack")
        self.stack.addWidget(self.reader)
        self.stack.addWidget(self.editor)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.search_message)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self.category_list)
        lists.addWidget(self.article_table)
        lists.setSizes([150, 600])
        left_layout.addWidget(lists, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 2)
        split.setSizes([460, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(split)

        self._pause = VisibleDebounce(self, self.reload_list, SEARCH_PAUSE_MS)
        self._refresh = VisibleDebounce(self, self._refresh_after_changes, 0)
        self._reader_stale = False
        self.search_edit.textChanged.connect(lambda _t: self._pause.start())
        self.category_list.selectionModel().selectionChanged.connect(self._category_changed)
        self.reader.edit_requested.connect(self._edit)
        self.reader.article_link_activated.connect(self.open_article)
        self.reader.ticket_link_activated.connect(self.ticket_link_activated)
        self.editor.saved.connect(self.open_article)
        self.editor.cancelled.connect(lambda: self.stack.setCurrentWidget(self.reader))
        ctx.hub.changed.connect(self._changed)
        self.reload_categories()
        self.reload_list()

    # -- public ----------------------------------------------------------------------
    def open_article(self, article_id: str) -> None:
        self.stack.setCurrentWidget(self.reader)
        self.reader.show_article(article_id)
        self._select_in_list(article_id)
        self.article_opened.emit(article_id)

    def new_article(self, *, title: str = "", body: str = "", category: str = "") -> None:
        self.editor.new_article(title=title, body=body, category=category or self._category)
        self.stack.setCurrentWidget(self.editor)

    def reload_categories(self) -> None:
        self._ctx.read(self._ctx.articles.categories, self._categories_loaded, error_reporter(self))

    def reload_list(self) -> None:
        self._pause.cancel()
        self._searches += 1
        search, text, category, articles = (
            self._searches,
            self.search_edit.text(),
            self._category,
            self._ctx.articles,
        )
        service = self._search_service
        self._ctx.read(
            lambda: (
                find_articles(service, text, category=category or None)
                if text.strip()
                else articles.articles(category=category or None)
            ),
            lambda found: self._list_loaded(search, found),
            lambda error: self._search_failed(search, error),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._pause.resume()
        self._refresh.resume()  # article changes that arrived while another screen was in front

    # -- internals -------------------------------------------------------------------
    def _categories_loaded(self, categories: list[str]) -> None:
        self.category_model.set_records(["", *categories])
        rows = [i for i, c in enumerate(self.category_model.records()) if c == self._category]
        self.category_list.setCurrentIndex(self.category_model.index(rows[0] if rows else 0, 0))

    def _category_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        category = self.category_model.record(indexes[0].row()) if indexes else ""
        if category != self._category:
            self._category = category
            self.reload_list()

    def _search_failed(self, search: int, error: BaseException) -> None:
        if search != self._searches:
            return
        if not isinstance(error, QuerySyntaxError):
            error_reporter(self)(error)
            return
        self.article_model.set_records([])
        self.search_message.setStyleSheet(f"color: {colors().error_text.name()};")
        self.search_message.setText(error.message)
        self.search_message.show()  # the cursor stays put: the person is still typing

    def _list_loaded(self, search: int, found: list[ArticleSummary]) -> None:
        if search != self._searches:
            return
        if found or not self.search_edit.text().strip():
            self.search_message.hide()
            self.search_message.clear()
        else:
            self.search_message.setStyleSheet(f"color: {colors().note_text.name()};")
            self.search_message.setText("No article matches this search.")
            self.search_message.show()
        self.article_model.set_records(found)
        current = self.reader.article
        if current is not None:
            self._select_in_list(current.id)

    def _select_in_list(self, article_id: str) -> None:
        for row, article in enumerate(self.article_model.records()):
            if article.id == article_id:
                self.article_table.selectRow(row)
                return
        self.article_table.clearSelection()

    def _edit(self, detail: ArticleDetail) -> None:
        self.editor.edit_article(detail)
        self.stack.setCurrentWidget(self.editor)

    def _changed(self, changes: ChangeSet) -> None:
        if not (changes.everything or changes.articles):
            return
        current = self.reader.article
        if current is not None and (changes.everything or current.id in changes.articles):
            self._reader_stale = True
        self._refresh.start()  # one reload for a burst of notices, and none while hidden

    def _refresh_after_changes(self) -> None:
        self.reload_categories()
        self.reload_list()
        if self._reader_stale:
            self._reader_stale = False
            self.reader.reload()
