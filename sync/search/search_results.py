"""What a search returns: plain, immutable hits with highlighted text as spans.

Highlighted text is a tuple of :class:`Span` — runs of the user's text, each marked as a
match or not — never HTML, so a view can render it however it likes without parsing or
trusting anything. :func:`spans_to_html` gives the one safe HTML form (every run escaped,
matches in ``<b>``) for ``QLabel``/``QTextBrowser``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from sync.search.index_documents import MARK_END, MARK_START
from sync.search.query_model import SearchQuery

__all__ = [
    "ArticleHit",
    "Highlighted",
    "SearchResults",
    "Span",
    "TicketHit",
    "parse_marked",
    "spans_text",
    "spans_to_html",
]


@dataclass(frozen=True)
class Span:
    text: str
    match: bool = False


#: A piece of text with its matches marked, in order; joining the spans' text gives the text.
Highlighted = tuple[Span, ...]


def parse_marked(text: str | None) -> Highlighted:
    """Spans from text with ``MARK_START``…``MARK_END`` around matches (what the index's
    ``snippet()``/``highlight()`` return). The markers never occur in indexed text."""
    spans: list[Span] = []
    rest = text or ""
    while rest:
        start = rest.find(MARK_START)
        if start < 0:
            spans.append(Span(rest))
            break
        if start:
            spans.append(Span(rest[:start]))
        end = rest.find(MARK_END, start + 1)
        if end < 0:  # cannot happen with well-formed input; keep the text, drop the marker
            spans.append(Span(rest[start + 1 :]))
            break
        if end > start + 1:
            spans.append(Span(rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return tuple(spans)


def spans_text(spans: Highlighted) -> str:
    return "".join(span.text for span in spans)


def spans_to_html(spans: Highlighted) -> str:
    """HTML for the spans: text escaped, matches in ``<b>``, newlines as spaces."""
    out = []
    for span in spans:
        text = html.escape(" ".join(span.text.split("\n")), quote=True)
        out.append(f"<b>{text}</b>" if span.match else text)
    return "".join(out)


@dataclass(frozen=True)
class TicketHit:
    """One ticket in the results. ``subject`` is highlighted; ``snippet`` is the best
    passage of ``snippet_field`` (``description``, ``resolution`` or ``comments``), or the
    start of the description when only the subject matched or there was no free text.
    ``score`` is bm25 (lower is better; 0.0 without free text)."""

    id: str
    display_number: str
    subject: Highlighted
    snippet: Highlighted
    snippet_field: str
    status: str
    priority: int
    queue: str
    assignee: str
    updated_at: datetime
    score: float


@dataclass(frozen=True)
class ArticleHit:
    """One knowledge-base article; ``title`` highlighted, ``snippet`` from its plain-text body."""

    id: str
    title: Highlighted
    snippet: Highlighted
    category: str
    kind: str
    state: str
    updated_at: datetime
    score: float


@dataclass(frozen=True)
class SearchResults:
    """One page of results for each kind the query allows.

    ``more_tickets``/``more_articles``: another page exists. When free text matches more
    than the ranking window (:data:`~sync.search.search_service.RANK_WINDOW`) documents,
    only the most recent window's worth are ranked, and ``ranked_window_full`` is true.
    ``index_backlog`` counts changes not yet in the index (0 = results are complete);
    the UI may show "Indexing…" and start a catch-up.
    """

    query: SearchQuery
    tickets: tuple[TicketHit, ...] = ()
    articles: tuple[ArticleHit, ...] = ()
    more_tickets: bool = False
    more_articles: bool = False
    ranked_window_full: bool = False
    index_backlog: int = 0
    elapsed_ms: float = 0.0
