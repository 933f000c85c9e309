"""Filling ``{requester.name}``-style placeholders in macros, rule notes and notifications.

Rendering is one left-to-right pass of a fixed pattern, never ``str.format``: the values
(a requester's name, a ticket subject — text that came from outside) are inserted
literally and never scanned again, so ``{ticket.subject}`` containing ``{agent.name}``
or ``{0.__class__}`` stays exactly that text. ``{{`` and ``}}`` write literal braces; any
other brace is kept as it is. Unknown placeholders are refused when a template is saved
(:func:`check_template`) and left untouched if one still reaches :func:`render`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from sync.replica.models import Person, Queue, Ticket
from sync.services.ticket_views import display_number

__all__ = ["PLACEHOLDERS", "check_template", "placeholder_values", "render"]

#: Every placeholder a template may use, with what it stands for.
PLACEHOLDERS: Mapping[str, str] = {
    "ticket.number": "the ticket's number (#123, or L17 before it is synced)",
    "ticket.subject": "the ticket's subject",
    "ticket.status": "the ticket's status",
    "ticket.priority": "the ticket's priority (P1-P4)",
    "ticket.queue": "the ticket's queue",
    "ticket.due": "the next SLA deadline (UTC), or '' when none",
    "requester.name": "the requester's full name",
    "requester.first_name": "the requester's first name",
    "requester.email": "the requester's e-mail",
    "agent.name": "the agent applying it (for rules: the assignee)",
    "agent.first_name": "that agent's first name",
    "assignee.name": "the ticket's assignee ('' when unassigned)",
}

_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+\.[a-z_]+)\}")


def check_template(template: str) -> None:
    """ValueError naming the first unknown placeholder in ``template``."""
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if name is not None and name not in PLACEHOLDERS:
            known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{name}}} (known: {known}; write {{{{ for a brace)")


def render(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its placeholders replaced by ``values`` (see the module docstring)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        return values.get(name, token)

    return _TOKEN.sub(replace, template)


def placeholder_values(session: Session, ticket_id: str, agent_id: str | None) -> dict[str, str]:
    """The values of every placeholder for one ticket, as the given agent sees it."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return {}
    requester = session.get(Person, ticket.requester_id) if ticket.requester_id else None
    agent = session.get(Person, agent_id) if agent_id else None
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    queue = session.get(Queue, ticket.queue_id)
    due: datetime | None = ticket.due_at
    return {
        "ticket.number": display_number(ticket.number, ticket.local_number),
        "ticket.subject": ticket.subject,
        "ticket.status": ticket.status.replace("_", " "),
        "ticket.priority": f"P{ticket.priority}",
        "ticket.queue": queue.name if queue else "",
        "ticket.due": due.strftime("%Y-%m-%d %H:%M UTC") if due else "",
        "requester.name": requester.name if requester else "",
        "requester.first_name": requester.name.split()[0] if requester and requester.name.split() else "",
        "requester.email": requester.email if requester else "",
        "agent.name": agent.name if agent else "",
        "agent.first_name": agent.name.split()[0] if agent and agent.name.split() else "",
        "assignee.name": assignee.name if assignee else "",
    }
