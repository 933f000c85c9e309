"""In-transaction ticket writes: the operations that user actions and automation rules share.

Each function here changes a ticket inside the caller's unit of work, records an activity
entry per changed field and one intent mutation in the journal, and returns what it wrote
(a :class:`TicketWrite` or the parts of one). None of them refreshes SLA columns or runs
rules: the caller (a user action in :mod:`sync.services.ticket_service`,
:mod:`sync.services.ticket_work`, a macro, a template, or a rule's actions in
:mod:`sync.automation.rule_actions`) does, through
:func:`~sync.services.ticket_writes.after_ticket_write`.

This module is the bottom of the ticket write path: it never imports the services' user
actions nor :mod:`sync.automation`, so the path runs one way::

    user actions -> after_ticket_write -> automation rules -> ticket operations (here)
    user actions ------------------------------------------> ticket operations (here)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.domain.new_ticket import new_ticket_values
from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_rules import plan_ticket_update
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import CommentKind, TicketType
from sync.errors import NotFoundError, TransitionError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Comment, Mutation, Person, Queue, ReplicaSetting, Ticket, TicketTag
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_place_links import link_new_ticket_in
from sync.services.ticket_state import load_ticket, ticket_fields

__all__ = [
    "MAX_COMMENT_CHARS",
    "CommentOutcome",
    "NewTicket",
    "TicketWrite",
    "UpdateOutcome",
    "add_comment_in",
    "apply_update",
    "create_in",
    "ticket_ref",
    "wire_value",
]

MAX_COMMENT_CHARS = 100_000


@dataclass(frozen=True)
class TicketWrite:
    """One journaled change to one ticket.

    ``mutation`` is the journal row of the change: its id is the event id rules are keyed
    by, and its payload receives the automation marker. ``changes`` maps ticket fields (and
    the pseudo fields ``comment``, ``work_log``, ``attachment``, ``link``, ``checklist``,
    ``merged``) to (old, new). ``comment``/``comment_from`` carry the text and author kind
    ("requester"/"agent") of a reply or note the write added.
    """

    ticket_id: str
    mutation: Mutation | None
    created: bool = False
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    comment: str = ""
    comment_from: str = ""


@dataclass(frozen=True)
class NewTicket:
    subject: str
    queue_id: str
    description: str = ""
    type: str = TicketType.INCIDENT.value
    category: str = ""
    impact: int = 3
    urgency: int = 3
    priority: int | None = None  # an override of the matrix; needs priority_reason
    priority_reason: str = ""
    requester_id: str | None = None
    assignee_id: str | None = None
    location: str = ""
    asset: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    channel: str = TicketChannel.PHONE.value  # an agent typing a ticket is usually on the phone
    # Register records to link as the ticket is created (same unit of work, see create_in);
    # ``location``/``asset`` above stay the free text typed.
    asset_ids: tuple[str, ...] = field(default_factory=tuple)
    location_id: str | None = None


def create_in(s: Session, draft: NewTicket, *, now: datetime, actor: str) -> tuple[Ticket, Mutation]:
    """Create a ticket inside the caller's unit of work (no SLA refresh, no rules: the caller
    runs :func:`after_ticket_write`). Returns the ticket and its ``ticket.create`` mutation.

    The draft's ``asset_ids`` and ``location_id`` are linked in the same unit of work, each
    journaled after the create as its own ``ticket.link_asset`` / ``ticket.set_location``
    (:func:`~sync.services.ticket_place_links.link_new_ticket_in`); one that is not in the
    register raises :class:`~sync.errors.NotFoundError`, so nothing is created."""
    ticket_id = new_id()
    values = new_ticket_values(
        asdict(draft), now=now, priority=draft.priority, priority_reason=draft.priority_reason
    )
    tags = values.pop("tags")
    _check_refs(s, values["queue_id"], values["assignee_id"], values["requester_id"])
    ticket = Ticket(
        id=ticket_id,
        number=None,
        local_number=_next_local_number(s),
        created_at=now,
        updated_at=now,
        **values,
    )
    s.add(ticket)
    s.flush()
    for tag in tags:
        s.add(TicketTag(ticket_id=ticket_id, tag=tag))
    record_activity(
        s,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field="created",
        old=None,
        new=ticket.subject,
        at=now,
        note=draft.priority_reason if ticket.priority_overridden else "",
    )
    payload: dict[str, Any] = {
        "ticket": {**ticket_fields(ticket), "tags": tags, "local_number": ticket.local_number}
    }
    if ticket.priority_overridden:
        payload["priority_reason"] = draft.priority_reason
    mutation = record_mutation(
        s,
        op=Op.TICKET_CREATE,
        entity_type="ticket",
        entity_id=ticket_id,
        payload=payload,
        device_time=now,
        actor_id=actor,
    )
    if draft.asset_ids or draft.location_id is not None:
        link_new_ticket_in(s, actor, now, ticket_id, draft.asset_ids, draft.location_id)
    return ticket, mutation


@dataclass(frozen=True)
class UpdateOutcome:
    """What :func:`apply_update` changed: ``{field: (old, new)}`` and the journal row
    (None, with an empty plan, when the request changed nothing)."""

    plan: dict[str, tuple[Any, Any]]
    mutation: Mutation | None


def apply_update(
    s: Session,
    ticket_id: str,
    requested: Mapping[str, Any],
    *,
    now: datetime,
    actor: str,
    reason: str | None = None,
    note: str = "",
    automation: dict[str, Any] | None = None,
) -> UpdateOutcome:
    """Change fields inside the caller's unit of work, with activity and a ``ticket.update``
    mutation, but no SLA refresh and no rules (the caller runs :func:`after_ticket_write`).

    ``note`` goes on every activity entry (e.g. which rule or macro made the change);
    ``automation`` is the rule marker stored in the mutation payload (see
    :mod:`sync.automation.rule_engine`).
    """
    ticket = load_ticket(s, ticket_id)
    if ticket.merged_into_id:
        raise TransitionError("This ticket was merged into another; change that one instead.")
    if ticket.status == TicketStatus.CLOSED.value and set(requested) - {"tags"}:
        raise TransitionError("A closed ticket cannot be changed; open a follow-up ticket instead.")
    current = ticket_fields(ticket)
    current["tags"] = _tags(s, ticket_id)
    plan = plan_ticket_update(current, requested, now=now, reason=reason)
    if not plan:
        return UpdateOutcome({}, None)
    _check_refs(
        s,
        plan["queue_id"][1] if "queue_id" in plan else None,
        plan["assignee_id"][1] if "assignee_id" in plan else None,
        plan["requester_id"][1] if "requester_id" in plan else None,
    )
    _apply(s, ticket, plan, actor, now, reason or "", note)
    payload: dict[str, Any] = {
        "ticket_id": ticket_id,
        "changes": {k: wire_value(new) for k, (_old, new) in plan.items()},
        "base": {k: wire_value(old) for k, (old, _new) in plan.items()},
        "base_version": ticket.version,
        "reason": reason or "",
    }
    if automation is not None:
        payload["automation"] = automation
    mutation = record_mutation(
        s,
        op=Op.TICKET_UPDATE,
        entity_type="ticket",
        entity_id=ticket_id,
        payload=payload,
        device_time=now,
        actor_id=actor,
    )
    return UpdateOutcome(plan, mutation)


def _apply(
    s: Session,
    ticket: Ticket,
    plan: Mapping[str, tuple[Any, Any]],
    actor: str | None,
    now: datetime,
    reason: str,
    note_all: str = "",
) -> None:
    for name, (old, new) in plan.items():
        if name == "tags":
            s.execute(delete(TicketTag).where(TicketTag.ticket_id == ticket.id))
            for tag in new:
                s.add(TicketTag(ticket_id=ticket.id, tag=tag))
        else:
            setattr(ticket, name, new)
        if name in ("resolved_at", "closed_at", "priority_overridden"):
            continue
        note = reason if name in ("priority", "tier", "queue_id") else ""
        if note_all and note_all != note:
            note = f"{note} ({note_all})" if note else note_all
        record_activity(
            s,
            entity_type="ticket",
            entity_id=ticket.id,
            actor_id=actor,
            field=name,
            old=old,
            new=new,
            at=now,
            note=note,
        )
    ticket.updated_at = now


def _check_refs(s: Session, queue_id: str | None, assignee_id: str | None, requester_id: str | None) -> None:
    if queue_id is not None and s.get(Queue, queue_id) is None:
        raise NotFoundError(f"No queue with id {queue_id}.")
    if assignee_id is not None:
        person = s.get(Person, assignee_id)
        if person is None or person.role == "requester":
            raise ValidationError("Tickets can only be assigned to an agent.")
        if not person.active:
            raise ValidationError(f"{person.name} is no longer active and cannot be assigned tickets.")
    if requester_id is not None and s.get(Person, requester_id) is None:
        raise NotFoundError(f"No person with id {requester_id}.")


def _tags(s: Session, ticket_id: str) -> list[str]:
    return sorted(s.execute(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)).scalars())


def _next_local_number(s: Session) -> int:
    """The next provisional number: one more than any number this replica has used."""
    setting = s.get(ReplicaSetting, "last_local_number")
    highest = s.execute(select(func.max(Ticket.local_number))).scalar() or 0
    value = max(int(setting.value) if setting else 0, int(highest)) + 1
    if setting is None:
        s.add(ReplicaSetting(key="last_local_number", value=str(value)))
    else:
        setting.value = str(value)
    return value


def ticket_ref(ticket: Ticket) -> str:
    return f"#{ticket.number}" if ticket.number is not None else f"L{ticket.local_number}"


def wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class CommentOutcome:
    comment_id: str
    write: TicketWrite  # what the comment changed, for after_ticket_write


def add_comment_in(
    s: Session,
    ticket_id: str,
    kind: CommentKind,
    text: str,
    *,
    from_requester: bool,
    now: datetime,
    actor: str,
    automation: dict[str, Any] | None = None,
) -> CommentOutcome:
    """Add a reply or note inside the caller's unit of work (``text`` already checked), with
    its side effects (first response, reopening) and a ``ticket.comment`` mutation, but no
    SLA refresh and no rules: the caller runs :func:`after_ticket_write` with the result.
    ``automation`` is the rule marker stored in the mutation payload."""
    ticket = load_ticket(s, ticket_id)
    if ticket.status == TicketStatus.CLOSED.value and kind is CommentKind.REPLY:
        raise TransitionError("This ticket is closed; open a follow-up ticket to reply.")
    author = ticket.requester_id if from_requester else actor
    comment_id = new_id()
    s.add(
        Comment(
            id=comment_id,
            ticket_id=ticket_id,
            kind=kind.value,
            author_id=author,
            from_requester=from_requester,
            body=text,
            created_at=now,
        )
    )
    changes: dict[str, tuple[Any, Any]] = {"comment": (None, kind.value)}
    if kind is CommentKind.REPLY and not from_requester and ticket.first_response_at is None:
        ticket.first_response_at = now
        changes["first_response_at"] = (None, now.isoformat())
        record_activity(
            s,
            entity_type="ticket",
            entity_id=ticket_id,
            actor_id=actor,
            field="first_response_at",
            old=None,
            new=now.isoformat(),
            at=now,
        )
    if from_requester and ticket.status == TicketStatus.RESOLVED.value:
        changes["status"] = (TicketStatus.RESOLVED.value, TicketStatus.OPEN.value)
        ticket.status = TicketStatus.OPEN.value
        ticket.resolved_at = None
        record_activity(
            s,
            entity_type="ticket",
            entity_id=ticket_id,
            actor_id=actor,
            field="status",
            old=TicketStatus.RESOLVED.value,
            new=TicketStatus.OPEN.value,
            at=now,
            note="reopened by the requester's reply",
        )
    ticket.updated_at = now
    record_activity(
        s,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field=kind.value,
        old=None,
        new=text[:80],
        at=now,
    )
    mutation = record_mutation(
        s,
        op=Op.TICKET_COMMENT,
        entity_type="ticket",
        entity_id=ticket_id,
        payload={
            "comment": {
                "id": comment_id,
                "ticket_id": ticket_id,
                "kind": kind.value,
                "author_id": author,
                "from_requester": from_requester,
                "body": text,
                "created_at": now.isoformat(),
            },
            **({"automation": automation} if automation is not None else {}),
        },
        device_time=now,
        actor_id=actor,
    )
    write = TicketWrite(
        ticket_id,
        mutation,
        changes=changes,
        comment=text,
        comment_from="requester" if from_requester else "agent",
    )
    return CommentOutcome(comment_id, write)
