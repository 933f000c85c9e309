"""Applying the append-only ops: ``ticket.comment``, ``ticket.work_log``, ``ticket.attach``.

These never conflict: each adds a record with its own client-made id. Side effects follow
the replica's rules at the device time of the work: an agent's public reply sets
``first_response_at`` (the earliest reply wins, whatever order they arrive in) and a
requester's reply reopens a resolved ticket. An attachment needs its blob uploaded by the
caller (or already on a ticket they can see) first; otherwise the mutation is deferred (the
push stops), not rejected (see ``blob_service``).
"""

from __future__ import annotations

from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import CommentKind
from sync.errors import ValidationError
from sync.ids import new_id
from sync.protocol.payloads import TicketAttach, TicketComment, TicketNotify, TicketWorkLog
from sync.server.db.models import Activity, Attachment, Comment, Person, WorkLog
from sync.server.db.state_models import Blob
from sync.server.push.apply_context import ApplyContext, Deferred, automation_note
from sync.server.push.blob_service import may_attach_blob

__all__ = ["apply_ticket_attach", "apply_ticket_comment", "apply_ticket_notify", "apply_ticket_work_log"]


def apply_ticket_comment(ctx: ApplyContext, p: TicketComment) -> None:
    c = p.comment
    try:
        kind = CommentKind(c.kind)
    except ValueError:
        raise ValidationError(f"A comment is a reply or a note, not {c.kind!r}.") from None
    body = c.body.strip()
    if not body:
        raise ValidationError("The message is empty.")
    if c.from_requester and kind is not CommentKind.REPLY:
        raise ValidationError("Requesters can only reply, not write internal notes.")
    ticket = ctx.ticket_for_update(c.ticket_id)
    if ctx.session.get(Comment, c.id) is not None:
        raise ValidationError("A comment with this id already exists.")
    author = ticket.requester_id if c.from_requester else ctx.caller.user_id
    ctx.session.add(
        Comment(
            id=c.id,
            ticket_id=ticket.id,
            kind=kind.value,
            author_id=author,
            from_requester=c.from_requester,
            body=body,
            created_at=c.created_at,
        )
    )
    ctx.touched.add("comments", c.id, ticket.id)
    if (
        kind is CommentKind.REPLY
        and not c.from_requester
        and (ticket.first_response_at is None or c.created_at < ticket.first_response_at)
    ):
        ctx.activity("ticket", ticket.id, "first_response_at", ticket.first_response_at, c.created_at)
        ticket.first_response_at = c.created_at
    if c.from_requester and ticket.status == TicketStatus.RESOLVED.value:
        ticket.status, ticket.resolved_at = TicketStatus.OPEN.value, None
        ctx.activity(
            "ticket",
            ticket.id,
            "status",
            TicketStatus.RESOLVED.value,
            TicketStatus.OPEN.value,
            note="reopened by the requester's reply",
        )
    ticket.updated_at = max(ticket.updated_at, ctx.device_time)
    ctx.touched.add("tickets", ticket.id, ticket.id)
    ctx.activity("ticket", ticket.id, kind.value, None, body[:80], note=automation_note(p.automation))


def apply_ticket_work_log(ctx: ApplyContext, p: TicketWorkLog) -> None:
    e = p.entry
    ticket = ctx.ticket_for_update(e.ticket_id)
    if ctx.session.get(WorkLog, e.id) is not None:
        raise ValidationError("A work log entry with this id already exists.")
    ctx.session.add(
        WorkLog(
            id=e.id,
            ticket_id=ticket.id,
            author_id=ctx.caller.user_id,
            minutes=e.minutes,
            travel_minutes=e.travel_minutes,
            note=e.note.strip(),
            parts=e.parts.strip(),
            logged_at=e.logged_at,
        )
    )
    ctx.touched.add("work_logs", e.id, ticket.id)
    ticket.updated_at = max(ticket.updated_at, ctx.device_time)
    ctx.touched.add("tickets", ticket.id, ticket.id)
    ctx.activity("ticket", ticket.id, "work_log", None, f"{e.minutes} min", note=e.note.strip()[:80])


def apply_ticket_attach(ctx: ApplyContext, p: TicketAttach) -> None:
    a = p.attachment
    ticket = ctx.ticket_for_update(a.ticket_id)
    if ctx.session.get(Attachment, a.id) is not None:
        raise ValidationError("An attachment with this id already exists.")
    # Locked so an expiry sweep cannot delete the blob while this attachment is being added.
    blob = ctx.session.get(Blob, a.sha256, with_for_update=True)
    # Knowing a hash is not holding the file: a caller who neither completed an upload of it
    # nor sees a ticket already holding it is asked to upload it, exactly as if it were missing.
    if blob is None or not may_attach_blob(ctx.session, ctx.caller, a.sha256):
        raise Deferred("blob_missing", f"Upload {a.filename} (sha256 {a.sha256[:12]}…) before this change.")
    if blob.size != a.size:
        raise ValidationError(f"{a.filename}: the uploaded file is {blob.size} bytes, not {a.size}.")
    ctx.session.add(
        Attachment(
            id=a.id,
            ticket_id=ticket.id,
            sha256=a.sha256,
            filename=a.filename,
            size=a.size,
            mime_type=a.mime_type,
            added_by_id=ctx.caller.user_id,
            added_at=a.added_at,
        )
    )
    ctx.touched.add("attachments", a.id, ticket.id)
    ticket.updated_at = max(ticket.updated_at, ctx.device_time)
    ctx.touched.add("tickets", ticket.id, ticket.id)
    ctx.activity("ticket", ticket.id, "attachment", None, a.filename)


def apply_ticket_notify(ctx: ApplyContext, p: TicketNotify) -> None:
    """Deliver a rule's notification: one activity entry per recipient, shaped as the replica
    stores them (``entity_type="notification"``, ``entity_id`` = recipient, ``field`` = ticket,
    ``old_value`` = notification id). They travel with the ticket, so the recipients' other
    devices receive them; recipients unknown to the server are skipped."""
    n = p.notification
    ticket = ctx.ticket_for_update(n.ticket_id)
    recipients = [r for r in dict.fromkeys(n.recipient_ids) if ctx.session.get(Person, r) is not None]
    if not recipients:
        return
    for person_id in recipients:
        row = Activity(
            id=new_id(),
            entity_type="notification",
            entity_id=person_id,
            actor_id=ctx.caller.user_id,
            field=ticket.id,
            old_value=n.id,
            new_value=n.message,
            note=automation_note(p.automation),
            at=n.created_at,
        )
        ctx.session.add(row)
        ctx.touched.add("activity", row.id, ticket.id)
    ctx.activity(
        "ticket",
        ticket.id,
        "notified",
        None,
        f"{len(recipients)} agent(s)",
        note=automation_note(p.automation),
    )
