"""Free text of a query as an SQLite FTS5 ``MATCH`` expression.

The expression is meant for an FTS5 table created with
``tokenize = "unicode61 remove_diacritics 2"``: that tokenizer does the case folding and
accent folding ("Zurich" finds "Zürich", "zür" finds it as a prefix), so this module leaves
the user's words as typed. Every word and phrase is emitted as an FTS5 string (``"..."``
with ``"`` doubled), so nothing the user types is read as FTS5 syntax: ``AND``, ``OR``,
``NOT``, ``NEAR(``, ``*``, ``^`` and ``column:`` are plain text to be tokenized.
"""

from __future__ import annotations

import unicodedata

from sync.search.query_model import SearchQuery

__all__ = ["fts_match_expression"]


def fts_match_expression(query: SearchQuery) -> str | None:
    """``"word"* AND ... AND "a phrase"``, or ``None`` when there is no searchable free text.

    Words match as prefixes, phrases as consecutive tokens. Words and phrases with no
    letter or digit (``-``, ``*``) are left out: the tokenizer would find no token in them
    and FTS5 would then match nothing at all.
    """
    terms = [_string(word) + "*" for word in query.words if _has_token(word)]
    terms += [_string(phrase) for phrase in query.phrases if _has_token(phrase)]
    return " AND ".join(terms) or None


def _string(text: str) -> str:
    # FTS5 reads a NUL (and text SQLite cannot encode, such as lone surrogates) as the end
    # of the string and fails with "unterminated string"; they separate tokens instead.
    cleaned = "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in text)
    return '"' + cleaned.replace('"', '""') + '"'


def _has_token(text: str) -> bool:
    # unicode61's default token characters: letters, numbers and private-use characters,
    # less the few letters its (older) Unicode tables still class as marks.
    return any(
        (unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "Co")
        and char not in _NOT_TOKEN_CHARACTERS
        for char in text
    )


#: Letters to Python's Unicode tables that SQLite's unicode61 treats as separators (checked on
#: 3.40 over all of Unicode): a word made only of them must be left out like punctuation, or
#: the whole query would match nothing (found by the property test of the expression).
_NOT_TOKEN_CHARACTERS = frozenset([*map(chr, range(0x19B0, 0x19C1)), "\u19c8", "\u19c9", "\u1cf2", "\u1cf3"])
