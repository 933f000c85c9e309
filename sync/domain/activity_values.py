"""How a changed value is written into an activity line, on the replica and on the server.

An activity line records that a field changed, with the old and new value as text for a
person to read. Long text fields (a description, a resolution) are kept there as a bounded
preview: the ticket itself holds the full value, and copying it into every activity line
would multiply its size with each edit and bloat every pull page that carries the history.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["ACTIVITY_VALUE_CHARS", "activity_text"]

#: The longest old/new value an activity line keeps, in characters (with the ellipsis).
ACTIVITY_VALUE_CHARS = 2_000


def activity_text(value: object) -> str | None:
    """``value`` as activity text: lists joined by commas, times in ISO form, at most
    :data:`ACTIVITY_VALUE_CHARS` characters (a longer text ends in an ellipsis)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    if len(text) > ACTIVITY_VALUE_CHARS:
        return text[: ACTIVITY_VALUE_CHARS - 1] + "…"
    return text
