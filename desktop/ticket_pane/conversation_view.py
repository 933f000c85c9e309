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

Photos attached to the ticket (image attachments on this device) appear in the conversation
at the time they were added, as upright thumbnails from a
:class:`~desktop.ticket_pane.photo_thumbnails.ThumbnailCache`: the page names them
``outpost-thumb:<sha256>`` and :meth:`ConversationView.loadResource` serves those from the
cache only (still nothing is fetched); a thumbnail decoded later re-renders the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from desktop.kb.safe_browser import SafeTextBrowser
from desktop.record_table_model import local_time_text
from desktop.ticket_pane.photo_thumbnails import ThumbnailCache, is_photo
from sync.domain.ticket_type import CommentKind
from sync.services.ticket_views import AttachmentView, TicketDetail

__all__ = ["THUMB_SCHEME", "ConversationView", "conversation_html", "message_html", "photo_html"]

#: The URL scheme of an in-memory thumbnail in the page (``outpost-thumb:<sha256>``).
THUMB_SCHEME = "outpost-thumb"

# (label, background, label colour) per kind of message; the text colour is fixed too so
# the tints stay readable under a dark theme.
_STYLES = {
    "requester": ("Requester", "#e6f0fb", "#1f5fa8"),
    "reply": ("Reply", "#f3f4f6", "#2f6b2f"),
    "note": ("Internal note", "#fff1c7", "#8a5a00"),
}
_LINK = re.compile(
    r"\[(?P<title>[^\]\n]{1,200})\]\((?P<target>outpost:(?:article|ticket|attachment)/[A-Za-z0-9-]{1,64})\)"
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


def photo_html(attachment: AttachmentView, size: tuple[int, int] | None) -> str:
    """A photo block: its name and time over its thumbnail (``size`` once it is decoded)."""
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return (
        '<table width="100%" cellpadding="8" cellspacing="0" bgcolor="#eef5ee" style="color:#1d1d1f">'
        f'<tr><td><span style="color:#2f6b2f"><b>Photo</b></span> · {html.escape(attachment.filename)} · '
        f'<span style="color:#555">{local_time_text(attachment.added_at)}</span></td></tr>'
        f'<tr><td><img src="{THUMB_SCHEME}:{attachment.sha256}"{dims}/></td></tr></table><p></p>'
    )


def conversation_html(detail: TicketDetail, photo_sizes: Mapping[str, tuple[int, int]] | None = None) -> str:
    """The page; with ``photo_sizes`` (thumbnail sizes by blob digest, possibly empty) the
    ticket's photos are placed among the messages by time."""
    blocks: list[tuple[datetime, int, str]] = []
    if detail.description.strip():
        html_ = message_html("requester", detail.requester, detail.created_at, detail.description)
        blocks.append((detail.created_at, 0, html_))
    for c in detail.comments:
        if c.kind == CommentKind.NOTE.value:
            kind = "note"
        elif c.from_requester:
            kind = "requester"
        else:
            kind = "reply"
        blocks.append((c.created_at, len(blocks), message_html(kind, c.author, c.created_at, c.body)))
    if photo_sizes is not None:
        for a in detail.attachments:
            if is_photo(a):
                blocks.append((a.added_at, len(blocks), photo_html(a, photo_sizes.get(a.sha256))))
    if not blocks:
        return '<p style="color:#777">No messages yet.</p>'
    return "".join(b for _at, _n, b in sorted(blocks, key=lambda b: (b[0], b[1])))


class ConversationView(SafeTextBrowser):
    """Shows :func:`conversation_html`; follows new messages if the person was reading the end."""

    def __init__(self, parent: QWidget | None = None, thumbnails: ThumbnailCache | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self._shown: tuple[str, int] | None = None  # (ticket id, number of comments)
        self._detail: TicketDetail | None = None
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        url = QUrl(name) if isinstance(name, str) else name
        if url.scheme() == THUMB_SCHEME:
            return self._thumbnails.image(url.path()) if self._thumbnails is not None else None
        return super().loadResource(type, url)

    def set_detail(self, detail: TicketDetail) -> None:
        bar = self.verticalScrollBar()
        previous, keep = self._shown, bar.value()
        was_at_end = keep >= bar.maximum() - 4
        self._detail = detail
        self.setHtml(conversation_html(detail, self._photo_sizes(detail)))
        self._shown = (detail.id, len(detail.comments))
        new_ticket = previous is None or previous[0] != detail.id
        grew = previous is not None and previous[1] != len(detail.comments)
        bar.setValue(bar.maximum() if new_ticket or (grew and was_at_end) else keep)

    def _photo_sizes(self, detail: TicketDetail) -> dict[str, tuple[int, int]] | None:
        cache = self._thumbnails
        if cache is None:
            return None
        sizes: dict[str, tuple[int, int]] = {}
        for a in detail.attachments:
            if not is_photo(a):
                continue
            image = cache.image(a.sha256)
            if image is None:
                cache.request(a.sha256)
            else:
                sizes[a.sha256] = (image.width(), image.height())
        return sizes

    def _thumbnail_ready(self, sha256: str) -> None:
        detail = self._detail
        if detail is not None and any(a.sha256 == sha256 for a in detail.attachments):
            self.set_detail(detail)
