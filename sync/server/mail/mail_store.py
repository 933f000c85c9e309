"""Writing what a message brings onto a ticket: requesters, attachments, notes, thread refs.

Every function here runs inside the caller's transaction and registers what it writes in
``ctx.touched`` so the change is stamped and pulled like any other.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.ids import new_id
from sync.mail.message_parse import MailPart
from sync.server.db.models import Activity, Attachment, Comment, Person
from sync.server.db.state_models import Blob, BlobChunk
from sync.server.mail.mail_models import MailThreadRef
from sync.server.push.apply_context import ApplyContext

__all__ = ["add_note", "find_or_create_requester", "remember_thread_ids", "store_part", "system_activity"]

_CHUNK = 1024 * 1024
_MAX_REF = 500


def find_or_create_requester(
    s: Session, address: str, display_name: str, now: datetime
) -> tuple[Person, bool]:
    """The person with this e-mail address (any role; case-insensitive), else a new requester.

    A new requester is named by the message's display name, or the address's local part.
    Returns the person and whether it was created.
    """
    found = s.execute(
        select(Person).where(func.lower(Person.email) == address.lower()).order_by(Person.created_at).limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found, False
    name = (display_name.strip() or address.split("@", 1)[0])[:200]
    person = Person(
        id=new_id(),
        name=name,
        username=None,
        email=address[:200],
        phone="",
        department="",
        location="",
        role="requester",
        knowledge_manager=False,
        tier=1,
        active=True,
        password_hash=None,
        created_at=now,
    )
    s.add(person)
    return person, True


def store_part(ctx: ApplyContext, ticket_id: str, part: MailPart, added_by: str | None, now: datetime) -> str:
    """Attach one part to the ticket (its bytes as a blob, shared if already stored)."""
    s = ctx.session
    sha = hashlib.sha256(part.data).hexdigest()
    if s.get(Blob, sha, with_for_update=True) is None:
        s.add(Blob(sha256=sha, size=len(part.data), uploaded_by_id=added_by, created_at=now))
        s.flush()
        for offset in range(0, max(len(part.data), 1), _CHUNK):
            s.add(BlobChunk(sha256=sha, offset=offset, data=part.data[offset : offset + _CHUNK]))
    attachment_id = new_id()
    s.add(
        Attachment(
            id=attachment_id,
            ticket_id=ticket_id,
            sha256=sha,
            filename=part.filename[:260],
            size=len(part.data),
            mime_type=part.mime_type[:120],
            added_by_id=added_by,
            added_at=now,
        )
    )
    ctx.touched.add("attachments", attachment_id, ticket_id)
    ctx.activity("ticket", ticket_id, "attachment", None, part.filename)
    return attachment_id


def add_note(ctx: ApplyContext, ticket_id: str, body: str, now: datetime) -> None:
    """An internal note by the system (no author): never mailed to the requester."""
    comment_id = new_id()
    ctx.session.add(
        Comment(
            id=comment_id,
            ticket_id=ticket_id,
            kind="note",
            author_id=None,
            from_requester=False,
            body=body,
            created_at=now,
        )
    )
    ctx.touched.add("comments", comment_id, ticket_id)


def system_activity(
    ctx: ApplyContext, ticket_id: str, name: str, value: str, note: str, now: datetime
) -> None:
    """An activity line by the mail channel itself (no person: ``actor_id`` null)."""
    row = Activity(
        id=new_id(),
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=None,
        field=name,
        old_value=None,
        new_value=value,
        note=note,
        at=now,
    )
    ctx.session.add(row)
    ctx.touched.add("activity", row.id, ticket_id)


def remember_thread_ids(s: Session, ticket_id: str, ids: list[str]) -> None:
    """Map these message ids to the ticket (ids already known keep their ticket)."""
    for message_id in dict.fromkeys(ids):
        if message_id and len(message_id) <= _MAX_REF and s.get(MailThreadRef, message_id) is None:
            s.add(MailThreadRef(message_id=message_id, ticket_id=ticket_id))
