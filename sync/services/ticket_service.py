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
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import CommentKind, LinkKind
from sync.errors import TransitionError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.models import Comment, TicketLink
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.directory import NewRequester, add_requester_in
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_operations import (
    NewTicket,
    TicketWrite,
    UpdateOutcome,
    add_comment_in,
    apply_update,
    create_in,
    ticket_ref,
    wire_value,
)
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import after_ticket_write

__all__ = ["NewTicket", "TicketService", "UpdateOutcome", "apply_update", "create_in"]


class TicketService:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def create_ticket(self, draft: NewTicket, *, new_requester: NewRequester | None = None) -> WriteResult:
        """Create the ticket; with ``new_requester``, add that person first and make them the
        requester, in the same transaction (a refused ticket adds nobody)."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            if new_requester is not None:
                draft = replace(draft, requester_id=add_requester_in(s, new_requester, now=now, actor=actor))
            ticket, mutation = create_in(s, draft, now=now, actor=actor)
            after_ticket_write(s, [TicketWrite(ticket.id, mutation, created=True)], now=now, actor=actor)
        changes = ChangeSet(
            tickets=frozenset({ticket.id}),
            people=new_requester is not None,
            assets=bool(draft.asset_ids) or draft.location_id is not None,
            journal=True,
        )
        return WriteResult(ticket.id, changes)

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
                (source_id, f"Merged into {ticket_ref(target)}"),
                (target_id, f"{ticket_ref(source)} merged into this ticket"),
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
                note=f"merged into {ticket_ref(target)}",
            )
            record_activity(
                s,
                entity_type="ticket",
                entity_id=target_id,
                actor_id=actor,
                field="merged",
                old=None,
                new=ticket_ref(source),
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
                    TicketWrite(target_id, mutation, changes={"merged": (None, ticket_ref(source))}),
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
                new=f"{kind} {ticket_ref(other)}",
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
                        "created_at": wire_value(now),
                    }
                },
                device_time=now,
                actor_id=actor,
            )
            after_ticket_write(
                s, [TicketWrite(ticket_id, mutation, changes={"link": (None, kind)})], now=now, actor=actor
            )
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id, other_id}), journal=True))
