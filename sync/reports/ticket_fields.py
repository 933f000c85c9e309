"""Ticket fields reports read that not every schema has yet: the one marked place.

``channel`` (how a request arrived: phone, walk_in, email, portal, agent) is being added
to the ticket tables. Until both the replica's and the server's ``tickets`` have it,
:func:`channel_column` reads an empty string, so ``--by channel`` puts every ticket under
"" and ``channel:`` in a report query is refused with a clear message
(:mod:`sync.reports.report_filter`). When the column exists, this function returns it and
nothing else changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal

__all__ = ["channel_column", "has_channel"]


def has_channel(ticket: Any) -> bool:
    """Does this mapped ticket class have a ``channel`` column?"""
    return "channel" in ticket.__table__.columns


def channel_column(ticket: Any) -> Any:
    """The ticket's channel, or an empty string where the column does not exist yet."""
    if has_channel(ticket):
        return ticket.channel
    return literal("")
