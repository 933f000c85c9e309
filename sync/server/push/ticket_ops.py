"""Applying ``ticket.create`` and ``ticket.update`` on the server.

Both run the same pure rules as the replica (``plan_ticket_update``), against the server's
current ticket and at the mutation's *device* time, so a change refused offline is refused
here and SLA timestamps are those of the work, not of the sync. ``ticket.update`` first
passes through :func:`sync.server.push.update_merge.merge_update` (the per-field conflict rules).
Merging and linking are in :mod:`sync.server.push.ticket_link_ops`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.new_ticket import new_ticket_values
from sync.domain.ticket_rules import plan_ticket_update
from sync.domain.ticket_schema import ACTIVITY_QUIET_FIELDS, SNAPSHOT_FIELDS
from sync.domain.ticket_status import TicketStatus
from sync.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from sync.protocol.payloads import TicketCreate, TicketUpdate
from sync.server.core.access import AGENT_ROLES
from sync.server.db.models import Person, Queue, Ticket
from sync.server.push.apply_context import ApplyContext, automation_note
from sync.server.push.update_merge import merge_update

__all__ = ["apply_ticket_create", "apply_ticket_update", "check_refs", "ticket_snapshot"]

def ticket_snapshot(ticket: Ticket) -> dict[str, Any]:
    """The ticket's fields as the workflow rules read them."""
    out = {name: getattr(ticket, name) for name in SNAPSHOT_FIELDS}
    out["tags"] = ticket.tags.split()
    return out


def apply_ticket_create(ctx: ApplyContext, p: TicketCreate) -> None:
    t = p.ticket
    if ctx.session.get(Ticket, t.id) is not None:
        raise ValidationError("A ticket with this id already exists.")
    if ctx.session.get(Queue, t.queue_id) is None:
        raise NotFoundError("The ticket's queue does not exist on the server.")
    if not ctx.caller.can_file_in(t.queue_id):
        raise PermissionDeniedError("You can only file tickets in queues you belong to.")
    values = new_ticket_values(
        t.model_dump(),
        now=ctx.device_time,
        priority=t.priority if t.priority_overridden else None,
        priority_reason=p.priority_reason,
    )
    check_refs(ctx.session, None, t.assignee_id, t.requester_id)
    local_number = t.local_number
    if (
        local_number is not None
        and ctx.session.execute(
            select(Ticket.id).where(
                Ticket.origin_client_id == ctx.client_id, Ticket.local_number == local_number
            )
        ).first()
    ):
        local_number = None  # a reused provisional number: keep the ticket, drop the alias
    ticket = Ticket(
        id=t.id,
        number=None,
        origin_client_id=ctx.client_id,
        local_number=local_number,
        **{name: value for name, value in values.items() if name != "tags"},
        tags=" ".join(values["tags"]),
        created_at=t.created_at,
        updated_at=t.created_at,
    )
    ctx.session.add(ticket)
    ctx.session.flush()
    ctx.touched.add("tickets", ticket.id, ticket.id)
    ctx.touched.numbering.append(ticket.id)
    ctx.activity(
        "ticket",
        ticket.id,
        "created",
        None,
        ticket.subject,
        note=p.priority_reason if ticket.priority_overridden else "",
    )


def apply_ticket_update(ctx: ApplyContext, p: TicketUpdate) -> None:
    ticket = ctx.ticket_for_update(p.ticket_id)
    if ticket.merged_into_id:
        raise TransitionError("This ticket was merged into another; change that one instead.")
    current = ticket_snapshot(ticket)
    merged = merge_update(current, p.changes.present(), p.base.present(), p.reason)
    if ticket.status == TicketStatus.CLOSED.value and set(merged.requested) - {"tags"}:
        raise TransitionError("This ticket is closed; open a follow-up ticket instead.")
    plan = plan_ticket_update(current, merged.requested, now=ctx.device_time, reason=p.reason)
    for o in merged.outcomes:
        ctx.conflict(
            o.field, yours=o.yours, server=o.server, base=o.base, resolution=o.resolution, message=o.message
        )
    if not plan:
        return
    check_refs(
        ctx.session,
        plan["queue_id"][1] if "queue_id" in plan else None,
        plan["assignee_id"][1] if "assignee_id" in plan else None,
        plan["requester_id"][1] if "requester_id" in plan else None,
    )
    if "queue_id" in plan or "assignee_id" in plan:
        ctx.touched.move(ticket.id, ticket.queue_id, ticket.assignee_id)
    _apply_plan(ctx, ticket, plan, p.reason, merged.overwritten, automation_note(p.automation))


def _apply_plan(
    ctx: ApplyContext,
    ticket: Ticket,
    plan: Mapping[str, tuple[Any, Any]],
    reason: str,
    overwritten: set[str],
    source: str,
) -> None:
    for name, (old, new) in plan.items():
        setattr(ticket, name, " ".join(new) if name == "tags" else new)
        if name in ACTIVITY_QUIET_FIELDS:
            continue
        note = reason if name in ("priority", "tier", "queue_id") else ""
        if name in overwritten:
            note = (
                note + " " if note else ""
            ) + "(overwrote a concurrent change; the previous value is kept here)"
        ctx.activity("ticket", ticket.id, name, old, new, note=" ".join(x for x in (note, source) if x))
    ticket.updated_at = max(ticket.updated_at, ctx.device_time)
    ctx.touched.add("tickets", ticket.id, ticket.id)


def check_refs(s: Session, queue_id: str | None, assignee_id: str | None, requester_id: str | None) -> None:
    """The references a change sets must exist (the assignee must be an active agent)."""
    if queue_id is not None and s.get(Queue, queue_id) is None:
        raise NotFoundError("That queue does not exist on the server.")
    if assignee_id is not None:
        agent = s.get(Person, assignee_id)
        if agent is None or agent.role not in AGENT_ROLES or not agent.active:
            raise ValidationError("Tickets can only be assigned to an active agent.")
    if requester_id is not None and s.get(Person, requester_id) is None:
        raise NotFoundError("That requester does not exist on the server.")
