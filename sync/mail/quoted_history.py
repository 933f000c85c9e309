"""Collapsing quoted earlier messages and signatures out of a reply's text.

A reply usually carries the whole thread below (Gmail: ``On <date>, <name> wrote:`` then
``>`` lines; Outlook: a ``From:``/``Sent:`` header block or ``-----Original Message-----``;
Apple Mail and others: ``>`` lines) and a signature after ``-- ``. The ticket already holds
the earlier messages, so only the new text is kept and a one-line marker says what was
collapsed. Text that is *all* quote (someone forwarding a message with no words of their
own) is kept whole: collapsing must never leave a comment empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CollapsedText", "collapse_quoted"]

_ATTRIBUTION = re.compile(
    r"^(On\s.{4,200}\s(wrote|schrieb|a écrit|escribió|ha scritto|schreef):?\s*$)"
    r"|^(Am\s.{4,200}\sschrieb.*:\s*$)"
    r"|^(Le\s.{4,200}\sa écrit\s*:\s*$)",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook's header block: "From: …" followed within a few lines by "Sent:"/"Date:" and "To:"/"Subject:".
_OUTLOOK_FROM = re.compile(r"^\**(From|Von|De|Van)\**\s*:\s*\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\**(Sent|Date|Gesendet|Envoyé|To|An|À|Subject|Betreff|Objet)\**\s*:", re.IGNORECASE
)
_SIGNATURE = re.compile(r"^(-- ?|__+|Sent from my \w+.*|Get Outlook for \w+.*)$")


@dataclass(frozen=True)
class CollapsedText:
    text: str
    collapsed_lines: int  # lines of quoted history or signature removed


def _cut_at(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _ORIGINAL.match(stripped) or _ATTRIBUTION.match(stripped):
            return i
        # Gmail wraps long attributions over two lines.
        wrapped = i + 1 < len(lines) and stripped.lower().startswith(("on ", "am ", "le "))
        if wrapped and _ATTRIBUTION.match(stripped + " " + lines[i + 1].strip()):
            return i
        if _OUTLOOK_FROM.match(stripped):
            window = [x.strip() for x in lines[i + 1 : i + 5]]
            if sum(1 for x in window if _OUTLOOK_NEXT.match(x)) >= 2:
                return i
        if stripped.startswith(">"):
            rest = [x.strip() for x in lines[i:] if x.strip()]
            if all(x.startswith(">") for x in rest):
                return i
    return None


def collapse_quoted(text: str) -> CollapsedText:
    """``text`` without quoted history and a trailing signature (see the module docstring)."""
    lines = text.splitlines()
    cut = _cut_at(lines)
    kept = lines if cut is None else lines[:cut]
    for i in range(len(kept) - 1, -1, -1):
        if _SIGNATURE.match(kept[i].rstrip()) and len(kept) - i <= 12:
            kept = kept[:i]
            break
    new_text = "\n".join(kept).strip()
    if not new_text:
        return CollapsedText(text.strip(), 0)
    return CollapsedText(new_text, len(lines) - len(kept))
