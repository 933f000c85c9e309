"""A requester's own tickets: file one, read its public side, reply, rate, reopen.

Every read and write here starts from the signed-in requester and a ticket *number*; a
ticket that is not theirs (or does not exist, or was guessed) is ``None`` to the caller,
which answers 404 the same either way. What a requester sees of a ticket is its subject,
description, category, status, dates, the replies (never internal notes, work logs,
activity, assignee, priority, tags or other agent fields), and the files *they* added
(an agent's attachment carries no visibility, so it stays agent-side).

Writes go through the same appliers as a replica's push (:mod:`sync.server.push.ticket_ops`,
:mod:`sync.server.push.work_ops`) with the requester as the actor and the portal's client id,
and are stamped in the change log, so agents' replicas pull them like any change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_status import TicketStatus
from sync.errors import OutpostError, ValidationError
from sync.ids import new_id
from sync.protocol.payloads import TicketComment, TicketCreate, TicketUpdate
from sync.server.core.access import Caller
from sync.server.core.versioning import stamp
from sync.server.db.database import Database
from sync.server.db.models import Attachment, Comment, Person, Queue, Ticket
from sync.server.db.state_models import Blob, BlobChunk
from sync.server.portal.portal_models import PortalDeflection, PortalRating
from sync.server.portal.portal_ratings import MAX_RATING_COMMENT, store_rating
from sync.server.portal.portal_settings import PortalSettings
from sync.server.push.apply_context import ApplyContext
from sync.server.push.ticket_ops import apply_ticket_create, apply_ticket_update
from sync.server.push.work_ops import apply_ticket_comment

__all__ = [
    "PORTAL_CLIENT_ID",
    "PortalError",
    "PublicFile",
    "PublicReply",
    "PublicTicket",
    "Upload",
    "add_reply",
    "create_request",
    "file_bytes",
    "my_ticket",
    "my_tickets",
    "portal_categories",
    "rate",
    "record_deflection",
    "reopen",
]

#: ``origin_client_id`` of tickets the portal creates (no device made them).
PORTAL_CLIENT_ID = "00000000-0000-4000-8000-00000000a0b1"
_CHUNK = 1024 * 1024
_DONE = (TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value)


class PortalError(Exception):
    """A request the requester can correct (shown to them as is)."""


@dataclass(frozen=True)
class Upload:
    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class PublicReply:
    from_requester: bool
    author: str
    body: str
    at: datetime


@dataclass(frozen=True)
class PublicFile:
    id: str
    filename: str
    size: int


@dataclass(frozen=True)
class PublicTicket:
    number: int
    subject: str
    description: str
    category: str
    status: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str
    replies: tuple[PublicReply, ...] = ()
    files: tuple[PublicFile, ...] = ()
    rating: int | None = None
    rating_comment: str = ""

    @property
    def done(self) -> bool:
        return self.status in _DONE


def _portal_queue(s: Session, settings: PortalSettings) -> Queue:
    queue = (
        s.execute(select(Queue).where(Queue.name == settings.queue)).scalar_one_or_none()
        if settings.queue
        else None
    )
    if queue is None:
        raise PortalError("Requests cannot be submitted here yet; please contact the help desk.")
    return queue


def portal_categories(db: Database, settings: PortalSettings) -> list[str]:
    """The portal queue's categories (newline-separated in the queue), [] if none or no queue."""
    with db.read_session() as s:
        try:
            queue = _portal_queue(s, settings)
        except PortalError:
            return []
        return [c.strip() for c in queue.categories.splitlines() if c.strip()]


def _caller(person: Person, queue_ids: frozenset[str]) -> Caller:
    # The portal acts for the requester with authority over the ticket it already checked is
    # theirs (admin scope: the ticket may have moved to any queue since).
    return Caller(
        user_id=person.id,
        username="",
        name=person.name,
        role="admin",
        knowledge_manager=False,
        queue_ids=queue_ids,
        client_id=PORTAL_CLIENT_ID,
    )


def _own(s: Session, person_id: str, number: int, *, lock: bool = False) -> Ticket | None:
    if not 0 < number < 2**62:
        return None
    query = select(Ticket).where(Ticket.number == number, Ticket.requester_id == person_id)
    if lock:
        query = query.with_for_update()
    return s.execute(query).scalar_one_or_none()


def _store_file(ctx: ApplyContext, ticket_id: str, upload: Upload, person_id: str, now: datetime) -> None:
    s = ctx.session
    sha = hashlib.sha256(upload.data).hexdigest()
    if s.get(Blob, sha, with_for_update=True) is None:
        s.add(Blob(sha256=sha, size=len(upload.data), uploaded_by_id=person_id, created_at=now))
        s.flush()
        for offset in range(0, max(len(upload.data), 1), _CHUNK):
            s.add(BlobChunk(sha256=sha, offset=offset, data=upload.data[offset : offset + _CHUNK]))
    attachment_id = new_id()
    name = upload.filename.replace("\x00", "").strip()[:260] or "file"
    s.add(
        Attachment(
            id=attachment_id,
            ticket_id=ticket_id,
            sha256=sha,
            filename=name,
            size=len(upload.data),
            mime_type=upload.mime_type[:120] or "application/octet-stream",
            added_by_id=person_id,
            added_at=now,
        )
    )
    ctx.touched.add("attachments", attachment_id, ticket_id)
    ctx.activity("ticket", ticket_id, "attachment", None, name)


def _check_files(files: list[Upload], settings: PortalSettings) -> None:
    for f in files:
        if len(f.data) > settings.attachment_max_bytes:
            limit = settings.attachment_max_bytes / 1_048_576
            raise PortalError(f"{f.filename} is larger than the {limit:g} MB limit; nothing was sent.")


def _finish(ctx: ApplyContext) -> None:
    result = stamp(ctx.session, ctx.touched)
    for ticket_id, number in result.numbers.items():
        target = ctx.session.get(Ticket, ticket_id)
        assert target is not None
        target.number = number


def _clean(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n")


def create_request(
    db: Database,
    person_id: str,
    settings: PortalSettings,
    subject: str,
    description: str,
    category: str,
    files: list[Upload],
    now: datetime,
) -> int:
    """File a request in the portal's queue; return its number. Raises PortalError."""
    subject = _clean(subject).strip()
    if not subject:
        raise PortalError("Please give your request a subject.")
    if len(subject) > 300:
        raise PortalError("The subject is too long (300 characters at most).")
    description = _clean(description)
    if len(description) > 100_000:
        raise PortalError("The description is too long (100,000 characters at most).")
    _check_files(files, settings)
    with db.write_session() as s:
        queue = _portal_queue(s, settings)
        categories = [c.strip() for c in queue.categories.splitlines() if c.strip()]
        if category and category not in categories:
            raise PortalError("Please choose a category from the list.")
        person = s.get(Person, person_id)
        if person is None:
            raise PortalError("You are no longer signed in.")
        ctx = ApplyContext(s, _caller(person, frozenset({queue.id})), PORTAL_CLIENT_ID, now)
        ticket_id = new_id()
        payload = TicketCreate.model_validate(
            {
                "ticket": {
                    "id": ticket_id,
                    "subject": subject,
                    "description": description,
                    "category": category,
                    "queue_id": queue.id,
                    "requester_id": person.id,
                    "created_at": now,
                    "channel": TicketChannel.PORTAL.value,
                }
            }
        )
        apply_ticket_create(ctx, payload)
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        for f in files:
            _store_file(ctx, ticket_id, f, person.id, now)
        _finish(ctx)
        assert ticket.number is not None
        return ticket.number


def my_tickets(db: Database, person_id: str) -> list[PublicTicket]:
    """The requester's tickets, newest first (without their conversation)."""
    with db.read_session() as s:
        rows = s.execute(
            select(Ticket)
            .where(Ticket.requester_id == person_id, Ticket.number.is_not(None))
            .order_by(Ticket.created_at.desc())
            .limit(500)
        ).scalars()
        return [_public(t) for t in rows]


def _public(
    t: Ticket, replies: tuple[PublicReply, ...] = (), files: tuple[PublicFile, ...] = ()
) -> PublicTicket:
    assert t.number is not None
    return PublicTicket(
        number=t.number,
        subject=t.subject,
        description=t.description,
        category=t.category,
        status=t.status,
        created_at=t.created_at,
        resolved_at=t.resolved_at,
        resolution=t.resolution,
        replies=replies,
        files=files,
    )


def my_ticket(db: Database, person_id: str, number: int) -> PublicTicket | None:
    """The requester's ticket with its public conversation and their files, else None."""
    with db.read_session() as s:
        t = _own(s, person_id, number)
        if t is None:
            return None
        comments = s.execute(
            select(Comment, Person.name)
            .outerjoin(Person, Person.id == Comment.author_id)
            .where(Comment.ticket_id == t.id, Comment.kind == "reply")
            .order_by(Comment.created_at, Comment.id)
        ).all()
        replies = tuple(
            PublicReply(
                c.from_requester, "You" if c.from_requester else (name or "Help desk"), c.body, c.created_at
            )
            for c, name in comments
        )
        files = tuple(
            PublicFile(a.id, a.filename, a.size)
            for a in s.execute(
                select(Attachment)
                .where(Attachment.ticket_id == t.id, Attachment.added_by_id == person_id)
                .order_by(Attachment.added_at, Attachment.id)
            ).scalars()
        )
        rating = s.get(PortalRating, t.id)
        public = _public(t, replies, files)
        if rating is not None:
            public = PublicTicket(
                **{**public.__dict__, "rating": rating.score, "rating_comment": rating.comment}
            )
        return public


def file_bytes(
    db: Database, person_id: str, number: int, attachment_id: str
) -> tuple[str, str, bytes] | None:
    """``(filename, mime type, bytes)`` of a file the requester added to their ticket, else None."""
    if len(attachment_id) > 36:
        return None
    with db.read_session() as s:
        t = _own(s, person_id, number)
        a = s.get(Attachment, attachment_id)
        if t is None or a is None or a.ticket_id != t.id or a.added_by_id != person_id:
            return None
        chunks = s.execute(
            select(BlobChunk.data).where(BlobChunk.sha256 == a.sha256).order_by(BlobChunk.offset)
        ).scalars()
        return a.filename, a.mime_type, b"".join(chunks)


def add_reply(
    db: Database,
    person_id: str,
    number: int,
    body: str,
    files: list[Upload],
    settings: PortalSettings,
    now: datetime,
) -> bool:
    """The requester's reply (and files) on their ticket; False if it is not theirs.

    A reply reopens a resolved ticket (the lifecycle's rule) within ``reopen_days`` of its
    resolution; later, and on a closed ticket, it is refused (a new request instead).
    """
    body = _clean(body).strip()
    if not body and not files:
        raise PortalError("Please write a message or add a file.")
    if len(body) > 100_000:
        raise PortalError("The message is too long (100,000 characters at most).")
    _check_files(files, settings)
    with db.write_session() as s:
        t = _own(s, person_id, number, lock=True)
        person = s.get(Person, person_id)
        if t is None or person is None:
            return False
        if t.status == TicketStatus.CLOSED.value:
            raise PortalError("This request is closed; please submit a new one.")
        if _past_reopen_window(t, settings, now):
            raise PortalError(
                f"This request was resolved more than {settings.reopen_days} days ago; "
                "please submit a new one."
            )
        ctx = ApplyContext(s, _caller(person, frozenset({t.queue_id})), PORTAL_CLIENT_ID, now)
        if body:
            payload = TicketComment.model_validate(
                {
                    "comment": {
                        "id": new_id(),
                        "ticket_id": t.id,
                        "kind": "reply",
                        "from_requester": True,
                        "body": body,
                        "created_at": now,
                    }
                }
            )
            apply_ticket_comment(ctx, payload)
        for f in files:
            _store_file(ctx, t.id, f, person_id, now)
        _finish(ctx)
        return True


def rate(db: Database, person_id: str, number: int, score: int, comment: str, now: datetime) -> bool:
    """Record (or replace) the requester's rating of their resolved ticket; False if not theirs."""
    if not 1 <= score <= 5:
        raise PortalError("Please choose a rating from 1 to 5.")
    comment = _clean(comment).strip()
    if len(comment) > MAX_RATING_COMMENT:
        raise PortalError(f"The comment is too long ({MAX_RATING_COMMENT:,} characters at most).")
    with db.write_session() as s:
        t = _own(s, person_id, number)
        if t is None:
            return False
        if t.status not in _DONE:
            raise PortalError("You can rate a request once it is resolved.")
        store_rating(s, t, person_id, score, comment, now)
        return True


def _past_reopen_window(t: Ticket, settings: PortalSettings, now: datetime) -> bool:
    """A resolved ticket whose resolution is older than ``reopen_days`` (a reply would reopen it)."""
    if t.status != TicketStatus.RESOLVED.value:
        return False
    return t.resolved_at is None or now - t.resolved_at > timedelta(days=settings.reopen_days)


def reopen(
    db: Database, person_id: str, number: int, reason: str, settings: PortalSettings, now: datetime
) -> bool:
    """Reopen the requester's resolved ticket within ``reopen_days`` of its resolution."""
    reason = _clean(reason).strip()
    if not reason:
        raise PortalError("Please say what is still wrong.")
    with db.write_session() as s:
        t = _own(s, person_id, number, lock=True)
        person = s.get(Person, person_id)
        if t is None or person is None:
            return False
        if t.status != TicketStatus.RESOLVED.value or _past_reopen_window(t, settings, now):
            raise PortalError(
                f"A request can be reopened within {settings.reopen_days} days of its resolution; "
                "please submit a new one."
            )
        ctx = ApplyContext(s, _caller(person, frozenset({t.queue_id})), PORTAL_CLIENT_ID, now)
        try:
            apply_ticket_update(
                ctx,
                TicketUpdate.model_validate(
                    {
                        "ticket_id": t.id,
                        "changes": {"status": TicketStatus.OPEN.value},
                        "base": {"status": t.status},
                        "reason": "reopened by the requester in the portal",
                    }
                ),
            )
            apply_ticket_comment(
                ctx,
                TicketComment.model_validate(
                    {
                        "comment": {
                            "id": new_id(),
                            "ticket_id": t.id,
                            "kind": "reply",
                            "from_requester": True,
                            "body": reason[:100_000],
                            "created_at": now,
                        }
                    }
                ),
            )
        except (OutpostError, ValidationError) as exc:
            raise PortalError(exc.message) from exc
        _finish(ctx)
        return True


def record_deflection(db: Database, person_id: str, article_id: str, subject: str, now: datetime) -> None:
    """ "This solved it": counted for the reports, no ticket made."""
    with db.write_session() as s:
        s.add(
            PortalDeflection(
                id=new_id(), person_id=person_id, article_id=article_id, subject=_clean(subject)[:300], at=now
            )
        )
