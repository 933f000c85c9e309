"""Knowledge: which articles helped, on the report's tickets.

* **links in range**: article-ticket links made in the range (any source: a mention in a
  reply, note or resolution, a hand-made link, an article written from the ticket), on
  the report's tickets; **most used** articles by those links;
* **feedback**: agents' helpful / not helpful votes given in the range, per article;
* **resolved with an article**: tickets resolved in the range (the summary's rule) with
  at least one article linked at or before their resolution instant, and its % of the
  resolved.

Links and feedback are kept on the replica only for now: on a side without them
(``ReportTables.article_link`` is None) ``available`` is false and the figures are null.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sync.reports.extra_rows import load_feedback, load_links
from sync.reports.report_data import ReportData
from sync.reports.request import ReportRequest
from sync.reports.stats import percent
from sync.reports.summary_report import range_json

__all__ = ["ArticleRow", "KnowledgeReport", "knowledge_of"]


@dataclass(frozen=True)
class ArticleRow:
    article_id: str
    title: str
    links: int
    helpful: int
    not_helpful: int

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "links": self.links,
            "helpful": self.helpful,
            "not_helpful": self.not_helpful,
        }


@dataclass(frozen=True)
class KnowledgeReport:
    """``tickets``: ``linked`` (tickets with a link made in range), ``article:<id>``,
    ``resolved_with_article``."""

    request: ReportRequest
    available: bool
    articles: tuple[ArticleRow, ...]
    resolved: int
    resolved_with_article: int
    tickets: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "knowledge",
            "range": range_json(self.request),
            "available": self.available,
            "links": len(self.tickets.get("linked", ())) if self.available else None,
            "resolved": self.resolved,
            "resolved_with_article": self.resolved_with_article if self.available else None,
            "resolved_with_article_pct": percent(self.resolved_with_article, self.resolved)
            if self.available
            else None,
            "articles": [a.to_json() for a in self.articles],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [a.to_json() for a in self.articles]


def knowledge_of(data: ReportData) -> KnowledgeReport:
    request = data.request
    start, end = request.start_at, request.end_at
    tables = data.side.tables
    resolved = {t.ticket_id: at for t in data.tickets if (at := t.last_resolution_in(start, end)) is not None}
    if tables.article_link is None:
        return KnowledgeReport(request, False, (), len(resolved), 0, {})
    by_id = data.by_id()
    links = [link for link in load_links(data.session, tables.article_link, end) if link.ticket_id in by_id]
    used: dict[str, dict[str, None]] = {}
    linked: dict[str, None] = {}
    with_article: dict[str, None] = {}
    for link in links:
        if start <= link.created_at < end:
            used.setdefault(link.article_id, {})[link.ticket_id] = None
            linked[link.ticket_id] = None
        at = resolved.get(link.ticket_id)
        if at is not None and link.created_at <= at:
            with_article[link.ticket_id] = None
    votes: dict[str, list[int]] = {}
    if tables.article_feedback is not None:
        for article_id, helpful in load_feedback(data.session, tables.article_feedback, start, end):
            votes.setdefault(article_id, [0, 0])[0 if helpful else 1] += 1
    ids = set(used) | set(votes)
    titles: dict[Any, Any] = dict(
        data.session.execute(
            select(tables.article.id, tables.article.title).where(tables.article.id.in_(sorted(ids)))
        )
        .tuples()
        .all()
    )
    rows = [ArticleRow(a, str(titles.get(a, "")), len(used.get(a, ())), *votes.get(a, [0, 0])) for a in ids]
    rows.sort(key=lambda r: (-r.links, -r.helpful, r.title.casefold(), r.article_id))
    tickets: dict[str, tuple[str, ...]] = {
        "linked": tuple(linked),
        "resolved_with_article": tuple(with_article),
        **{f"article:{a}": tuple(t) for a, t in used.items()},
    }
    return KnowledgeReport(request, True, tuple(rows), len(resolved), len(with_article), tickets)
