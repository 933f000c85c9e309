"""What goes into the full-text index for one ticket or one article, and the snippet markers.

The index stores its own copy of this text (FTS5 with content), so snippets are cut from
exactly what was indexed, and the two marker characters below can never occur in it:
:func:`clean` turns them into spaces on the way in. A snippet is therefore unambiguous:
every ``MARK_START``…``MARK_END`` pair is a match, everything else is the user's text.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync.kb.markdown_render import plain_text

__all__ = [
    "ARTICLE_COLUMNS",
    "MARK_END",
    "MARK_START",
    "TICKET_COLUMNS",
    "article_document",
    "clean",
    "ticket_document",
]

#: Start and end of a highlighted match in text returned by ``snippet()``/``highlight()``.
MARK_START = "\x02"
MARK_END = "\x03"

#: Column order of ``ticket_fts`` and ``article_fts`` (the bm25 weights in the schema follow it).
TICKET_COLUMNS = ("subject", "description", "resolution", "comments")
ARTICLE_COLUMNS = ("title", "body", "tags")

_MARKERS = str.maketrans({MARK_START: " ", MARK_END: " ", "\x00": " "})


def clean(text: str | None) -> str:
    """``text`` with the marker characters (and NUL) replaced by spaces."""
    return (text or "").translate(_MARKERS)


def ticket_document(
    subject: str | None, description: str | None, resolution: str | None, comments: Iterable[str]
) -> tuple[str, str, str, str]:
    """The indexed columns of a ticket: replies and notes in order, one per line."""
    return (
        clean(subject),
        clean(description),
        clean(resolution),
        "\n".join(clean(body) for body in comments),
    )


def article_document(title: str | None, body_markdown: str | None, tags: str | None) -> tuple[str, str, str]:
    """The indexed columns of an article: its body as plain text (no markdown syntax)."""
    return clean(title), clean(plain_text(body_markdown or "")), clean(tags)
