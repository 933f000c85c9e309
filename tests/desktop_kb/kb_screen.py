"""Opening the knowledge-base screen and an article in it, for the KB GUI tests."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.kb import KnowledgeBaseView

__all__ = ["make_kb", "open_article"]


def make_kb(qtbot: QtBot, ctx: AppContext) -> KnowledgeBaseView:
    view = KnowledgeBaseView(ctx)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    return view


def open_article(qtbot: QtBot, view: KnowledgeBaseView, article_id: str) -> None:
    with qtbot.waitSignal(view.article_opened, timeout=5_000):
        view.open_article(article_id)
    qtbot.waitUntil(
        lambda: view.reader.article is not None and view.reader.article.id == article_id, timeout=15_000
    )
