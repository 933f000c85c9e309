"""The outbox: replies and notices composed once, sent over SMTP with retries and backoff.

Queuing
    :func:`queue_notice` (acknowledgement, resolution notice) and :func:`queue_pending_replies`
    (agents' public replies on mail tickets, however late they were synced) add one row per
    ``dedup_key`` (``ack:<ticket>``, ``reply:<comment>``, ``resolved:<ticket>:<time>``),
    unique in the database: queuing twice, or from two processes, adds one row. The
    Message-ID is fixed when queued; the message is composed (threaded to the mail before
    it) at its first attempt and stored, so every retry sends the very same bytes, and
    queuing inside intake's transaction stays cheap. Internal notes are never queued: only
    ``reply`` comments by agents.

Sending (:func:`send_due`)
    A due row is *claimed* first (attempts + 1, next attempt pushed past a lease) in its own
    transaction, so two processes never send it at the same time; then sent; then marked
    ``sent``. A failed attempt is retried after 1, 5, 30, 120 minutes; after
    :data:`MAX_ATTEMPTS` the row is ``failed`` and an internal note on the ticket says why,
    so the agent sees it in the app after the next sync. A crash between the SMTP answer and
    the mark leaves a claimed row that is sent again after the lease, with the same
    Message-ID (receivers and clients treat it as the same message).

Files with a reply
    A reply that names attachments of its own ticket (``[name](outpost:attachment/<id>)``,
    :mod:`sync.domain.attachment_refs`: the desktop's "Send job sheet") is composed with
    those files attached and each link replaced by the file's name. Together they may
    weigh at most :data:`MAX_MAIL_FILES_BYTES`; a file that would pass it is left out, the
    mail says so in its place, and an internal note on the ticket tells the agent. A file
    whose bytes have not reached the server yet delays the mail (its row stays pending,
    retried every minute, no attempt counted) for up to :data:`FILE_WAIT`; after that it
    goes without the file, with the same note.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy

from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.domain.attachment_refs import attachment_refs, replace_attachment_links
from sync.ids import new_id
from sync.mail.compose import DEFAULT_TEMPLATES, MailFile, MailTemplate, Outgoing, compose, new_message_id
from sync.server.core.access import Caller
from sync.server.core.versioning import stamp
from sync.server.db.database import Database
from sync.server.db.models import Attachment, Comment, Person, Queue, Ticket
from sync.server.db.state_models import Blob, BlobChunk
from sync.server.mail import mail_store
from sync.server.mail.mail_models import Mailbox, MailMessage, MailOutbox, MailTemplateRow, MailThreadRef
from sync.server.portal.portal_ratings import rating_link_paths
from sync.server.portal.portal_settings import load_portal_settings
from sync.server.push.apply_context import ApplyContext

__all__ = [
    "FILE_WAIT",
    "MAX_ATTEMPTS",
    "MAX_MAIL_FILES_BYTES",
    "SendReport",
    "Sender",
    "mark_bounced",
    "queue_notice",
    "queue_pending_replies",
    "send_due",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
_LEASE = timedelta(minutes=10)
#: The most a reply's files may weigh together (many mail servers refuse 20-25 MB messages,
#: and base64 adds a third).
MAX_MAIL_FILES_BYTES = 10 * 1024 * 1024
#: How long a reply waits for a named file's bytes to reach the server before going without.
FILE_WAIT = timedelta(hours=24)
_FILE_RETRY = timedelta(minutes=1)


class _FilesNotHere(Exception):
    """A file the reply names has not been uploaded yet: try again later."""

#: Sends one message: (mailbox, envelope sender, recipient, message bytes); raises on failure.
Sender = Callable[[Mailbox, str, str, bytes], None]


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int


def _thread_times(s: Session, ticket_id: str) -> list[tuple[datetime, str]]:
    inbound = s.execute(
        select(MailMessage.received_at, MailMessage.message_id).where(
            MailMessage.ticket_id == ticket_id, MailMessage.message_id != ""
        )
    ).all()
    outbound = s.execute(
        select(MailOutbox.created_at, MailOutbox.message_id).where(MailOutbox.ticket_id == ticket_id)
    ).all()
    return sorted([(t, m) for t, m in [*inbound, *outbound]], key=lambda r: r[0])


def _template(s: Session, queue_id: str, kind: str) -> MailTemplate:
    row = s.get(MailTemplateRow, (queue_id, kind))
    if row is None:
        return DEFAULT_TEMPLATES[kind]
    return MailTemplate(subject=row.subject, text=row.text, html=row.html)


def _enqueue(s: Session, ticket: Ticket, kind: str, dedup_key: str, now: datetime) -> bool:
    """Record one mail to send (its Message-ID fixed now; composed when first sent)."""
    if s.execute(select(MailOutbox.id).where(MailOutbox.dedup_key == dedup_key)).first():
        return False
    mailbox = s.execute(
        select(Mailbox).where(Mailbox.queue_id == ticket.queue_id, Mailbox.enabled.is_(True)).limit(1)
    ).scalar_one_or_none()
    requester = s.get(Person, ticket.requester_id) if ticket.requester_id else None
    if mailbox is None or requester is None or "@" not in requester.email or ticket.number is None:
        return False
    message_id = new_message_id(mailbox.address, ticket.number)
    try:
        with s.begin_nested():
            s.add(
                MailOutbox(
                    id=new_id(),
                    dedup_key=dedup_key,
                    ticket_id=ticket.id,
                    kind=kind,
                    mailbox_id=mailbox.id,
                    to_address=requester.email,
                    message_id=message_id,
                    raw=b"",
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    last_error="",
                    created_at=now,
                    sent_at=None,
                )
            )
            s.add(MailThreadRef(message_id=message_id, ticket_id=ticket.id))
            s.flush()
    except IntegrityError:
        return False  # another process queued it first
    return True


def _compose_row(s: Session, row: MailOutbox, mailbox: Mailbox, now: datetime) -> bytes:
    """The message of an outbox row, as of its queuing: threaded to the mail before it.
    Raises :class:`_FilesNotHere` when a file the reply names is still on its way."""
    ticket = s.get(Ticket, row.ticket_id)
    if ticket is None or ticket.number is None:
        raise ValueError("the ticket of this mail is gone")
    requester = s.get(Person, ticket.requester_id) if ticket.requester_id else None
    queue = s.get(Queue, ticket.queue_id)
    body = agent_name = ""
    files: tuple[MailFile, ...] = ()
    if row.kind == "reply":
        comment = s.get(Comment, row.dedup_key.removeprefix("reply:"))
        author = s.get(Person, comment.author_id) if comment and comment.author_id else None
        body, agent_name = (comment.body if comment else ""), (author.name if author else "")
        body, files = _reply_files(s, ticket, row, body, now)
    elif row.kind == "resolved":
        body = ticket.resolution
    earlier = [(t, m) for t, m in _thread_times(s, ticket.id) if t <= row.created_at and m != row.message_id]
    inbound = s.execute(
        select(MailMessage.message_id)
        .where(
            MailMessage.ticket_id == ticket.id,
            MailMessage.message_id != "",
            MailMessage.received_at <= row.created_at,
        )
        .order_by(MailMessage.received_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    name = requester.name if requester else ""
    rating_urls: tuple[str, ...] = ()
    if row.kind == "resolved" and requester is not None:
        base = load_portal_settings(s).base_url.rstrip("/")
        if base:  # the portal is reachable: one-click rating links (portal_ratings)
            paths = rating_link_paths(s, ticket.id, row.id, row.created_at)
            rating_urls = tuple(base + paths[score] for score in range(1, 6))
    out = Outgoing(
        kind=row.kind,
        from_name=queue.name if queue else "",
        from_address=mailbox.address,
        to_name=name,
        to_address=row.to_address,
        ticket_number=ticket.number,
        subject=ticket.subject,
        values={
            "requester_name": name,
            "queue_name": queue.name if queue else "",
            "body": body,
            "agent_name": agent_name,
        },
        message_id=row.message_id,
        in_reply_to=inbound or "",
        references=tuple(m for _t, m in earlier),
        date=row.created_at,
        files=files,
        rating_urls=rating_urls,
    )
    # CRLF line ends (policy.SMTP): SMTP servers refuse bare-LF lines over 1,000 bytes.
    return compose(out, _template(s, ticket.queue_id, row.kind)).as_bytes(policy=policy.SMTP)


def _reply_files(
    s: Session, ticket: Ticket, row: MailOutbox, body: str, now: datetime
) -> tuple[str, tuple[MailFile, ...]]:
    """The reply's text with its attachment links replaced, and the files to attach (see
    "Files with a reply" in the module docstring)."""
    ids = attachment_refs(body)
    if not ids:
        return body, ()
    found = {
        a.id: a
        for a in s.execute(
            select(Attachment).where(Attachment.id.in_(ids), Attachment.ticket_id == ticket.id)
        ).scalars()
    }  # only this ticket's attachments: a reply cannot mail another ticket's files
    waited_out = now - _aware(row.created_at) >= FILE_WAIT
    if not waited_out and any(s.get(Blob, a.sha256) is None for a in found.values()):
        raise _FilesNotHere()
    files: list[MailFile] = []
    left_out: dict[str, str] = {}  # attachment id -> why
    total = 0
    for attachment_id in ids:
        a = found.get(attachment_id)
        if a is None:
            continue
        if s.get(Blob, a.sha256) is None:
            left_out[a.id] = "it never reached the server"
        elif total + a.size > MAX_MAIL_FILES_BYTES:
            left_out[a.id] = (
                f"it is too large to send by mail ({_megabytes(a.size)}; "
                f"the limit is {_megabytes(MAX_MAIL_FILES_BYTES)} per mail)"
            )
        else:
            files.append(MailFile(a.filename, a.mime_type, _blob_bytes(s, a.sha256)))
            total += a.size

    def text_for(attachment_id: str, title: str) -> str:
        a = found.get(attachment_id)
        if a is None:
            return title
        if a.id in left_out:
            return f"{a.filename} (not attached: {_mail_reason(left_out[a.id])})"
        return f"{a.filename} (attached)"

    text = replace_attachment_links(body, text_for)
    if left_out:
        names = "; ".join(f"{found[i].filename}: {why}" for i, why in left_out.items())
        _system_note(
            s,
            ticket.id,
            f"The reply mailed to {row.to_address} went without a file it names. {names}. "
            "Send the file another way if the requester needs it.",
            now,
        )
    return text, tuple(files)


def _mail_reason(why: str) -> str:
    if why.startswith("it is too large"):
        return "too large to send by mail; ask us for a copy"
    return "ask us for a copy"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _blob_bytes(s: Session, sha256: str) -> bytes:
    chunks = s.execute(
        select(BlobChunk.data).where(BlobChunk.sha256 == sha256).order_by(BlobChunk.offset)
    ).scalars()
    return b"".join(bytes(c) for c in chunks)


def _system_note(s: Session, ticket_id: str, body: str, now: datetime) -> None:
    """An internal note by the system on the ticket (synced to the agents' devices)."""
    ctx = ApplyContext(
        s,
        Caller(user_id="", username="", name="", role="admin", knowledge_manager=False,
               queue_ids=frozenset(), client_id=""),
        "",
        now,
    )  # fmt: skip
    mail_store.add_note(ctx, ticket_id, body, now)
    stamp(s, ctx.touched)


def queue_notice(s: Session, ticket: Ticket, kind: str, now: datetime) -> bool:
    """Queue the acknowledgement (``ack``) or resolution notice (``resolved``) of a ticket."""
    if kind == "resolved":
        stamp_text = ticket.resolved_at.isoformat() if ticket.resolved_at else ""
        return _enqueue(s, ticket, kind, f"resolved:{ticket.id}:{stamp_text}", now)
    return _enqueue(s, ticket, kind, f"ack:{ticket.id}", now)


def _mail_ticket() -> object:
    return exists().where(and_(MailMessage.ticket_id == Ticket.id, MailMessage.outcome == "ticketed"))


def queue_pending_replies(db: Database, now: datetime | None = None) -> int:
    """Queue every agent's public reply and resolution on a mail ticket not yet queued.

    Replies written offline and synced later are found the same way: by their absence
    from the outbox, not by their time. Returns how many mails were queued.
    """
    now = now or datetime.now(UTC)
    queued = 0
    with db.write_session() as s:
        replies = s.execute(
            select(Comment, Ticket)
            .join(Ticket, Ticket.id == Comment.ticket_id)
            .where(
                Comment.kind == "reply",
                Comment.from_requester.is_(False),
                Comment.author_id.is_not(None),
                _mail_ticket(),  # type: ignore[arg-type]
                ~exists().where(MailOutbox.dedup_key == "reply:" + Comment.id),
            )
            .order_by(Comment.created_at)
        ).all()
        for comment, ticket in replies:
            author = s.get(Person, comment.author_id) if comment.author_id else None
            if author is None or author.role == "requester":
                continue
            queued += _enqueue(s, ticket, "reply", f"reply:{comment.id}", now)
        resolved = s.execute(
            select(Ticket).where(
                Ticket.status == "resolved",
                Ticket.resolved_at.is_not(None),
                _mail_ticket(),  # type: ignore[arg-type]
            )
        ).scalars()
        for ticket in resolved:
            queued += queue_notice(s, ticket, "resolved", now)
    return queued


def mark_bounced(s: Session, message_ids: Iterable[str], reason: str) -> None:
    """A bounce returned one of our messages: the outbox row is failed with the reason."""
    for message_id in message_ids:
        row = s.execute(select(MailOutbox).where(MailOutbox.message_id == message_id)).scalar_one_or_none()
        if row is not None:
            row.status, row.last_error = "failed", reason[:2000]


def send_due(db: Database, send: Sender, now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send what is due (see the module docstring). Never raises for a failed send."""
    now = now or datetime.now(UTC)
    sent = retrying = failed = 0
    with db.snapshot_session() as s:
        due = list(
            s.execute(
                select(MailOutbox.id)
                .where(MailOutbox.status == "pending", MailOutbox.next_attempt_at <= now)
                .order_by(MailOutbox.next_attempt_at)
                .limit(limit)
            ).scalars()
        )
    for row_id in due:
        claimed = _claim(db, row_id, now)
        if claimed is None:
            continue
        row, mailbox = claimed
        try:
            send(mailbox, mailbox.address, row.to_address, row.raw)
        except Exception as exc:  # any SMTP or network failure: retried, then reported
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning(
                "mail outbox: sending %s failed (attempt %d): %s", row.kind, row.attempts, type(exc).__name__
            )
            if _failed_attempt(db, row_id, error, now):
                failed += 1
            else:
                retrying += 1
            continue
        with db.write_session() as s:
            done = s.get(MailOutbox, row_id, with_for_update=True)
            if done is not None:
                done.status, done.sent_at, done.last_error = "sent", now, ""
        sent += 1
    return SendReport(sent, retrying, failed)


def _claim(db: Database, row_id: str, now: datetime) -> tuple[MailOutbox, Mailbox] | None:
    with db.write_session() as s:
        row = s.get(MailOutbox, row_id, with_for_update=True)
        if row is None or row.status != "pending" or row.next_attempt_at > now:
            return None  # another process claimed or finished it
        mailbox = s.get(Mailbox, row.mailbox_id)
        if mailbox is None:
            row.status, row.last_error = "failed", "the queue's mailbox was removed"
            return None
        if not row.raw:
            try:
                row.raw = _compose_row(s, row, mailbox, now)
            except _FilesNotHere:
                row.next_attempt_at, row.last_error = now + _FILE_RETRY, "waiting for a file to upload"
                return None
            except ValueError as exc:
                row.status, row.last_error = "failed", str(exc)
                return None
        row.attempts += 1
        row.next_attempt_at = now + _LEASE
        s.flush()
        s.expunge(row)
        s.expunge(mailbox)
        return row, mailbox


def _failed_attempt(db: Database, row_id: str, error: str, now: datetime) -> bool:
    """Schedule the retry, or give up; True when the row is now failed for good."""
    with db.write_session() as s:
        row = s.get(MailOutbox, row_id, with_for_update=True)
        if row is None:
            return False
        row.last_error = error
        if row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + _BACKOFF[min(row.attempts - 1, len(_BACKOFF) - 1)]
            return False
        row.status = "failed"
        ticket = s.get(Ticket, row.ticket_id, with_for_update=True)
        if ticket is not None:
            what = {"reply": "The reply", "ack": "The acknowledgement", "resolved": "The resolution notice"}
            _system_note(
                s,
                ticket.id,
                f"{what.get(row.kind, 'A mail')} to {row.to_address} could not be sent after "
                f"{row.attempts} attempts: {error}",
                now,
            )
        return True
