""" "Similar tickets" and "suggested articles" for the ticket being viewed, from its own words.

The ticket's subject and description are cut into words the way the index's tokenizer
does (case and accents folded). Each word is scored by how often the ticket uses it
(subject words count double) times how rare it is among recent tickets (inverse document
frequency in the newest 20,000 documents); stop words, numbers and words only this ticket
uses are dropped. The most distinctive words are then searched twice — all of the
best three together, and any of the best six — and the two result sets merged by bm25,
so a ticket sharing the rarest words ranks above one that shares many common ones.

Similar tickets prefer the known fix: resolved or closed tickets that carry a resolution
have their score boosted. Suggested articles list published articles before drafts.
Both exclude the ticket itself and rank the most recent :data:`SIMILAR_WINDOW` matches of
each query, like the search box does (see :mod:`sync.search.search_service`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.errors import NotFoundError
from sync.replica.kb_models import ArticleTicketLink
from sync.replica.models import Ticket
from sync.replica.replica import Replica
from sync.services.ticket_views import display_number

__all__ = ["SimilarItems", "SimilarTicket", "SuggestedArticle", "distinctive_terms", "fold_words"]

#: Resolved/closed tickets with a resolution rank as if this much more relevant.
RESOLVED_BOOST = 1.5
_STRICT_TERMS = 3
_LOOSE_TERMS = 6
_LOOKUP_TERMS = 12
_IDF_SAMPLE = 20_000
#: Matches ranked per query: these are multi-word queries, each match costs more to rank.
SIMILAR_WINDOW = 300
_TOKEN = re.compile(r"[^\W_]+")
_STOP_TEXT = """
a about above after afternoon again all also am an and any are aren as at be because been before
being below between both but by can cannot could couldn day dear did didn do does doesn doing don
down during each few for from further get getting got had has have having he hello her here hers hi
him his how i if in into is isn it its itself just keep keeps me more morning most my no nor not
now of off on once only or other our out over own please same she should since so some still such
than thank thanks that the their them then there these they this those through to today too under
until up very was wasn we week were what when where which while who whom why will with won would
wouldn yesterday you your yours
"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class SimilarTicket:
    id: str
    display_number: str
    subject: str
    status: str
    resolution: str  # the first 300 characters, "" when none
    score: float  # bm25 after the resolution boost; lower is better


@dataclass(frozen=True)
class SuggestedArticle:
    id: str
    title: str
    category: str
    kind: str
    state: str
    linked: bool  # already linked to this ticket
    score: float


def fold_words(value: str) -> list[str]:
    """Words as the index stores them: lower case, accents removed, split on non-letters."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _TOKEN.findall(plain)


def distinctive_terms(
    session: Session, subject: str, description: str, *, kind: str = "ticket", exclude_rowid: int = -1
) -> list[str]:
    """The ticket's words, most distinctive first, against the ``kind`` corpus; words no
    other document has (``exclude_rowid`` is the ticket's own document) are left out."""
    counts: Counter[str] = Counter()
    for weight, value in ((2, subject), (1, description)):
        for word in fold_words(value):
            if len(word) > 2 and not word.isdigit() and word not in _STOP_WORDS:
                counts[word] += weight
    fts, table = ("ticket_fts", "tickets") if kind == "ticket" else ("article_fts", "articles")
    newest = int(session.execute(text(f"SELECT coalesce(max(rowid), 0) FROM {table}")).scalar_one())
    floor = max(0, newest - _IDF_SAMPLE)
    scored = []
    for word, tf in counts.most_common(_LOOKUP_TERMS):
        # Rarity is measured in the newest _IDF_SAMPLE documents (a rowid range FTS5 seeks to),
        # so the cost per word is bounded whatever the size of the replica.
        params = {"t": '"' + word + '"', "floor": floor, "own": exclude_rowid}
        sampled = int(
            session.execute(
                text(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH :t AND rowid > :floor AND rowid != :own"),
                params,
            ).scalar_one()
        )
        if sampled == 0:
            anywhere = session.execute(
                text(f"SELECT 1 FROM {fts} WHERE {fts} MATCH :t AND rowid != :own LIMIT 1"), params
            ).first()
            if anywhere is None:
                continue
        if sampled <= (newest - floor) / 2:  # words in half the documents tell nothing apart
            scored.append((tf * math.log((newest - floor + 1) / (sampled + 0.5)), word))
    return [word for _score, word in sorted(scored, reverse=True)]


class SimilarItems:
    def __init__(self, replica: Replica, *, window: int = SIMILAR_WINDOW) -> None:
        self.replica = replica
        self.window = window

    def similar_tickets(self, ticket_id: str, *, limit: int = 5) -> list[SimilarTicket]:
        with self.replica.read() as s:
            ticket = _ticket(s, ticket_id)
            own = s.execute(text("SELECT rowid FROM tickets WHERE id = :id"), {"id": ticket_id}).scalar_one()
            terms = distinctive_terms(s, ticket.subject, ticket.description, exclude_rowid=int(own))
            ranked = self._ranked(s, "ticket_fts", terms, exclude=int(own))
            if not ranked:
                return []
            rows = s.execute(
                text(
                    "SELECT rowid, id, number, local_number, subject, status, substr(resolution, 1, 300) "
                    f"FROM tickets WHERE rowid IN ({','.join(str(r) for r in ranked)})"
                )
            ).all()
        out = []
        for r in rows:
            boost = RESOLVED_BOOST if r[5] in ("resolved", "closed") and r[6].strip() else 1.0
            out.append(
                SimilarTicket(r[1], display_number(r[2], r[3]), r[4], r[5], r[6], ranked[r[0]] * boost)
            )
        return sorted(out, key=lambda t: t.score)[:limit]

    def suggested_articles(self, ticket_id: str, *, limit: int = 5) -> list[SuggestedArticle]:
        with self.replica.read() as s:
            ticket = _ticket(s, ticket_id)
            terms = distinctive_terms(s, ticket.subject, ticket.description, kind="article")
            ranked = self._ranked(s, "article_fts", terms, exclude=None)
            if not ranked:
                return []
            linked = set(
                s.execute(
                    text(f"SELECT article_id FROM {ArticleTicketLink.__tablename__} WHERE ticket_id = :t"),
                    {"t": ticket_id},
                ).scalars()
            )
            rows = s.execute(
                text(
                    "SELECT rowid, id, title, category, kind, state FROM articles "
                    f"WHERE rowid IN ({','.join(str(r) for r in ranked)})"
                )
            ).all()
        out = [SuggestedArticle(r[1], r[2], r[3], r[4], r[5], r[1] in linked, ranked[r[0]]) for r in rows]
        return sorted(out, key=lambda a: (a.state != "published", a.score))[:limit]

    def _ranked(self, s: Session, fts: str, terms: list[str], exclude: int | None) -> dict[int, float]:
        """rowid -> best bm25 over an AND of the rarest terms and an OR of more of them."""
        if not terms:
            return {}
        quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
        found: dict[int, float] = {}
        queries = [" OR ".join(quoted[:_LOOSE_TERMS])]
        if len(quoted) > 1:
            queries.insert(0, " AND ".join(quoted[:_STRICT_TERMS]))
        for expr in queries:
            rows = s.execute(
                text(
                    f"SELECT rowid, rank FROM {fts} WHERE {fts} MATCH :q AND rowid != :x "
                    "ORDER BY rowid DESC LIMIT :n"
                ),
                {"q": expr, "x": -1 if exclude is None else exclude, "n": self.window},
            ).all()
            for rowid, rank in rows:
                found[int(rowid)] = min(found.get(int(rowid), 0.0), float(rank))
        best = sorted(found.items(), key=lambda item: item[1])[:50]
        return dict(best)


def _ticket(s: Session, ticket_id: str) -> Ticket:
    ticket = s.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFoundError(f"No ticket with id {ticket_id}.")
    return ticket
