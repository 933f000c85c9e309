"""Reading an article: its rendered body, its facts, its revisions, and publish/withdraw.

Contract: :meth:`ArticleReader.show_article` loads the article, its revisions and its
rendered body in one ``ctx.read`` (rendering happens on the database thread); results for
an article no longer wanted are dropped. Picking a revision in the list shows that
revision's text under a banner; "Back to current" returns. Edit asks the owner
(:attr:`edit_requested`) to open the editor; Publish/Withdraw is one ``ctx.write``,
whose :class:`PermissionDeniedError` (not a curator) is shown as its message.

The body is shown in a :class:`SafeTextBrowser`: links to other articles and tickets are
re-emitted as :attr:`article_link_activated` / :attr:`ticket_link_activated`, web links
open only after a confirmation, nothing is fetched.

Below the body, three tabs: the revisions (select one to view it, "Compare" diffs it with
the current revision, or two selected revisions with each other; "Restore" saves the
shown old revision as a new one through :class:`~sync.services.article_revisions.ArticleRevisions`,
so nothing is lost and no confirmation is asked), the tickets the article was used in
(:class:`ArticleUsagePanel`; opening one emits :attr:`ticket_link_activated` with its id)
and agents' helpfulness feedback (:class:`ArticleFeedbackPanel`). UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.error_message import error_reporter
from desktop.kb.article_columns import REVISION_COLUMNS, state_text
from desktop.kb.article_feedback_panel import ArticleFeedbackPanel
from desktop.kb.article_html import ARTICLE_STYLE, article_html
from desktop.kb.article_usage_panel import ArticleUsagePanel, used_in_text
from desktop.kb.revision_diff import RevisionDiffDialog
from desktop.kb.safe_browser import SafeTextBrowser
from desktop.record_table_model import RecordTableModel, local_time_text
from sync.errors import NotFoundError
from sync.replica.blob_store import BlobStore
from sync.services.article_revisions import ArticleRevisions, RevisionDiff
from sync.services.article_service import ArticleDetail, ArticleRevisionView, ArticleService

__all__ = ["ArticleReader", "LoadedArticle", "load_article"]


@dataclass(frozen=True)
class LoadedArticle:
    detail: ArticleDetail
    revisions: tuple[ArticleRevisionView, ...]
    html: str


def load_article(
    articles: ArticleService, attachments_dir: Path | BlobStore, article_id: str
) -> LoadedArticle:
    """Database thread only."""
    detail = articles.detail(article_id)
    return LoadedArticle(
        detail, tuple(articles.revisions(article_id)), article_html(detail.body, attachments_dir)
    )


class ArticleReader(QWidget):
    edit_requested = Signal(object)  # ArticleDetail
    article_link_activated = Signal(str)
    ticket_link_activated = Signal(str)
    #: The article could not be found (e.g. it left this device); carries its id.
    article_missing = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loaded: LoadedArticle | None = None
        self._wanted: str | None = None
        self._requests = 0
        self.title_label = QLabel()
        self.title_label.setObjectName("articleTitleLabel")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = QLabel()
        self.meta_label.setObjectName("articleMeta")
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("revisionBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet("background:#fff1c7; color:#1d1d1f; padding:4px;")
        self.back_button = QPushButton("Back to current")
        self.back_button.setObjectName("backToCurrent")
        self.back_button.clicked.connect(self.show_current)
        self.edit_button = QPushButton("&Edit")
        self.edit_button.setObjectName("editArticle")
        self.edit_button.clicked.connect(self._edit_clicked)
        self.state_button = QPushButton()
        self.state_button.setObjectName("publishArticle")
        self.state_button.clicked.connect(self.toggle_published)
        self.browser = SafeTextBrowser()
        self.browser.document().setDefaultStyleSheet(ARTICLE_STYLE)
        self.browser.document().setDocumentMargin(12)
        self.browser.setObjectName("articleBrowser")
        self.browser.article_link_activated.connect(self.article_link_activated)
        self.browser.ticket_link_activated.connect(self.ticket_link_activated)
        self.revisions_model = RecordTableModel(REVISION_COLUMNS, self)
        self.revisions_table = QTableView()
        self.revisions_table.setObjectName("revisionTable")
        self.revisions_table.setModel(self.revisions_model)
        self.revisions_table.verticalHeader().hide()
        self.revisions_table.horizontalHeader().setStretchLastSection(True)
        self.revisions_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.revisions_table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.revisions_table.clicked.connect(self._revision_clicked)
        self.revisions_table.selectionModel().selectionChanged.connect(self._update_revision_buttons)
        self._shown_revision: int | None = None
        self.diff_dialog: RevisionDiffDialog | None = None
        self.compare_button = QPushButton("&Compare")
        self.compare_button.setObjectName("compareRevisions")
        self.compare_button.setToolTip(
            "Show what changed: the selected revision against the current one, or two selected revisions"
        )
        self.compare_button.clicked.connect(self.compare_selected)
        self.restore_button = QPushButton("&Restore this revision")
        self.restore_button.setObjectName("restoreRevision")
        self.restore_button.setToolTip("Save the shown revision's title and text as a new revision")
        self.restore_button.clicked.connect(self.restore_shown_revision)
        self.usage = ArticleUsagePanel(ctx)
        self.usage.ticket_requested.connect(self.ticket_link_activated)
        self.usage.counted.connect(self._usage_counted)
        self.feedback = ArticleFeedbackPanel(ctx)
        self.feedback.counted.connect(self._feedback_counted)
        self._facts = ""

        actions = QHBoxLayout()
        actions.addWidget(self.title_label, 1)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.state_button)
        banner = QHBoxLayout()
        banner.addWidget(self.banner, 1)
        banner.addWidget(self.back_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(actions)
        top_layout.addWidget(self.meta_label)
        top_layout.addLayout(banner)
        top_layout.addWidget(self.browser, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        revisions_page = QWidget()
        revisions_layout = QVBoxLayout(revisions_page)
        revisions_layout.setContentsMargins(0, 4, 0, 0)
        revision_buttons = QHBoxLayout()
        revision_buttons.addStretch(1)
        revision_buttons.addWidget(self.compare_button)
        revision_buttons.addWidget(self.restore_button)
        revisions_layout.addLayout(revision_buttons)
        revisions_layout.addWidget(self.revisions_table, 1)
        self.details_tabs = QTabWidget()
        self.details_tabs.setObjectName("articleDetailsTabs")
        self.details_tabs.addTab(revisions_page, "Revisions")
        self.details_tabs.addTab(self.usage, "Used in")
        self.details_tabs.addTab(self.feedback, "Feedback")
        split.addWidget(self.details_tabs)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._show_banner(None)
        self.setEnabled(False)

    @property
    def article(self) -> ArticleDetail | None:
        return self._loaded.detail if self._loaded is not None else None

    def show_article(self, article_id: str) -> None:
        self._requests += 1
        self._wanted = article_id
        request, articles, folder = self._requests, self._ctx.articles, self._ctx.replica.blobs
        self._ctx.read(
            lambda: load_article(articles, folder, article_id),
            lambda loaded: self._article_loaded(request, loaded),
            lambda error: self._load_failed(request, article_id, error),
        )

    def reload(self) -> None:
        if self._wanted is not None:
            self.show_article(self._wanted)

    def show_revision(self, revision: int) -> None:
        """Show an older (or the current) revision's text; the banner says which."""
        if self._loaded is None:
            return
        for rev in self._loaded.revisions:
            if rev.revision == revision:
                break
        else:
            return
        if revision == self._loaded.detail.revision:
            self.show_current()
            return
        folder = self._ctx.replica.blobs
        request = self._requests
        self._ctx.read(
            lambda: article_html(rev.body, folder), lambda html: self._revision_rendered(request, rev, html)
        )

    def show_current(self) -> None:
        if self._loaded is not None:
            self.browser.setHtml(self._loaded.html)
        self._shown_revision = None
        self._update_revision_buttons()
        self._show_banner(None)

    def selected_revisions(self) -> list[int]:
        """The revision numbers selected in the list, oldest first."""
        rows = self.revisions_table.selectionModel().selectedRows()
        return sorted(self.revisions_model.record(index.row()).revision for index in rows)

    def compare_selected(self) -> None:
        """Diff two selected revisions, or the selected (or shown) one against the current one."""
        if self._loaded is None:
            return
        current = self._loaded.detail.revision
        chosen = self.selected_revisions()
        if len(chosen) >= 2:
            old, new = chosen[0], chosen[-1]
        elif chosen and chosen[0] != current:
            old, new = chosen[0], current
        elif self._shown_revision is not None:
            old, new = self._shown_revision, current
        elif current > 1:
            old, new = current - 1, current
        else:
            return
        self.compare(old, new)

    def compare(self, old: int, new: int) -> None:
        if self._loaded is None:
            return
        article_id, revisions = self._loaded.detail.id, ArticleRevisions(self._ctx.replica)
        request = self._requests
        self._ctx.read(
            lambda: revisions.diff(article_id, old, new),
            lambda diff: self._diff_loaded(request, diff),
            error_reporter(self),
        )

    def restore_shown_revision(self) -> None:
        """Save the old revision being viewed as the article's next revision (the service checks rights)."""
        if self._loaded is None or self._shown_revision is None:
            return
        article_id, revision = self._loaded.detail.id, self._shown_revision
        revisions = ArticleRevisions(self._ctx.replica)
        self._ctx.write(
            lambda: revisions.restore(article_id, revision), lambda _r: self.reload(), error_reporter(self)
        )

    def toggle_published(self) -> None:
        detail = self.article
        if detail is None:
            return
        state, articles = ("draft" if detail.state == "published" else "published"), self._ctx.articles
        self._ctx.write(lambda: articles.set_state(detail.id, state), on_error=error_reporter(self))

    # -- internals -------------------------------------------------------------------
    def _article_loaded(self, request: int, loaded: LoadedArticle) -> None:
        if request != self._requests:
            return
        self._loaded = loaded
        d = loaded.detail
        self.setEnabled(True)
        self.title_label.setText(d.title)
        facts = [d.category or "uncategorised", d.kind, state_text(d.state), f"revision {d.revision}"]
        if d.author:
            facts.append(f"by {d.author}")
        facts.append(f"updated {local_time_text(d.updated_at)}")
        if d.tags:
            facts.append("tags: " + " ".join(d.tags))
        if d.has_pending_changes:
            facts.append("changes not yet synced")
        self._facts = "  ·  ".join(facts)
        self.meta_label.setText(self._facts)
        self.state_button.setText("&Withdraw" if d.state == "published" else "&Publish")
        self.revisions_model.set_records(list(reversed(loaded.revisions)))
        self.revisions_table.resizeColumnsToContents()
        count = len(loaded.revisions)
        self.details_tabs.setTabText(0, f"Revisions ({count})")
        self.usage.set_article(d.id)
        self.feedback.set_article(d.id)
        self.show_current()

    def _load_failed(self, request: int, article_id: str, error: BaseException) -> None:
        if request != self._requests:
            return
        if isinstance(error, NotFoundError):
            self._loaded = None
            self.setEnabled(False)
            self.usage.set_article(None)
            self.feedback.set_article(None)
            self.article_missing.emit(article_id)
        show_error(self, error)

    def _revision_rendered(self, request: int, rev: ArticleRevisionView, html: str) -> None:
        if request != self._requests or self._loaded is None:
            return
        self.browser.setHtml(html)
        self._shown_revision = rev.revision
        self._update_revision_buttons()
        self._show_banner(
            f"Revision {rev.revision} of {self._loaded.detail.revision} – {rev.title} – "
            f"saved {local_time_text(rev.created_at)} by {rev.author or 'unknown'}"
        )

    def _diff_loaded(self, request: int, diff: RevisionDiff) -> None:
        if not isValid(self) or request != self._requests:
            return
        if self.diff_dialog is not None and isValid(self.diff_dialog):
            self.diff_dialog.close()
        self.diff_dialog = RevisionDiffDialog(diff, self)
        self.diff_dialog.show()

    def _update_revision_buttons(self) -> None:
        loaded = self._loaded
        current = loaded.detail.revision if loaded is not None else 0
        chosen = self.selected_revisions()
        self.compare_button.setEnabled(
            len(chosen) >= 2
            or any(r != current for r in chosen)
            or self._shown_revision is not None
            or current > 1
        )
        self.restore_button.setEnabled(self._shown_revision is not None)
        self.restore_button.setVisible(self._shown_revision is not None)

    def _usage_counted(self, count: int) -> None:
        self.details_tabs.setTabText(self.details_tabs.indexOf(self.usage), f"Used in ({count})")
        self.meta_label.setText(f"{self._facts}  ·  {used_in_text(count).lower()}" if self._facts else "")

    def _feedback_counted(self, helpful: int, not_helpful: int) -> None:
        index = self.details_tabs.indexOf(self.feedback)
        total = helpful + not_helpful
        self.details_tabs.setTabText(index, f"Feedback ({helpful}/{total} helpful)" if total else "Feedback")

    def _show_banner(self, text: str | None) -> None:
        self.banner.setVisible(text is not None)
        self.back_button.setVisible(text is not None)
        self.banner.setText(text or "")

    def _revision_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_revision(self.revisions_model.record(index.row()).revision)

    def _edit_clicked(self) -> None:
        if self.article is not None:
            self.edit_requested.emit(self.article)
