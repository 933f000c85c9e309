"""Agents' verdict on an article: "Helpful" / "Not helpful" with counts, an optional comment.

Contract: :meth:`ArticleFeedbackPanel.set_article` (an id, or None) loads the
:class:`~sync.services.article_feedback.FeedbackSummary` on the database thread; a result
for an article no longer shown is dropped. The two buttons show the counts and which one
the signed-in agent chose; clicking one is one ``ctx.write``
(:meth:`~sync.services.article_feedback.ArticleFeedbackService.give`, which replaces an
earlier verdict), with the comment box's text. :attr:`counted` carries (helpful, not
helpful) for the reader's tab title. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.error_message import error_reporter
from desktop.record_table_model import Column, RecordTableModel, local_time_text
from sync.services.article_feedback import (
    MAX_FEEDBACK_COMMENT,
    ArticleFeedbackService,
    FeedbackSummary,
)

__all__ = ["FEEDBACK_COLUMNS", "ArticleFeedbackPanel"]

FEEDBACK_COLUMNS = (
    Column("Agent", lambda e: e.person or "—"),
    Column("Verdict", lambda e: "Helpful" if e.helpful else "Not helpful"),
    Column("Comment", lambda e: e.comment, tooltip=lambda e: e.comment),
    Column("When", lambda e: local_time_text(e.given_at)),
)


class ArticleFeedbackPanel(QWidget):
    counted = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._article_id: str | None = None
        self._requests = 0
        self.summary: FeedbackSummary | None = None
        self.question = QLabel("Did this article help you solve a ticket?")
        self.helpful_button = QPushButton()
        self.helpful_button.setObjectName("articleHelpful")
        self.helpful_button.setCheckable(True)
        self.helpful_button.clicked.connect(lambda: self.give(True))
        self.unhelpful_button = QPushButton()
        self.unhelpful_button.setObjectName("articleNotHelpful")
        self.unhelpful_button.setCheckable(True)
        self.unhelpful_button.clicked.connect(lambda: self.give(False))
        self.comment_edit = QLineEdit(placeholderText="Optional: what was missing or wrong?")
        self.comment_edit.setObjectName("feedbackComment")
        self.comment_edit.setMaxLength(MAX_FEEDBACK_COMMENT)
        self.model = RecordTableModel(FEEDBACK_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("feedbackTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        row = QHBoxLayout()
        row.addWidget(self.question)
        row.addWidget(self.helpful_button)
        row.addWidget(self.unhelpful_button)
        row.addWidget(self.comment_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self._show(None)

    def set_article(self, article_id: str | None) -> None:
        self._requests += 1
        if article_id != self._article_id:
            self.comment_edit.clear()
            self._show(None)
        self._article_id = article_id
        if article_id is None:
            return
        request, service = self._requests, ArticleFeedbackService(self._ctx.replica)
        self._ctx.read(
            lambda: service.summary(article_id),
            lambda summary: self._loaded(request, article_id, summary),
            error_reporter(self),
        )

    def give(self, helpful: bool) -> None:
        article_id = self._article_id
        if article_id is None:
            return
        self._show(self.summary)  # a click toggles the button; the saved verdict decides its state
        comment, service = self.comment_edit.text(), ArticleFeedbackService(self._ctx.replica)
        self.helpful_button.setEnabled(False)
        self.unhelpful_button.setEnabled(False)
        self._ctx.write(
            lambda: service.give(article_id, helpful, comment),
            lambda _result: self._given(article_id),
            self._failed,
        )

    # -- internals -------------------------------------------------------------------
    def _loaded(self, request: int, article_id: str, summary: FeedbackSummary) -> None:
        if not isValid(self) or request != self._requests or article_id != self._article_id:
            return  # closed meanwhile, or superseded
        self._show(summary)
        self.counted.emit(summary.helpful, summary.not_helpful)

    def _given(self, article_id: str) -> None:
        if isValid(self) and article_id == self._article_id:
            self.comment_edit.clear()
            self.set_article(article_id)

    def _failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._show(self.summary)
        show_error(self, error)

    def _show(self, summary: FeedbackSummary | None) -> None:
        self.summary = summary
        yes, no = (summary.helpful, summary.not_helpful) if summary else (0, 0)
        mine = summary.mine if summary else None
        self.helpful_button.setText(f"Helpful ({yes})")
        self.unhelpful_button.setText(f"Not helpful ({no})")
        self.helpful_button.setChecked(mine is True)
        self.unhelpful_button.setChecked(mine is False)
        for button in (self.helpful_button, self.unhelpful_button):
            button.setEnabled(summary is not None)
        self.helpful_button.setToolTip("You found it helpful" if mine is True else "")
        self.unhelpful_button.setToolTip("You found it not helpful" if mine is False else "")
        self.model.set_records(summary.entries if summary else ())
        self.table.setVisible(bool(summary and summary.entries))
        self.question.setAlignment(Qt.AlignmentFlag.AlignVCenter)
