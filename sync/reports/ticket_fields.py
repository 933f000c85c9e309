"""Ticket fields reports read that came later than the rest: ``channel``.

``channel`` (how a request arrived: phone, walk_in, email, portal, agent) is in both the
replica's and the server's ``tickets`` (replica schema 5, Alembic 0007); ``--by channel``
splits by it and ``channel:email`` in a report query filters by it like the search does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["channel_column"]


def channel_column(ticket: Any) -> Any:
    """The ticket's channel column (the same on the replica's and the server's model)."""
    return ticket.channel
