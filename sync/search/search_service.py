"""Running a search: the query language over the full-text index and the replica's tables.

:meth:`SearchService.search` parses (or takes) a :class:`SearchQuery` and returns a page of
ranked, highlighted tickets and articles. Errors::

    QuerySyntaxError (a ValueError)   the text is not a valid query; .message, .position

Nothing else escapes for any user text: FTS5 syntax is never built from raw input (see
:func:`~sync.search.fts_match_expression`), and a rare FTS5 refusal is reported as a
``QuerySyntaxError`` too.

Ranking: bm25 with the column weights stored in the index (subject/title 10, description
4, resolution 3, replies and notes 1; article tags 5, body 1). Ranking every match of a
common word costs ~1.2 µs per document (130k matches of "password" in 1M tickets would
be 150 ms), so only the :data:`RANK_WINDOW` most recently indexed matches (that also pass
the filters) are ranked; ``SearchResults.ranked_window_full`` says when that happened.
Filters: each match is joined to its ticket row and checked (cheap when most pass). When
an indexed filter (status, queue, assignee, requester, number, due, updated) leaves fewer
than :data:`SET_LIMIT` tickets, their rowids also become an in-memory set the FTS scan
probes first, so a selective filter does not read a ticket row per match.

Words: one character matches the whole word only ("a" finds "a", not every word starting
with a): a one-letter prefix would touch a large part of the index on every keystroke.
Four or more plain letters are expanded into the index words they start
(:mod:`sync.search.prefix_terms`); two or three use the index's prefix tables.

Threading: call from the database worker thread; a search may run one short indexing
batch first (never waiting for the write lock) so a change made a moment ago is found.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import Float, Integer, Select, column, func, literal_column, select, table
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, aliased

from sync.replica.models import Article, Person, Queue, Ticket
from sync.replica.replica import Replica
from sync.search.fts_expression import fts_match_expression
from sync.search.index import IndexBusyError, SearchIndex
from sync.search.index_documents import MARK_END, MARK_START
from sync.search.prefix_terms import expanded_match_expression
from sync.search.query_language import parse_query
from sync.search.query_model import (
    AssigneeFilter,
    DateField,
    DateFilter,
    Kind,
    NumberFilter,
    QuerySyntaxError,
    SearchQuery,
    StatusFilter,
    TextField,
    TextFilter,
)
from sync.search.search_filters import (
    FilterContext,
    article_conditions,
    kinds_wanted,
    ticket_condition,
    ticket_conditions,
)
from sync.search.search_results import ArticleHit, SearchResults, Span, TicketHit, parse_marked
from sync.services.ticket_views import display_number

__all__ = ["RANK_WINDOW", "SET_LIMIT", "SearchService", "match_expression"]

#: At most this many matches (the most recently indexed ones) are ranked per query.
RANK_WINDOW = 1000
#: An indexed filter leaving fewer tickets than this is applied as a rowid set.
SET_LIMIT = 20_000
#: A search first indexes pending changes itself when there are at most this many.
INLINE_CATCH_UP = 500

_TICKET_FTS = table("ticket_fts", column("rowid", Integer), column("rank", Float))
_ARTICLE_FTS = table("article_fts", column("rowid", Integer), column("rank", Float))
_SNIPPET_TOKENS = 16
_TICKET_SNIPPET_FIELDS = ("description", "resolution", "comments")
_Assignee = aliased(Person, name="assignee")
_ME = "SELECT value FROM replica_settings WHERE key = 'current_user_id'"


def match_expression(query: SearchQuery) -> str | None:
    """The FTS5 MATCH text for the query's free text; one-character words match exactly."""
    words = tuple(w for w in query.words if len(w) > 1)
    short = tuple(w for w in query.words if len(w) == 1)
    return fts_match_expression(SearchQuery(words=words, phrases=query.phrases + short))


class SearchService:
    def __init__(
        self,
        replica: Replica,
        *,
        index: SearchIndex | None = None,
        tz: tzinfo | None = None,
        rank_window: int = RANK_WINDOW,
    ) -> None:
        """``tz`` is the user's zone for dates in queries (default: this computer's offset)."""
        self.replica = replica
        self.index = index or SearchIndex(replica)
        self.tz = tz or datetime.now().astimezone().tzinfo or UTC
        self.rank_window = rank_window

    def parse(self, text: str, *, now: datetime | None = None) -> SearchQuery:
        """Parse search-box text; raises :class:`QuerySyntaxError` with a message to show."""
        return parse_query(text, now=now or self.replica.clock(), tz=self.tz)

    def search(
        self,
        query: str | SearchQuery,
        *,
        me: str | None = None,
        ticket_offset: int = 0,
        article_offset: int = 0,
        limit: int = 20,
        kinds: frozenset[Kind] = frozenset(Kind),
        catch_up: bool = True,
    ) -> SearchResults:
        """One page of tickets and one of articles for ``query``.

        ``me`` is the agent ``assignee:me``/``is:mine`` mean (default: the signed-in one).
        ``kinds`` narrows further what to look for (the search-as-you-type popup may ask
        for both; the ticket table only for tickets). An empty query returns nothing.
        """
        started = time.perf_counter()
        now = self.replica.clock()
        parsed = self.parse(query, now=now) if isinstance(query, str) else query
        backlog = self.catch_up_small_backlog() if catch_up else 0
        results = SearchResults(parsed, index_backlog=backlog)
        if parsed.is_empty:
            return results
        wanted = kinds_wanted(parsed) & kinds
        expr = match_expression(parsed)
        if expr is None and parsed.has_free_text and not parsed.filters:
            return results  # only punctuation: nothing to look for
        try:
            with self.replica.read() as s:
                if me is None:
                    me = s.connection().exec_driver_sql(_ME).scalar()
                ctx = FilterContext(me, now)
                tickets, more_t, full_t = (
                    self._tickets(s, parsed, expr, ctx, ticket_offset, limit)
                    if Kind.TICKET in wanted
                    else ([], False, False)
                )
                articles, more_a, full_a = (
                    self._articles(s, parsed, expr, article_offset, limit)
                    if Kind.ARTICLE in wanted
                    else ([], False, False)
                )
        except OperationalError as exc:
            if "fts5" in str(exc.orig).lower():
                raise QuerySyntaxError(
                    f"This search cannot be run ({exc.orig}); try other words.", 0
                ) from exc
            raise
        return SearchResults(
            parsed,
            tickets=tuple(tickets),
            articles=tuple(articles),
            more_tickets=more_t,
            more_articles=more_a,
            ranked_window_full=full_t or full_a,
            index_backlog=backlog,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    # -- tickets ----------------------------------------------------------------------
    def _tickets(
        self, s: Session, query: SearchQuery, expr: str | None, ctx: FilterContext, offset: int, limit: int
    ) -> tuple[list[TicketHit], bool, bool]:
        conds = ticket_conditions(s, query, ctx)
        if expr is None:
            order: tuple[Any, ...] = (Ticket.updated_at.desc(), literal_column("tickets.rowid").desc())
            stmt: Select[Any] = (
                select(literal_column("tickets.rowid")).select_from(Ticket).where(*conds).order_by(*order)
            )
            rowids = [r[0] for r in s.connection().execute(stmt.offset(offset).limit(limit + 1))]
            return self._ticket_hits(s, None, [(r, 0.0) for r in rowids[:limit]]), len(rowids) > limit, False
        expr = expanded_match_expression(s.connection(), query, "ticket_fts")
        assert expr is not None  # the query has searchable free text
        match = literal_column("ticket_fts").op("MATCH")(expr)
        window = select(_TICKET_FTS.c.rowid, _TICKET_FTS.c.rank).where(match)
        if conds:
            candidates = _candidate_set(s, query, ctx)
            if candidates is not None:  # probed in the FTS scan, before any ticket row is read
                window = window.where(literal_column("+ticket_fts.rowid").in_(candidates))
            window = window.join_from(
                _TICKET_FTS, Ticket, literal_column("tickets.rowid") == _TICKET_FTS.c.rowid
            ).where(*conds)
        page, more, full = self._rank(s, window, offset, limit)
        return self._ticket_hits(s, expr, page), more, full

    def _ticket_hits(self, s: Session, expr: str | None, page: list[tuple[int, float]]) -> list[TicketHit]:
        if not page:
            return []
        rowids = [rowid for rowid, _score in page]
        marked = _marked(s, "ticket_fts", expr, rowids, [0, 1, 2, 3]) if expr else {}
        stmt = (
            select(
                literal_column("tickets.rowid"),
                Ticket.id,
                Ticket.number,
                Ticket.local_number,
                Ticket.subject,
                func.substr(Ticket.description, 1, 240),
                Ticket.status,
                Ticket.priority,
                Queue.name,
                _Assignee.name,
                Ticket.updated_at,
            )
            .select_from(Ticket)
            .join(Queue, Queue.id == Ticket.queue_id)
            .outerjoin(_Assignee, _Assignee.id == Ticket.assignee_id)
            .where(literal_column("tickets.rowid").in_(rowids))
        )
        rows = {r[0]: r for r in s.connection().execute(stmt)}
        hits = []
        for rowid, score in page:
            r = rows.get(rowid)
            if r is None:  # deleted since it was indexed; the next catch-up drops it
                continue
            texts = marked.get(rowid)
            subject = parse_marked(texts[0]) if texts else (Span(r[4]),)
            field, snippet = _best_snippet(texts[1:] if texts else (), _TICKET_SNIPPET_FIELDS, r[5])
            hits.append(
                TicketHit(
                    id=r[1],
                    display_number=display_number(r[2], r[3]),
                    subject=subject,
                    snippet=snippet,
                    snippet_field=field,
                    status=r[6],
                    priority=r[7],
                    queue=r[8],
                    assignee=r[9] or "",
                    updated_at=r[10],
                    score=score,
                )
            )
        return hits

    # -- articles ---------------------------------------------------------------------
    def _articles(
        self, s: Session, query: SearchQuery, expr: str | None, offset: int, limit: int
    ) -> tuple[list[ArticleHit], bool, bool]:
        conds = article_conditions(query)
        if expr is None:
            order: tuple[Any, ...] = (Article.updated_at.desc(), literal_column("articles.rowid").desc())
            stmt: Select[Any] = (
                select(literal_column("articles.rowid")).select_from(Article).where(*conds).order_by(*order)
            )
            rowids = [r[0] for r in s.connection().execute(stmt.offset(offset).limit(limit + 1))]
            return self._article_hits(s, None, [(r, 0.0) for r in rowids[:limit]]), len(rowids) > limit, False
        expr = expanded_match_expression(s.connection(), query, "article_fts")
        assert expr is not None
        match = literal_column("article_fts").op("MATCH")(expr)
        window = select(_ARTICLE_FTS.c.rowid, _ARTICLE_FTS.c.rank).where(match)
        if conds:
            window = window.join_from(
                _ARTICLE_FTS, Article, literal_column("articles.rowid") == _ARTICLE_FTS.c.rowid
            ).where(*conds)
        page, more, full = self._rank(s, window, offset, limit)
        return self._article_hits(s, expr, page), more, full

    def _article_hits(self, s: Session, expr: str | None, page: list[tuple[int, float]]) -> list[ArticleHit]:
        if not page:
            return []
        rowids = [rowid for rowid, _score in page]
        marked = _marked(s, "article_fts", expr, rowids, [0, 1]) if expr else {}
        stmt = select(
            literal_column("articles.rowid"),
            Article.id,
            Article.title,
            func.substr(Article.body, 1, 240),
            Article.category,
            Article.kind,
            Article.state,
            Article.updated_at,
        ).where(literal_column("articles.rowid").in_(rowids))
        rows = {r[0]: r for r in s.connection().execute(stmt)}
        hits = []
        for rowid, score in page:
            r = rows.get(rowid)
            if r is None:
                continue
            texts = marked.get(rowid)
            title = parse_marked(texts[0]) if texts else (Span(r[2]),)
            _field, snippet = _best_snippet(texts[1:] if texts else (), ("body",), r[3])
            hits.append(ArticleHit(r[1], title, snippet, r[4], r[5], r[6], r[7], score))
        return hits

    # -- shared -----------------------------------------------------------------------
    def _rank(
        self, s: Session, window: Select[Any], offset: int, limit: int
    ) -> tuple[list[tuple[int, float]], bool, bool]:
        """One page of the window's matches by rank (best first; ties newest first), whether
        more follow, and whether the window was full. Sorting happens in SQLite, so only
        the page crosses into Python."""
        rowid = window.selected_columns[0]
        recent = window.order_by(rowid.desc()).limit(self.rank_window).subquery()
        ranked = (
            select(recent.c.rowid, recent.c.rank, func.count().over())
            .order_by(recent.c.rank, recent.c.rowid.desc())
            .offset(offset)
            .limit(limit + 1)
        )
        rows = s.connection().execute(ranked).all()
        page = [(int(r[0]), float(r[1])) for r in rows[:limit]]
        in_window = int(rows[0][2]) if rows else 0
        return page, len(rows) > limit, in_window >= self.rank_window

    def catch_up_small_backlog(self) -> int:
        """Index a backlog of at most :data:`INLINE_CATCH_UP` changes now, without waiting for
        the write lock (a larger one is the background indexer's); return what is left."""
        backlog = self.index.backlog(limit=INLINE_CATCH_UP + 1)
        if 0 < backlog <= INLINE_CATCH_UP:
            try:
                return self.index.catch_up(max_batches=2, busy_timeout_ms=0).remaining
            except IndexBusyError:
                return backlog
        return backlog


_INDEXED_TEXT_FIELDS = (TextField.QUEUE, TextField.REQUESTER)
_INDEXED_DATES = (DateField.DUE, DateField.UPDATED)


def _candidate_set(s: Session, query: SearchQuery, ctx: FilterContext) -> Select[Any] | None:
    """The rowids of the tickets passing the most selective filter that an index enumerates
    without reading the table (status, queue, assignee, requester, number, due, updated),
    if it leaves fewer than SET_LIMIT; else None. Counting is capped, so it costs at most
    SET_LIMIT index entries (~2 ms); the other filters are checked on the rows it lets by."""
    best: tuple[int, Select[Any]] | None = None
    for item in query.filters:
        indexed = not item.negated and (
            isinstance(item, (StatusFilter, AssigneeFilter, NumberFilter))
            or (isinstance(item, TextFilter) and item.field in _INDEXED_TEXT_FIELDS)
            or (isinstance(item, DateFilter) and item.field in _INDEXED_DATES)
        )
        if not indexed:
            continue
        rows: Select[Any] = (
            select(literal_column("tickets.rowid")).select_from(Ticket).where(ticket_condition(s, item, ctx))
        )
        capped = rows.limit(SET_LIMIT).subquery()
        count = int(s.connection().execute(select(func.count()).select_from(capped)).scalar_one())
        if count < SET_LIMIT and (best is None or count < best[0]):
            best = (count, rows)
    return None if best is None else best[1]


def _marked(
    s: Session, fts: str, expr: str, rowids: list[int], columns: list[int]
) -> dict[int, tuple[str | None, ...]]:
    """Highlighted first column and snippets of the others, for the given rows only.

    One FTS scan restricted to the rows' rowid range, with the row set applied as a
    filter (``+rowid``): asking FTS5 for each row separately re-evaluates the whole
    query per row, which for a prefix costs milliseconds each.
    """
    parts = [f"highlight({fts}, {columns[0]}, ?, ?)"]
    params: list[object] = [MARK_START, MARK_END]
    for col in columns[1:]:
        parts.append(f"snippet({fts}, {col}, ?, ?, ?, {_SNIPPET_TOKENS})")
        params += [MARK_START, MARK_END, "…"]
    sql = (
        f"SELECT rowid, {', '.join(parts)} FROM {fts} WHERE {fts} MATCH ? "
        f"AND rowid BETWEEN ? AND ? AND +rowid IN ({','.join('?' * len(rowids))})"
    )
    raw = s.connection().exec_driver_sql(sql, (*params, expr, min(rowids), max(rowids), *rowids))
    return {int(r[0]): tuple(r[1:]) for r in raw}


def _best_snippet(
    texts: Sequence[str | None], fields: Sequence[str], fallback: str | None
) -> tuple[str, tuple[Span, ...]]:
    """The first snippet that contains a match, else the start of the fallback text."""
    for field, text in zip(fields, texts, strict=False):
        spans = parse_marked(text)
        if any(span.match for span in spans):
            return field, spans
    start = " ".join((fallback or "").split())
    return (fields[0], (Span(start),)) if start else ("", ())
