"""Naming a ticket's attachment inside a message: ``[name](outpost:attachment/<id>)``.

A public reply that sends files (the job sheet, say) names each attachment of its ticket
with such a link, in the same ``outpost:`` family as article and ticket links. The desktop
shows the link's name; the server's mail outbox attaches the named files to the outgoing
mail and replaces each link with the file's name (:func:`replace_attachment_links`). Only
attachments of the reply's own ticket are ever taken (the outbox checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["ATTACHMENT_LINK", "attachment_link", "attachment_refs", "replace_attachment_links"]

#: ``[title](outpost:attachment/<id>)``: group ``title`` and ``id``.
ATTACHMENT_LINK = re.compile(
    r"\[(?P<title>[^\]\n]{1,260})\]\(outpost:attachment/(?P<id>[A-Za-z0-9-]{1,64})\)"
)


def attachment_link(attachment_id: str, filename: str) -> str:
    title = " ".join(filename.replace("[", "(").replace("]", ")").split())[:260] or "attachment"
    return f"[{title}](outpost:attachment/{attachment_id})"


def attachment_refs(body: str) -> list[str]:
    """The attachment ids a message names, in order, each once."""
    return list(dict.fromkeys(m.group("id") for m in ATTACHMENT_LINK.finditer(body)))


def replace_attachment_links(body: str, text_for: Callable[[str, str], str]) -> str:
    """``body`` with each link replaced by ``text_for(id, title)``."""
    return ATTACHMENT_LINK.sub(lambda m: text_for(m.group("id"), m.group("title")), body)
