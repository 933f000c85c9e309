"""Writing an article: title, category, tags, kind, and a markdown body with a live preview.

Contract: :meth:`ArticleEditor.new_article` starts an unsaved article (optionally prefilled,
e.g. from a ticket's resolution); :meth:`ArticleEditor.edit_article` edits an existing one.
:meth:`ArticleEditor.save` is one ``ctx.write``: ``ArticleService.create`` (a draft) or
``ArticleService.edit`` (a new revision). The service decides who may edit what; a
:class:`PermissionDeniedError` is shown as its message and the text stays in the editor.
``saved`` carries the article id; ``cancelled`` means the person gave up.

A new article can start from a template (:data:`sync.kb.templates.ARTICLE_TEMPLATES`:
how-to, known error with its workaround, FAQ): picking one sets the kind and fills the body
with the template's headings and prompts. Text the person already wrote is only replaced
after asking.

The preview is rendered on the database thread after a short pause in typing; a result
for older text than the latest request is dropped. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.kb.article_html import ARTICLE_STYLE, article_html
from desktop.kb.safe_browser import SafeTextBrowser
from desktop.visible_debounce import VisibleDebounce
from sync.kb.templates import ARTICLE_TEMPLATES, fill_template
from sync.services.article_service import ARTICLE_KINDS, ArticleDetail
from sync.services.changes import WriteResult

__all__ = ["PREVIEW_PAUSE_MS", "ArticleEditor"]

PREVIEW_PAUSE_MS = 250


class ArticleEditor(QWidget):
    saved = Signal(str)
    cancelled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._article_id: str | None = None
        self._previews = 0
        self.title_edit = QLineEdit(placeholderText="What the article helps with")
        self.title_edit.setObjectName("articleTitle")
        self.category_combo = QComboBox(editable=True)
        self.category_combo.setObjectName("articleCategory")
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.tags_edit = QLineEdit(placeholderText="words separated by spaces")
        self.tags_edit.setObjectName("articleTags")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("articleKind")
        for kind in ARTICLE_KINDS:
            self.kind_combo.addItem(kind.capitalize(), kind)
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("articleTemplate")
        self.template_combo.addItem("Blank article", "")
        for template in ARTICLE_TEMPLATES.values():
            self.template_combo.addItem(template.label, template.kind)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, template.description, Qt.ItemDataRole.ToolTipRole
            )
        self.template_combo.activated.connect(
            lambda index: self.apply_template(self.template_combo.itemData(index))
        )
        self._template_body = ""
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("articleBody")
        self.body_edit.setPlaceholderText(
            "Markdown: # Heading, **bold**, - list, [link](outpost:article/<id>)"
        )
        self.body_edit.setTabChangesFocus(True)
        self.preview = SafeTextBrowser()
        self.preview.document().setDefaultStyleSheet(ARTICLE_STYLE)
        self.preview.setObjectName("articlePreview")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(lambda: self.cancelled.emit())

        form = QFormLayout()
        form.addRow("&Title", self.title_edit)
        form.addRow("&Category", self.category_combo)
        form.addRow("T&ags", self.tags_edit)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("Start &from", self.template_combo)
        self._form = form
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.body_edit)
        split.addWidget(self.preview)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)

        self._pause = VisibleDebounce(self, self.render_preview, PREVIEW_PAUSE_MS)
        self.body_edit.textChanged.connect(self._pause.start)

    @property
    def article_id(self) -> str | None:
        """The article being edited; None while it is a new, unsaved one."""
        return self._article_id

    def new_article(
        self, *, title: str = "", body: str = "", category: str = "", tags: str = "", kind: str = "how-to"
    ) -> None:
        self._article_id = None
        self._fill(title, body, category, tags, kind)
        self._template_body = ""
        self.template_combo.setCurrentIndex(0)
        self._form.setRowVisible(self.template_combo, True)

    def apply_template(self, kind: str) -> bool:
        """Fill the body with ``kind``'s template ("" = blank) and choose that kind; asks before
        replacing text the person wrote. Returns whether the body was replaced."""
        body = self.body_edit.toPlainText()
        if body.strip() and body != self._template_body:
            answer = QMessageBox.question(
                self,
                "Replace the text?",
                "Replace what you wrote with the template? Your text will be lost.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self._template_body = fill_template(kind) if kind else ""
        self.body_edit.setPlainText(self._template_body)
        if kind:
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        self.template_combo.setCurrentIndex(max(self.template_combo.findData(kind), 0))
        return True

    def edit_article(self, detail: ArticleDetail) -> None:
        self._article_id = detail.id
        self._fill(detail.title, detail.body, detail.category, " ".join(detail.tags), detail.kind)
        self._form.setRowVisible(self.template_combo, False)  # templates start new articles only

    def save(self) -> None:
        fields = {
            "title": self.title_edit.text(),
            "body": self.body_edit.toPlainText(),
            "category": self.category_combo.currentText(),
            "tags": self.tags_edit.text(),
            "kind": self.kind_combo.currentData(),
        }
        article_id, articles = self._article_id, self._ctx.articles
        self.buttons.setEnabled(False)
        if article_id is None:
            self._ctx.write(
                lambda: articles.create(
                    fields["title"],
                    fields["body"],
                    category=fields["category"],
                    tags=fields["tags"].split(),
                    kind=fields["kind"],
                ),
                self._saved,
                self._failed,
            )
        else:
            self._ctx.write(lambda: articles.edit(article_id, fields), self._saved, self._failed)

    def render_preview(self) -> None:
        self._pause.cancel()
        self._previews += 1
        request, body, folder = (
            self._previews,
            self.body_edit.toPlainText(),
            self._ctx.replica.blobs,
        )
        self._ctx.read(lambda: article_html(body, folder), lambda html: self._previewed(request, html))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._pause.resume()

    # -- internals -------------------------------------------------------------------
    def _fill(self, title: str, body: str, category: str, tags: str, kind: str) -> None:
        self.buttons.setEnabled(True)
        self.title_edit.setText(title)
        self.body_edit.setPlainText(body)
        self.tags_edit.setText(tags)
        index = self.kind_combo.findData(kind)
        self.kind_combo.setCurrentIndex(max(index, 0))
        self.category_combo.setEditText(category)
        self.render_preview()
        self.title_edit.setFocus()
        articles = self._ctx.articles
        self._ctx.read(articles.categories, lambda cats: self._categories_loaded(cats, category))

    def _categories_loaded(self, categories: list[str], current: str) -> None:
        text = self.category_combo.currentText() or current
        self.category_combo.clear()
        self.category_combo.addItems(categories)
        self.category_combo.setEditText(text)

    def _previewed(self, request: int, html: str) -> None:
        if request == self._previews:
            self.preview.setHtml(html)

    def _saved(self, result: WriteResult) -> None:
        self.buttons.setEnabled(True)
        self._article_id = result.entity_id
        self.saved.emit(result.entity_id)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, error)
