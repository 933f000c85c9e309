"""How a request reached the desk: the ticket's ``channel``."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["TicketChannel", "channel_label"]


class TicketChannel(StrEnum):
    """Set when the ticket is made and read-only afterwards (reports count by it).

    An agent typing a ticket in the app or the CLI is usually taking a call, so tickets they
    make default to ``phone`` (as do tickets that existed before the field); ``agent`` is
    for work an agent raises themselves (a fault they noticed, a planned change), ``email``
    and ``portal`` for requests that arrived in writing, ``walk_in`` for someone at the desk.
    """

    PHONE = "phone"
    WALK_IN = "walk_in"
    EMAIL = "email"
    PORTAL = "portal"
    AGENT = "agent"

    @property
    def label(self) -> str:
        return {
            "phone": "Phone",
            "walk_in": "Walk-in",
            "email": "E-mail",
            "portal": "Portal",
            "agent": "Agent",
        }[self.value]


def channel_label(value: str) -> str:
    """The label of a stored channel value; a value this version does not know (written by
    a newer Outpost) is shown as it is."""
    try:
        return TicketChannel(value).label
    except ValueError:
        return value
