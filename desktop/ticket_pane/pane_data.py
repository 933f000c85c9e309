"""Everything the ticket pane shows, read in one go on the database thread.

:func:`load_pane_data` runs inside ``ctx.read``; the result is immutable and handed to the
pane's parts on the UI thread. Queues and agents are small lists, so re-reading them with
every refresh is cheaper than keeping a second cache in sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.app_context import AppContext
from sync.services.directory import PersonView, QueueView
from sync.services.ticket_views import TicketDetail

__all__ = ["TicketPaneData", "load_pane_data", "note_key", "reply_key"]


@dataclass(frozen=True)
class TicketPaneData:
    detail: TicketDetail
    queues: tuple[QueueView, ...]
    agents: tuple[PersonView, ...]

    def categories_for(self, queue_id: str) -> tuple[str, ...]:
        for queue in self.queues:
            if queue.id == queue_id:
                return queue.categories
        return ()


def load_pane_data(ctx: AppContext, ticket_id: str) -> TicketPaneData:
    """Database thread only."""
    return TicketPaneData(
        detail=ctx.queries.detail(ticket_id),
        queues=tuple(ctx.directory.queues()),
        agents=tuple(ctx.directory.agents()),
    )


def reply_key(ticket_id: str) -> str:
    """The draft key of a half-written reply (shared with other tools that look for drafts)."""
    return f"ticket:{ticket_id}:reply"


def note_key(ticket_id: str) -> str:
    return f"ticket:{ticket_id}:note"
