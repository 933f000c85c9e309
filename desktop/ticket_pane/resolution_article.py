"""Turning a resolved ticket into a draft knowledge-base article ("Create article from this resolution").

Pure: the pane opens the article editor prefilled with these fields, unsaved; the person
edits and saves (``ArticleService.create`` makes it a draft that a curator publishes).
"""

from __future__ import annotations

from sync.domain.ticket_type import TicketType
from sync.services.ticket_views import TicketDetail

__all__ = ["article_from_resolution"]


def article_from_resolution(detail: TicketDetail) -> dict[str, str]:
    """Title from the subject; the body states the problem and what fixed it. An incident's fix
    becomes a "known error", anything else a "how-to"."""
    problem = detail.description.strip() or detail.subject
    return {
        "title": detail.subject,
        "body": f"## Problem\n\n{problem}\n\n## Resolution\n\n{detail.resolution.strip()}\n",
        "category": detail.category,
        "tags": " ".join(detail.tags),
        "kind": "known error" if detail.type == TicketType.INCIDENT.value else "how-to",
    }
