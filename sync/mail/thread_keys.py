"""What ties an inbound message to a ticket: its references and the ``[#N]`` subject token.

Threading tries, in order: the ``In-Reply-To`` id, then ``References`` from the newest
(last) to the oldest, each looked up among the message ids the desk has seen or sent for a
ticket; then the ticket number token in the subject (``[#1042]``), which survives clients
that drop ``References``. Message ids are compared without angle brackets, case-sensitive
in the local part as RFC 5322 says, but normalised in the domain.
"""

from __future__ import annotations

import re

__all__ = ["message_ids", "normalize_message_id", "subject_token", "subject_with_token"]

_ID = re.compile(r"<([^<>\s]+)>")
_TOKEN = re.compile(r"\[#(\d{1,12})\]")


def normalize_message_id(raw: str) -> str:
    """``<Local@Domain>`` → ``Local@domain`` (the form stored and compared); '' if none."""
    found = _ID.search(raw)
    value = found.group(1) if found else raw.strip().strip("<>").strip()
    if not value or any(c.isspace() for c in value):
        return ""
    local, at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}" if at else value


def message_ids(raw: str) -> list[str]:
    """Every message id in a ``References``/``In-Reply-To`` value, in order, normalised."""
    found = [normalize_message_id(f"<{m}>") for m in _ID.findall(raw)]
    if not found and raw.strip():
        single = normalize_message_id(raw)
        found = [single] if single else []
    return [m for m in dict.fromkeys(found) if m]


def subject_token(subject: str) -> int | None:
    """The ticket number of the last ``[#N]`` in a subject, or None."""
    found = _TOKEN.findall(subject)
    return int(found[-1]) if found else None


def subject_with_token(subject: str, number: int) -> str:
    """The subject carrying ``[#number]`` once (any other token replaced)."""
    bare = _TOKEN.sub("", subject).strip()
    bare = re.sub(r"\s{2,}", " ", bare)
    return f"[#{number}] {bare}".strip()
