"""The article editor in its own window, for writing an article from outside the KB screen.

The ticket pane uses it for "Create article from this resolution": the editor opens
prefilled and unsaved; Save creates the draft article and closes the window
(``saved`` carries the new id), Cancel closes it and creates nothing. Window-modal,
opened with ``open()``. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop.app_context import AppContext
from desktop.kb.article_editor import ArticleEditor

__all__ = ["ArticleEditorDialog"]


class ArticleEditorDialog(QDialog):
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleEditorDialog")
        self.setWindowTitle("New knowledge-base article")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.editor = ArticleEditor(ctx, self)
        self.editor.saved.connect(self._saved)
        self.editor.cancelled.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        self.resize(900, 600)

    def _saved(self, article_id: str) -> None:
        self.accept()
        self.saved.emit(article_id)
