"""The ticket's conversation: the original request, replies and internal notes, oldest first.

Every message is text someone typed, so it is HTML-escaped before it is placed in the page:
``<b>`` in a message shows as ``<b>``. The only markup added back is links to other
Outpost records (``outpost:article/<id>``, ``outpost:ticket/<ref>``, bare or as a markdown
``[title](outpost:...)`` link), found in the escaped text with a pattern that admits no
quote or angle bracket. The page is shown in a :class:`SafeTextBrowser`, so those links are
handled by the app and nothing is ever fetched.

The three kinds of message look different on purpose: internal notes sit on a tinted
background under an "Internal note" label (an agent must never mistake one for a reply),
the requester's messages are marked "Requester", replies "Reply".
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from PySide6.QtWidgets import QWidget

from desktop.kb.safe_browser import SafeTextBrowser
from desktop.record_table_model import local_time_text
from sync.domain.ticket_type import CommentKind
from sync.services.ticket_views import TicketDetail

__all__ = ["ConversationView", "conversation_html", "message_html"]

# (label, background, label colour) per kind of message; the text colour is fixed too so
# the tints stay readable under a dark theme.
_STYLES = {
    "requester": ("Requester", "#e6f0fb", "#1f5fa8"),
    "reply": ("Reply", "#f3f4f6", "#2f6b2f"),
    "note": ("Internal note", "#fff1c7", "#8a5a00"),
}
_LINK = re.compile(
    r"\[(?P<title>[^\]\n]{1,200})\]\((?P<target>outpost:(?:article|ticket)/[A-Za-z0-9-]{1,64})\)"
    r"|(?P<bare>outpost:(?:article|ticket)/[A-Za-z0-9-]{1,64})"
)


def _linkify(escaped: str) -> str:
    def link(m: re.Match[str]) -> str:
        target = m.group("target") or m.group("bare")
        return f'<a href="{target}">{m.group("title") or target}</a>'

    return _LINK.sub(link, escaped)


def message_html(kind: str, author: str, when: datetime, body: str) -> str:
    """One message block; ``kind`` is ``requester``, ``reply`` or ``note``."""
    label, background, accent = _STYLES[kind]
    text = _linkify(html.escape(body)).replace("\n", "<br/>")
    who = html.escape(author) if author else "Unknown"
    return (
        f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{background}" style="color:#1d1d1f">'
        f'<tr><td><span style="color:{accent}"><b>{label}</b></span> · <b>{who}</b> · '
        f'<span style="color:#555">{local_time_text(when)}</span></td></tr>'
        f"<tr><td>{text}</td></tr></table><p></p>"
    )


def conversation_html(detail: TicketDetail) -> str:
    blocks: list[str] = []
    if detail.description.strip():
        blocks.append(message_html("requester", detail.requester, detail.created_at, detail.description))
    for c in detail.comments:
        if c.kind == CommentKind.NOTE.value:
            kind = "note"
        elif c.from_requester:
            kind = "requester"
        else:
            kind = "reply"
        blocks.append(message_html(kind, c.author, c.created_at, c.body))
    if not blocks:
        return '<p style="color:#777">No messages yet.</p>'
    return "".join(blocks)


class ConversationView(SafeTextBrowser):
    """Shows :func:`conversation_html`; follows new messages if the person was reading the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self._shown: tuple[str, int] | None = None  # (ticket id, number of comments)

    def set_detail(self, detail: TicketDetail) -> None:
        bar = self.verticalScrollBar()
        previous, keep = self._shown, bar.value()
        was_at_end = keep >= bar.maximum() - 4
        self.setHtml(conversation_html(detail))
        self._shown = (detail.id, len(detail.comments))
        new_ticket = previous is None or previous[0] != detail.id
        grew = previous is not None and previous[1] != len(detail.comments)
        bar.setValue(bar.maximum() if new_ticket or (grew and was_at_end) else keep)
