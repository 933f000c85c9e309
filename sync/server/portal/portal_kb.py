"""What requesters may read of the knowledge base, and searching it.

Only **published** articles that are not internal are ever returned: a draft, a withdrawn
article or one tagged ``internal`` is answered exactly like an article that does not exist.
Search folds case and accents the way the app's index does (``unicode61 remove_diacritics``):
"reseau" finds "Réseau". Every query word must begin some word of the title, body, category
or tags; title matches rank first. Suggestions for a new request need any of its distinctive
words instead of all.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from sync.server.db.database import Database
from sync.server.db.models import Article

__all__ = ["PortalArticle", "fold_words", "published_article", "search_articles", "suggest_articles"]

_TOKEN = re.compile(r"[^\W_]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "so",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "why",
        "with",
        "you",
        "your",
    ]
)
#: INTERNAL-ARTICLES: the server has no visibility field on articles; an article whose tags
#: include this word is for agents only and the portal treats it as absent.
INTERNAL_TAG = "internal"


@dataclass(frozen=True)
class PortalArticle:
    id: str
    title: str
    body: str
    category: str
    kind: str


def fold_words(value: str) -> list[str]:
    """Lower case, accents removed, split on anything that is not a letter or digit."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return _TOKEN.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _readable(article: Article) -> bool:
    return article.state == "published" and INTERNAL_TAG not in fold_words(article.tags)


def _view(a: Article) -> PortalArticle:
    return PortalArticle(a.id, a.title, a.body, a.category, a.kind)


@dataclass(frozen=True)
class _Folded:
    """An article's words, folded once and kept until the article changes."""

    stamp: tuple[object, ...]
    title: frozenset[str]
    rest: frozenset[str]
    view: PortalArticle
    internal: bool


_cache: dict[str, _Folded] = {}
_cache_lock = threading.Lock()


def _stamp(row: Any) -> tuple[object, ...]:
    return (row.updated_at, row.revision, row.state, row.tags)


def _published(db: Database) -> list[_Folded]:
    """Every readable article, folded (only new or changed articles are read and folded)."""
    with db.read_session() as s:
        heads = s.execute(
            select(Article.id, Article.updated_at, Article.revision, Article.state, Article.tags).where(
                Article.state == "published"
            )
        ).all()
        with _cache_lock:
            stale = [h.id for h in heads if (c := _cache.get(h.id)) is None or c.stamp != _stamp(h)]
        fresh = s.execute(select(Article).where(Article.id.in_(stale))).scalars().all() if stale else []
    folded = {
        a.id: _Folded(
            _stamp(a),
            frozenset(fold_words(a.title)),
            frozenset(fold_words(f"{a.body} {a.category} {a.tags}")),
            _view(a),
            not _readable(a),
        )
        for a in fresh
    }
    with _cache_lock:
        _cache.update(folded)
        found = [_cache[h.id] for h in heads if h.id in _cache]
    return [f for f in found if not f.internal]


def published_article(db: Database, article_id: str) -> PortalArticle | None:
    if len(article_id) > 36:
        return None
    with db.read_session() as s:
        article = s.get(Article, article_id)
    return _view(article) if article is not None and _readable(article) else None


def _has(words: frozenset[str], prefix: str) -> bool:
    return prefix in words or any(w.startswith(prefix) for w in words)


def _score(article: _Folded, words: list[str], need_all: bool) -> float:
    score = 0.0
    hits = 0
    for word in words:
        in_title = _has(article.title, word)
        if in_title or _has(article.rest, word):
            hits += 1
            score += 3.0 if in_title else 1.0
        elif need_all:
            return 0.0
    return score if hits else 0.0


def _rank(db: Database, words: list[str], need_all: bool, limit: int) -> list[PortalArticle]:
    if not words:
        return []
    scored = [(s, a.view) for a in _published(db) if (s := _score(a, words, need_all)) > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1].title.lower()))
    return [view for _s, view in scored[:limit]]


def search_articles(db: Database, query: str, limit: int = 20) -> list[PortalArticle]:
    """Published, non-internal articles matching every word of ``query``, best first."""
    return _rank(db, fold_words(query[:500])[:12], True, limit)


def suggest_articles(db: Database, subject: str, description: str, limit: int = 5) -> list[PortalArticle]:
    """Articles that may answer a request before it is sent: any of its distinctive words."""
    words = [w for w in fold_words(f"{subject} {description}"[:5000]) if len(w) > 2 and w not in _STOP]
    return _rank(db, list(dict.fromkeys(words))[:12], False, limit)
