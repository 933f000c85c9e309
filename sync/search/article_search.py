"""Searching the knowledge base with the query language, for lists that show article summaries.

:func:`find_articles` is the knowledge-base screen's search-as-you-type: the same query
language, accent folding and ranking as the search box (``zurich`` finds *Zürich*), limited
to articles and optionally to one category, returned as
:class:`~sync.services.article_service.ArticleSummary` rows in rank order (best first).

Errors: :class:`~sync.search.query_model.QuerySyntaxError` when the text is not a valid
query (its ``message`` is for the person). Database worker thread only.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from sync.replica.models import Article
from sync.search.query_model import Kind, TextField, TextFilter
from sync.search.search_service import SearchService
from sync.services.article_service import ArticleSummary, article_summaries

__all__ = ["find_articles"]


def find_articles(
    search: SearchService, text: str, *, category: str | None = None, limit: int = 200
) -> list[ArticleSummary]:
    """Articles matching ``text`` (a query), best first; ``category`` narrows to one category."""
    query = search.parse(text)
    if category:
        query = replace(query, filters=(*query.filters, TextFilter(TextField.CATEGORY, category)))
    if query.is_empty:
        return []
    results = search.search(query, limit=limit, kinds=frozenset({Kind.ARTICLE}))
    order = {hit.id: n for n, hit in enumerate(results.articles)}
    if not order:
        return []
    with search.replica.read() as s:
        rows = s.execute(select(Article).where(Article.id.in_(list(order)))).scalars().all()
        found = article_summaries(s, rows)
    return sorted(found, key=lambda a: order[a.id])
