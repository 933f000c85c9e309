"""The choices offered for a ticket's type, channel, impact and urgency (the pane, the new-ticket dialog).

Labels say what each level means in practice, so an agent on the phone picks the same
level a colleague would (the matrix itself is :func:`sync.domain.priority.priority_for`).
"""

from __future__ import annotations

from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_type import TicketType

__all__ = ["CHANNEL_CHOICES", "IMPACT_CHOICES", "TYPE_CHOICES", "URGENCY_CHOICES"]

IMPACT_CHOICES: tuple[tuple[str, int], ...] = (
    ("High – many people, a site or a service", 1),
    ("Medium – a team or a room", 2),
    ("Low – one person", 3),
)

URGENCY_CHOICES: tuple[tuple[str, int], ...] = (
    ("High – work stopped or unsafe", 1),
    ("Medium – work slowed", 2),
    ("Low – can wait", 3),
)

TYPE_CHOICES: tuple[tuple[str, str], ...] = tuple((t.label, t.value) for t in TicketType)

#: Phone first: the default for a ticket an agent types (see ``TicketChannel``).
CHANNEL_CHOICES: tuple[tuple[str, str], ...] = tuple((c.label, c.value) for c in TicketChannel)
