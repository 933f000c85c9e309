"""Small shared pieces of the ticket services: who is acting, loading, field snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.domain.ticket_schema import SCALAR_FIELDS
from sync.errors import NotFoundError, PermissionDeniedError, ValidationError
from sync.replica.models import Person, ReplicaSetting, Ticket
from sync.replica.replica import Replica

__all__ = ["SCALAR_FIELDS", "acting_user", "load_ticket", "require_role", "ticket_fields"]

def acting_user(replica: Replica, session: Session) -> str:
    """The id of the agent working this replica; every write is attributed to them."""
    row = session.get(ReplicaSetting, "current_user_id")
    if row is None:
        raise ValidationError(
            "This replica has no signed-in agent yet. Open the app and choose "
            "'Work standalone on this computer', or run `outpost demo`."
        )
    return row.value


def require_role(session: Session, person_id: str, roles: set[str], action: str) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.role not in roles:
        allowed = " or ".join(sorted(r.replace("_", " ") for r in roles))
        raise PermissionDeniedError(f"Only a {allowed} can {action}.")
    return person


def load_ticket(session: Session, ticket_id: str) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFoundError(f"No ticket with id {ticket_id}.")
    return ticket


def ticket_fields(ticket: Ticket) -> dict[str, Any]:
    """The ticket's scalar fields as plain values (datetimes as ISO strings)."""
    out: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(ticket, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out
