"""The MATCH expression actually run: prefixes of four or more letters expanded into the words
the index holds.

FTS5 answers ``"prin"*`` by reading and merging the postings of every word that starts with
``prin`` into one in-memory list before it returns a single row, and bm25 does the merge a
second time to count documents. With prefix indexes for two and three characters only (each
further length would add about a third to the index), a four-letter prefix over 1M tickets
cost 20–45 ms. Asking the index which words start with the prefix (an ``fts5vocab`` table of
type ``instance`` can be stepped from one word to the next without reading postings) and
searching for ``("print" OR "printer" OR "printers" OR ...)`` instead gives the same matches
at the cost of exact words, which FTS5 merges lazily.

Only plain ASCII words are expanded: for them Python's folding is exactly the tokenizer's
(lower case), so the words found are all the words the prefix would match. Anything else —
accents, punctuation inside the word, more than :data:`MAX_EXPANSION` words — keeps the
native prefix query, which is always correct, only slower.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlalchemy import Connection

from sync.search.fts_expression import fts_match_expression
from sync.search.query_model import SearchQuery

__all__ = ["MAX_EXPANSION", "MIN_EXPANDED", "expanded_match_expression"]

#: A prefix matching more index words than this is left to FTS5.
MAX_EXPANSION = 40
#: Shorter prefixes use the index's own prefix tables (2 and 3 characters) or match exactly (1).
MIN_EXPANDED = 4

_PLAIN = re.compile(r"[a-z0-9]+")
_VOCAB = {"ticket_fts": "search_ticket_words", "article_fts": "search_article_words"}


def expanded_match_expression(conn: Connection, query: SearchQuery, fts: str) -> str | None:
    """The query's free text as a MATCH expression for ``fts`` (``ticket_fts`` or ``article_fts``),
    or None when there is nothing searchable. One-character words match whole words only."""
    parts: list[str] = []
    for word in query.words:
        folded = word.lower()
        if len(word) == 1:
            part = fts_match_expression(SearchQuery(phrases=(word,)))
        elif len(folded) >= MIN_EXPANDED and _PLAIN.fullmatch(folded):
            words = _words_with_prefix(conn, fts, folded)
            # None: too many words; []: none at all, and the native query finds that at once
            part = _any_of(words) if words else fts_match_expression(SearchQuery(words=(word,)))
        else:
            part = fts_match_expression(SearchQuery(words=(word,)))
        if part is not None:
            parts.append(part)
    for phrase in query.phrases:
        if (part := fts_match_expression(SearchQuery(phrases=(phrase,)))) is not None:
            parts.append(part)
    return " AND ".join(parts) or None


def _any_of(words: list[str]) -> str:
    return "(" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"


def _words_with_prefix(conn: Connection, fts: str, prefix: str) -> list[str] | None:
    """The index words starting with ``prefix``, or None if there are more than MAX_EXPANSION."""
    words = []
    for word in _step(conn, fts, prefix):
        words.append(word)
        if len(words) > MAX_EXPANSION:
            return None
    return words


def _step(conn: Connection, fts: str, prefix: str) -> Iterator[str]:
    vocab = _VOCAB[fts]
    # Per connection (TEMP): adds nothing to the file, and follows the table through a rebuild.
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} USING fts5vocab(main, {fts}, instance)"
    )
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    current = prefix
    while True:
        found = conn.exec_driver_sql(
            f"SELECT term FROM temp.{vocab} WHERE term >= ? AND term < ? LIMIT 1", (current, upper)
        ).scalar()
        if found is None:
            return
        yield str(found)
        current = str(found) + "\x00"
