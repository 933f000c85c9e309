"""What an op's applier works with: the transaction, the caller, the outcome being built.

Appliers (``ticket_ops``, ``work_ops``, ``article_ops``, ``directory_ops``) change records
through ``ctx.session``, register every written record in ``ctx.touched`` (so it is stamped
with the commit version and pulled), log activity at the mutation's device time, and note
conflicts. They signal the two ways a mutation can fail:

- a core error (:mod:`sync.errors`: ``ValidationError``, ``TransitionError``,
  ``NotFoundError``, ``PermissionDeniedError``) — **rejected** for good;
- :class:`Deferred` — not decided now (e.g. the attachment's blob is not uploaded yet): the
  push stops there and the client retries later.

Records the caller may not see are reported with the same ``NotFoundError`` as records that
do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync import protocol
from sync.domain.activity_values import activity_text
from sync.errors import NotFoundError
from sync.ids import new_id
from sync.server.core.access import Caller
from sync.server.core.versioning import Touched
from sync.server.db.models import Activity, Article, Ticket

__all__ = ["ApplyContext", "Deferred", "automation_note", "wire"]


class Deferred(Exception):
    """The mutation cannot be decided yet; the push stops before it."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class ApplyContext:
    session: Session
    caller: Caller
    client_id: str
    device_time: datetime
    touched: Touched = field(default_factory=Touched)
    conflicts: list[protocol.FieldConflict] = field(default_factory=list)
    lost: bool = False  # some field was resolved against the client -> status "conflict"

    def ticket_for_update(self, ticket_id: str) -> Ticket:
        """Lock and return a ticket the caller can see, else NotFoundError (no leak)."""
        ticket = self.session.execute(
            select(Ticket).where(Ticket.id == ticket_id).with_for_update()
        ).scalar_one_or_none()
        if ticket is None or not self.caller.can_see_ticket(ticket):
            raise NotFoundError("This ticket does not exist or is not in your queues.")
        return ticket

    def article_for_update(self, article_id: str) -> Article:
        article = self.session.execute(
            select(Article).where(Article.id == article_id).with_for_update()
        ).scalar_one_or_none()
        if article is None:
            raise NotFoundError("This article does not exist.")
        return article

    def activity(
        self, entity_type: str, entity_id: str, name: str, old: object, new: object, note: str = ""
    ) -> None:
        """Append one activity entry, by the caller, at the mutation's device time."""
        row = Activity(
            id=new_id(),
            entity_type=entity_type,
            entity_id=entity_id,
            actor_id=self.caller.user_id,
            field=name,
            old_value=activity_text(old),
            new_value=activity_text(new),
            note=note,
            at=self.device_time,
        )
        self.session.add(row)
        self.touched.add("activity", row.id, entity_id if entity_type == "ticket" else None)

    def conflict(
        self, name: str, *, yours: Any, server: Any, base: Any, resolution: str, message: str
    ) -> None:
        self.conflicts.append(
            protocol.FieldConflict(
                field=name,
                yours=wire(yours),
                server=wire(server),
                base=wire(base),
                resolution=resolution,  # type: ignore[arg-type]
                message=message,
            )
        )
        if resolution in ("kept_server", "conflicting_revision"):
            self.lost = True


def automation_note(marker: dict[str, Any] | None) -> str:
    """A short activity note saying which rule made a change ('' for a person's change)."""
    if not marker:
        return ""
    name = marker.get("rule_name") or marker.get("name") or marker.get("rule_id") or marker.get("rule")
    return f"by rule {name}" if name else "by a rule"


def wire(value: Any) -> Any:
    """A value as it travels in JSON (datetimes as ISO text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value
