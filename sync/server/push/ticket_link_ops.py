"""Applying ``ticket.merge`` and ``ticket.link``.

A merge closes the duplicate (source), points it at the target, links them as
``duplicate_of`` and leaves a note on both, exactly as the replica does; it is refused if
either ticket was merged already or the target is closed. Both tickets are locked in id
order, so two merges touching the same pair can never deadlock.
"""

from __future__ import annotations

from sqlalchemy import select

from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import CommentKind, LinkKind
from sync.errors import TransitionError, ValidationError
from sync.ids import new_id
from sync.protocol.payloads import TicketLinkOp, TicketMerge
from sync.server.db.models import Comment, Ticket, TicketLink
from sync.server.push.apply_context import ApplyContext

__all__ = ["apply_ticket_link", "apply_ticket_merge"]


def _pair(ctx: ApplyContext, first_id: str, second_id: str) -> tuple[Ticket, Ticket]:
    if first_id == second_id:
        raise ValidationError("A ticket cannot be merged into or linked to itself.")
    locked = {tid: ctx.ticket_for_update(tid) for tid in sorted((first_id, second_id))}
    return locked[first_id], locked[second_id]


def apply_ticket_merge(ctx: ApplyContext, p: TicketMerge) -> None:
    source, target = _pair(ctx, p.source_id, p.target_id)
    if source.merged_into_id or target.merged_into_id:
        raise TransitionError("One of these tickets was already merged into another.")
    if target.status == TicketStatus.CLOSED.value:
        raise TransitionError("Cannot merge into a closed ticket.")
    old_status = source.status
    source.merged_into_id = target.id
    source.status = TicketStatus.CLOSED.value
    source.closed_at = ctx.device_time
    for t in (source, target):
        t.updated_at = max(t.updated_at, ctx.device_time)
        ctx.touched.add("tickets", t.id, t.id)
    link = TicketLink(
        id=new_id(),
        ticket_id=source.id,
        other_id=target.id,
        kind=LinkKind.DUPLICATE_OF.value,
        created_at=ctx.device_time,
    )
    ctx.session.add(link)
    ctx.touched.add("ticket_links", link.id, source.id)
    for ticket, text in (
        (source, f"Merged into #{target.number}"),
        (target, f"#{source.number} merged into this ticket"),
    ):
        note = Comment(
            id=new_id(),
            ticket_id=ticket.id,
            kind=CommentKind.NOTE.value,
            author_id=ctx.caller.user_id,
            from_requester=False,
            body=text,
            created_at=ctx.device_time,
        )
        ctx.session.add(note)
        ctx.touched.add("comments", note.id, ticket.id)
    ctx.activity(
        "ticket", source.id, "status", old_status, source.status, note=f"merged into #{target.number}"
    )
    ctx.activity("ticket", target.id, "merged", None, f"#{source.number}")


def apply_ticket_link(ctx: ApplyContext, p: TicketLinkOp) -> None:
    link = p.link
    try:
        kind = LinkKind(link.kind).value
    except ValueError:
        raise ValidationError(f"Unknown link kind {link.kind!r}.") from None
    ticket, other = _pair(ctx, link.ticket_id, link.other_id)
    if ctx.session.get(TicketLink, link.id) is not None:
        raise ValidationError("A link with this id already exists.")
    exists = ctx.session.execute(
        select(TicketLink.id).where(
            TicketLink.ticket_id == ticket.id, TicketLink.other_id == other.id, TicketLink.kind == kind
        )
    ).first()
    if exists:
        raise ValidationError("These tickets are already linked that way.")
    ctx.session.add(
        TicketLink(id=link.id, ticket_id=ticket.id, other_id=other.id, kind=kind, created_at=link.created_at)
    )
    ticket.updated_at = max(ticket.updated_at, ctx.device_time)
    ctx.touched.add("ticket_links", link.id, ticket.id)
    ctx.touched.add("tickets", ticket.id, ticket.id)
    ctx.activity("ticket", ticket.id, "link", None, f"{kind} #{other.number}")
