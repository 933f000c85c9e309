"""Writing tickets: create, edit, status, assign, escalate, merge and link.

Each public method is one user action: one transaction that changes the ticket, appends
an activity entry per changed field and one intent mutation to the journal, refreshes the
ticket's SLA columns and runs the automation rules for the event
(:func:`~sync.services.ticket_writes.after_ticket_write`), and returns a
:class:`WriteResult`. :func:`create_in` and :func:`apply_update` are the same writes inside
a caller's unit of work, for rules, macros and templates that combine several.
Conversation, work logs and attachments are in :mod:`sync.services.ticket_work`.
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
from sync.domain.ticket_type import CommentKind, LinkKind, TicketType
from sync.errors import NotFoundError, TransitionError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import (
    Comment,
    Mutation,
    Person,
    Queue,
    ReplicaSetting,
    Ticket,
    TicketLink,
    TicketTag,
)
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_state import acting_user, load_ticket, ticket_fields
from sync.services.ticket_writes import TicketWrite, after_ticket_write

__all__ = ["NewTicket", "TicketService", "UpdateOutcome", "apply_update", "create_in"]


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


class TicketService:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def create_ticket(self, draft: NewTicket) -> WriteResult:
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            ticket, mutation = create_in(s, draft, now=now, actor=actor)
            after_ticket_write(s, [TicketWrite(ticket.id, mutation, created=True)], now=now, actor=actor)
        return WriteResult(ticket.id, ChangeSet(tickets=frozenset({ticket.id}), journal=True))

    def update_ticket(
        self, ticket_id: str, requested: Mapping[str, Any], *, reason: str | None = None
    ) -> WriteResult:
        """Change fields (see :func:`plan_ticket_update` for the rules). No-op edits write nothing."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            outcome = apply_update(s, ticket_id, requested, now=now, actor=actor, reason=reason)
            if outcome.mutation is None:
                return WriteResult(ticket_id, ChangeSet())
            after_ticket_write(
                s, [TicketWrite(ticket_id, outcome.mutation, changes=outcome.plan)], now=now, actor=actor
            )
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def change_status(self, ticket_id: str, status: str, *, resolution: str | None = None) -> WriteResult:
        requested: dict[str, Any] = {"status": status}
        if resolution is not None:
            requested["resolution"] = resolution
        return self.update_ticket(ticket_id, requested)

    def assign(self, ticket_id: str, assignee_id: str | None) -> WriteResult:
        return self.update_ticket(ticket_id, {"assignee_id": assignee_id})

    def escalate(self, ticket_id: str, *, reason: str, queue_id: str | None = None) -> WriteResult:
        """Move the ticket up one tier (and optionally to another queue), noting why.

        One transaction: the field change and the note are journaled together, so a failure
        (a full disk, say) leaves neither behind."""
        from sync.services.ticket_work import add_comment_in

        if not reason.strip():
            raise ValidationError("Escalating needs a reason for the next tier.")
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            tier = load_ticket(s, ticket_id).tier
            if tier >= 3 and queue_id is None:
                raise TransitionError(
                    "The ticket is already at tier 3; escalate it to another queue instead."
                )
            requested: dict[str, Any] = {"tier": min(tier + 1, 3), "assignee_id": None}
            if queue_id is not None:
                requested["queue_id"] = queue_id
            outcome = apply_update(s, ticket_id, requested, now=now, actor=actor, reason=reason)
            writes = []
            if outcome.mutation is not None:
                writes.append(TicketWrite(ticket_id, outcome.mutation, changes=outcome.plan))
            note = add_comment_in(
                s,
                ticket_id,
                CommentKind.NOTE,
                f"Escalated: {reason.strip()}",
                from_requester=False,
                now=now,
                actor=actor,
            )
            writes.append(note.write)
            after_ticket_write(s, writes, now=now, actor=actor)
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))

    def merge(self, source_id: str, target_id: str) -> WriteResult:
        """Merge a duplicate (source) into target: the source is closed and points at the target."""
        if source_id == target_id:
            raise ValidationError("A ticket cannot be merged into itself.")
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            source, target = load_ticket(s, source_id), load_ticket(s, target_id)
            if source.merged_into_id or target.merged_into_id:
                raise TransitionError("One of these tickets was already merged into another.")
            if target.status == TicketStatus.CLOSED.value:
                raise TransitionError("Cannot merge into a closed ticket.")
            old_status = source.status
            source.merged_into_id = target_id
            source.status = TicketStatus.CLOSED.value
            source.closed_at = now
            source.updated_at = target.updated_at = now
            s.add(
                TicketLink(
                    id=new_id(),
                    ticket_id=source_id,
                    other_id=target_id,
                    kind=LinkKind.DUPLICATE_OF.value,
                    created_at=now,
                )
            )
            for entity, text in (
                (source_id, f"Merged into {_num(target)}"),
                (target_id, f"{_num(source)} merged into this ticket"),
            ):
                s.add(
                    Comment(
                        id=new_id(),
                        ticket_id=entity,
                        kind=CommentKind.NOTE.value,
                        author_id=actor,
                        from_requester=False,
                        body=text,
                        created_at=now,
                    )
                )
            record_activity(
                s,
                entity_type="ticket",
                entity_id=source_id,
                actor_id=actor,
                field="status",
                old=old_status,
                new=source.status,
                at=now,
                note=f"merged into {_num(target)}",
            )
            record_activity(
                s,
                entity_type="ticket",
                entity_id=target_id,
                actor_id=actor,
                field="merged",
                old=None,
                new=_num(source),
                at=now,
            )
            mutation = record_mutation(
                s,
                op=Op.TICKET_MERGE,
                entity_type="ticket",
                entity_id=source_id,
                payload={"source_id": source_id, "target_id": target_id},
                device_time=now,
                actor_id=actor,
            )
            after_ticket_write(
                s,
                [
                    TicketWrite(source_id, mutation, changes={"status": (old_status, source.status)}),
                    TicketWrite(target_id, mutation, changes={"merged": (None, _num(source))}),
                ],
                now=now,
                actor=actor,
            )
        return WriteResult(source_id, ChangeSet(tickets=frozenset({source_id, target_id}), journal=True))

    def link(self, ticket_id: str, other_id: str, kind: str = LinkKind.RELATED.value) -> WriteResult:
        if ticket_id == other_id:
            raise ValidationError("A ticket cannot be linked to itself.")
        try:
            kind = LinkKind(kind).value
        except ValueError:
            raise ValidationError(f"Unknown link kind {kind!r}.") from None
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            ticket, other = load_ticket(s, ticket_id), load_ticket(s, other_id)
            exists = s.execute(
                select(TicketLink.id).where(
                    TicketLink.ticket_id == ticket_id,
                    TicketLink.other_id == other_id,
                    TicketLink.kind == kind,
                )
            ).first()
            if exists:
                raise ValidationError("These tickets are already linked that way.")
            link_id = new_id()
            s.add(TicketLink(id=link_id, ticket_id=ticket_id, other_id=other_id, kind=kind, created_at=now))
            ticket.updated_at = now
            record_activity(
                s,
                entity_type="ticket",
                entity_id=ticket_id,
                actor_id=actor,
                field="link",
                old=None,
                new=f"{kind} {_num(other)}",
                at=now,
            )
            mutation = record_mutation(
                s,
                op=Op.TICKET_LINK,
                entity_type="ticket",
                entity_id=ticket_id,
                payload={
                    "link": {
                        "id": link_id,
                        "ticket_id": ticket_id,
                        "other_id": other_id,
                        "kind": kind,
                        "created_at": _wire(now),
                    }
                },
                device_time=now,
                actor_id=actor,
            )
            after_ticket_write(
                s, [TicketWrite(ticket_id, mutation, changes={"link": (None, kind)})], now=now, actor=actor
            )
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id, other_id}), journal=True))


def create_in(s: Session, draft: NewTicket, *, now: datetime, actor: str) -> tuple[Ticket, Mutation]:
    """Create a ticket inside the caller's unit of work (no SLA refresh, no rules: the caller
    runs :func:`after_ticket_write`). Returns the ticket and its ``ticket.create`` mutation."""
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
        "changes": {k: _wire(new) for k, (_old, new) in plan.items()},
        "base": {k: _wire(old) for k, (old, _new) in plan.items()},
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


def _num(ticket: Ticket) -> str:
    return f"#{ticket.number}" if ticket.number is not None else f"L{ticket.local_number}"


def _wire(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
