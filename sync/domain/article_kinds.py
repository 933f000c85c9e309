"""The kinds of knowledge-base article, and the rule that reads one from user input.

One home for the rule that both the client's article service and the server's article
operations apply, so the server need not import client code for it.
"""

from __future__ import annotations

from sync.errors import ValidationError

__all__ = ["ARTICLE_KINDS", "article_kind"]

ARTICLE_KINDS = ("how-to", "known error", "faq")


def article_kind(value: object) -> str:
    """``value`` as a stored kind (case and ``_``/space insensitive); ValidationError otherwise."""
    kind = str(value).strip().lower().replace("_", " ")
    if kind not in ARTICLE_KINDS:
        raise ValidationError(f"Article kind must be one of: {', '.join(ARTICLE_KINDS)}.")
    return kind
