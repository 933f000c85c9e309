"""Notifications for agents: what rules sent them, and their tickets about to breach.

A rule's ``notify`` action writes one activity entry per recipient (``entity_type =
"notification"``, ``entity_id`` = the recipient, ``field`` = the ticket) — found through the
activity index without a new table — and one journaled ``ticket.notify`` mutation
``{"notification": {id, ticket_id, recipient_ids, message, created_at}, "automation": marker}``
so the server can deliver it to the recipients' other devices.

"My tickets about to breach" is not stored: it is read from the SLA columns when asked
(:meth:`Notifications.about_to_breach`), so it is never stale. Which notifications a user
has seen is a local setting: reading is per device, like a mail client's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Activity, Mutation, Person, QueueMember, ReplicaSetting, Ticket
from sync.replica.replica import Replica, set_setting
from sync.services.directory import AGENT_ROLES
from sync.services.journal import record_activity, record_mutation
from sync.services.sla_service import DUE_SOON, BreachAlert, SlaService
from sync.services.ticket_views import display_number

__all__ = ["NotificationView", "Notifications", "notify_in", "recipients_for"]


@dataclass(frozen=True)
class NotificationView:
    id: str
    ticket_id: str
    display_number: str
    subject: str
    message: str
    source: str  # the rule that sent it
    at: datetime
    unread: bool


def recipients_for(session: Session, ticket: Ticket, to: str) -> list[str]:
    """Person ids for a notify target: ``assignee`` (the queue's agents when unassigned),
    ``queue`` (the queue's active agents), ``queue_managers`` (its active managers), or one
    person's id."""
    if to == "assignee" and ticket.assignee_id:
        return [ticket.assignee_id]
    if to == "queue_managers":
        return list(
            session.execute(
                select(Person.id)
                .join(QueueMember, QueueMember.person_id == Person.id)
                .where(QueueMember.queue_id == ticket.queue_id, Person.active.is_(True))
                .where(Person.role == "manager")
                .order_by(Person.id)
            ).scalars()
        )
    if to in ("assignee", "queue"):
        return list(
            session.execute(
                select(Person.id)
                .join(QueueMember, QueueMember.person_id == Person.id)
                .where(QueueMember.queue_id == ticket.queue_id, Person.active.is_(True))
                .where(Person.role.in_(AGENT_ROLES))
                .order_by(Person.id)
            ).scalars()
        )
    return [to] if session.get(Person, to) is not None else []


def notify_in(
    session: Session,
    ticket: Ticket,
    recipients: list[str],
    message: str,
    *,
    source: str,
    now: datetime,
    actor: str,
    automation: dict[str, Any] | None,
) -> Mutation | None:
    """Record a notification in the caller's transaction; returns its ``ticket.notify``
    mutation, or None when nobody is to receive it."""
    if not recipients:
        return None
    notification_id = new_id()
    for person_id in recipients:
        session.add(
            Activity(
                id=new_id(),
                entity_type="notification",
                entity_id=person_id,
                actor_id=actor,
                field=ticket.id,
                old_value=notification_id,
                new_value=message,
                note=source,
                at=now,
            )
        )
    record_activity(
        session,
        entity_type="ticket",
        entity_id=ticket.id,
        actor_id=actor,
        field="notified",
        old=None,
        new=f"{len(recipients)} agent(s)",
        at=now,
        note=source,
    )
    payload: dict[str, Any] = {
        "notification": {
            "id": notification_id,
            "ticket_id": ticket.id,
            "recipient_ids": recipients,
            "message": message,
            "created_at": now.isoformat(),
        }
    }
    if automation is not None:
        payload["automation"] = automation
    return record_mutation(
        session,
        op=Op.TICKET_NOTIFY,
        entity_type="ticket",
        entity_id=ticket.id,
        payload=payload,
        device_time=now,
        actor_id=actor,
    )


class Notifications:
    """What the notification area shows; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def for_user(self, user_id: str, *, limit: int = 50) -> list[NotificationView]:
        """The newest notifications sent to ``user_id``, newest first."""
        with self.replica.read() as s:
            seen = _seen(s, user_id)
            rows = s.execute(
                select(Activity.old_value, Activity.field, Activity.new_value, Activity.note, Activity.at)
                .where(Activity.entity_type == "notification", Activity.entity_id == user_id)
                .order_by(Activity.at.desc(), Activity.id.desc())
                .limit(limit)
            ).all()
            out = []
            for notification_id, ticket_id, message, source, at in rows:
                ticket = s.get(Ticket, ticket_id)
                number = display_number(ticket.number, ticket.local_number) if ticket else "?"
                out.append(
                    NotificationView(
                        str(notification_id),
                        ticket_id,
                        number,
                        ticket.subject if ticket else "",
                        message or "",
                        source,
                        at,
                        seen is None or at > seen,
                    )
                )
            return out

    def unread_count(self, user_id: str) -> int:
        with self.replica.read() as s:
            seen = _seen(s, user_id)
            stmt = select(func.count()).where(
                Activity.entity_type == "notification", Activity.entity_id == user_id
            )
            if seen is not None:
                stmt = stmt.where(Activity.at > seen)
            return int(s.execute(stmt).scalar_one())

    def mark_read(self, user_id: str, upto: datetime | None = None) -> None:
        """Everything sent to ``user_id`` up to ``upto`` (default: now) counts as read here."""
        with self.replica.write() as s:
            set_setting(s, _seen_key(user_id), (upto or self.replica.clock()).astimezone(UTC).isoformat())

    def about_to_breach(
        self, user_id: str, now: datetime | None = None, *, within: timedelta = DUE_SOON
    ) -> list[BreachAlert]:
        """My open tickets overdue or due within ``within`` (see :meth:`SlaService.about_to_breach`)."""
        return SlaService(self.replica).about_to_breach(user_id, now, within=within)


def _seen_key(user_id: str) -> str:
    return f"notifications.seen.{user_id}"


def _seen(session: Session, user_id: str) -> datetime | None:
    row = session.get(ReplicaSetting, _seen_key(user_id))
    return None if row is None else datetime.fromisoformat(row.value)
