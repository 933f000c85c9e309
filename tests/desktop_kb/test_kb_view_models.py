"""qtmodeltester over the knowledge base's models (categories, articles, revisions, picker)."""

from __future__ import annotations

from desktop.app_context import AppContext
from desktop.kb import KnowledgeBaseView
from desktop.kb.article_picker import ArticlePickerDialog


def test_kb_models(qtbot, qtmodeltester, ctx: AppContext):
    first = ctx.articles.create("Reset a password", "v1", category="Accounts").entity_id
    ctx.articles.edit(first, {"body": "v2"})
    ctx.articles.create("Map a drive", "Explorer", category="Network")
    view = KnowledgeBaseView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.open_article(first)
    qtbot.waitUntil(lambda: view.reader.article is not None and view.article_model.rowCount() == 2)
    qtbot.waitUntil(lambda: view.category_model.rowCount() == 3)
    for model in (view.category_model, view.article_model, view.reader.revisions_model):
        qtmodeltester.check(model)
    assert view.reader.revisions_model.rowCount() == 2


def test_article_picker_model(qtbot, qtmodeltester, ctx: AppContext):
    ctx.articles.create("Reset a password", "v1")
    ctx.articles.create("Map a drive", "Explorer")
    picker = ArticlePickerDialog(ctx)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.model.rowCount() == 2)
    qtmodeltester.check(picker.model)
