"""The standalone office's outbox: acknowledgements, replies and resolution notices, sent over
SMTP with retries and backoff, each exactly one message.

Queuing
    :func:`queue_notice` (inside intake's transaction) and :func:`queue_pending_replies`
    (agents' public replies and resolutions on e-mail tickets, however long ago they were
    written: replies typed while offline are found by their absence from the outbox, not by
    their time) add one row per ``dedup_key`` (``ack:<ticket>``, ``reply:<comment>``,
    ``resolved:<ticket>:<time>``), unique in the replica. The Message-ID is fixed when queued
    and recorded as a thread reference, so the requester's answer threads back. Only
    ``reply`` comments by agents are queued: internal notes are never mailed.

Sending (:func:`send_due`)
    A due row is claimed first (attempts + 1, next attempt pushed past a lease) in its own
    transaction, so the app and an ``outpost mail run`` never send it at the same time; the
    message is composed at the first claim (threaded to the mail before it) and stored, so
    every retry sends the same bytes; then it is sent, then marked ``sent``. A failure is
    retried after 1, 5, 30, 120 minutes; after :data:`MAX_ATTEMPTS` the row is ``failed``
    and an internal note on the ticket says why. A crash between the SMTP answer and the
    mark sends it once more after the lease, with the same Message-ID.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from sync.domain.ticket_type import CommentKind
from sync.ids import new_id
from sync.mail.compose import Outgoing, compose, new_message_id
from sync.office_mail.mailbox_settings import OfficeMailbox
from sync.replica.models import Comment, Person, Queue, Ticket
from sync.replica.office_mail_models import OfficeMailMessage, OfficeMailOutbox, OfficeMailThreadRef
from sync.replica.replica import Replica
from sync.services.ticket_operations import add_comment_in
from sync.services.ticket_state import acting_user
from sync.services.ticket_writes import after_ticket_write

__all__ = [
    "MAX_ATTEMPTS",
    "SendReport",
    "Sender",
    "mark_bounced",
    "queue_notice",
    "queue_pending_replies",
    "send_due",
    "ticket_token_number",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
_LEASE = timedelta(minutes=10)

#: Sends one message: (envelope sender, recipient, message bytes); raises on failure.
Sender = Callable[[str, str, bytes], None]


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def ticket_token_number(ticket: Ticket) -> int:
    """The number the ``[#N]`` subject token carries: the server's, else this replica's own."""
    return ticket.number if ticket.number is not None else ticket.local_number


def _enqueue(
    s: Session, ticket: Ticket, kind: str, dedup_key: str, box: OfficeMailbox, now: datetime
) -> bool:
    if s.execute(select(OfficeMailOutbox.id).where(OfficeMailOutbox.dedup_key == dedup_key)).first():
        return False
    requester = s.get(Person, ticket.requester_id) if ticket.requester_id else None
    if requester is None or "@" not in requester.email:
        return False
    message_id = new_message_id(box.address, ticket_token_number(ticket))
    s.add(
        OfficeMailOutbox(
            id=new_id(), dedup_key=dedup_key, ticket_id=ticket.id, kind=kind, to_address=requester.email,
            message_id=message_id, raw=b"", status="pending", attempts=0, next_attempt_at=now,
            last_error="", created_at=now, sent_at=None,
        )
    )  # fmt: skip
    s.add(OfficeMailThreadRef(message_id=message_id, ticket_id=ticket.id))
    s.flush()
    return True


def queue_notice(s: Session, ticket: Ticket, kind: str, box: OfficeMailbox, now: datetime) -> bool:
    """Queue the acknowledgement (``ack``) or resolution notice (``resolved``) of a ticket."""
    if kind == "resolved":
        when = ticket.resolved_at.isoformat() if ticket.resolved_at else ""
        return _enqueue(s, ticket, kind, f"resolved:{ticket.id}:{when}", box, now)
    return _enqueue(s, ticket, kind, f"ack:{ticket.id}", box, now)


def _mail_ticket() -> object:
    return exists().where(
        and_(OfficeMailMessage.ticket_id == Ticket.id, OfficeMailMessage.outcome == "ticketed")
    )


def queue_pending_replies(replica: Replica, box: OfficeMailbox) -> int:
    """Queue every agent's public reply and every resolution on an e-mail ticket not yet queued."""
    now = replica.clock()
    queued = 0
    with replica.write() as s:
        rows = s.execute(
            select(Comment, Ticket)
            .join(Ticket, Ticket.id == Comment.ticket_id)
            .join(Person, Person.id == Comment.author_id)
            .where(
                Comment.kind == CommentKind.REPLY.value,
                Comment.from_requester.is_(False),
                Person.role != "requester",
                _mail_ticket(),  # type: ignore[arg-type]
                ~exists().where(OfficeMailOutbox.dedup_key == "reply:" + Comment.id),
            )
            .order_by(Comment.created_at)
        ).all()
        for comment, ticket in rows:
            queued += _enqueue(s, ticket, "reply", f"reply:{comment.id}", box, now)
        resolved = s.execute(
            select(Ticket).where(
                Ticket.status == "resolved",
                Ticket.resolved_at.is_not(None),
                _mail_ticket(),  # type: ignore[arg-type]
            )
        ).scalars()
        for ticket in resolved:
            queued += queue_notice(s, ticket, "resolved", box, now)
    return queued


def mark_bounced(s: Session, message_ids: Iterable[str], reason: str) -> None:
    """A bounce returned one of our messages: its outbox row is failed with the reason."""
    for message_id in message_ids:
        for row in s.execute(
            select(OfficeMailOutbox).where(OfficeMailOutbox.message_id == message_id)
        ).scalars():
            row.status, row.last_error = "failed", reason[:2000]


def _compose_row(s: Session, row: OfficeMailOutbox, box: OfficeMailbox) -> bytes:
    ticket = s.get(Ticket, row.ticket_id)
    if ticket is None:
        raise ValueError("the ticket of this mail is gone")
    requester = s.get(Person, ticket.requester_id) if ticket.requester_id else None
    queue = s.get(Queue, ticket.queue_id)
    body = agent_name = ""
    if row.kind == "reply":
        comment = s.get(Comment, row.dedup_key.removeprefix("reply:"))
        author = s.get(Person, comment.author_id) if comment and comment.author_id else None
        body, agent_name = (comment.body if comment else ""), (author.name if author else "")
    elif row.kind == "resolved":
        body = ticket.resolution
    inbound = s.execute(
        select(OfficeMailMessage.received_at, OfficeMailMessage.message_id).where(
            OfficeMailMessage.ticket_id == ticket.id,
            OfficeMailMessage.message_id != "",
            OfficeMailMessage.outcome.in_(("ticketed", "replied")),
            OfficeMailMessage.received_at <= row.created_at,
        )
    ).all()
    outbound = s.execute(
        select(OfficeMailOutbox.created_at, OfficeMailOutbox.message_id).where(
            OfficeMailOutbox.ticket_id == ticket.id,
            OfficeMailOutbox.created_at <= row.created_at,
            OfficeMailOutbox.id != row.id,
        )
    ).all()
    thread = [m for _t, m in sorted([*inbound, *outbound], key=lambda r: r[0])]
    latest_inbound = max(inbound, key=lambda r: r[0])[1] if inbound else ""
    name = requester.name if requester else ""
    out = Outgoing(
        kind=row.kind,
        from_name=queue.name if queue else "",
        from_address=box.address,
        to_name=name,
        to_address=row.to_address,
        ticket_number=ticket_token_number(ticket),
        subject=ticket.subject,
        values={
            "requester_name": name,
            "queue_name": queue.name if queue else "",
            "body": body,
            "agent_name": agent_name,
        },
        message_id=row.message_id,
        in_reply_to=latest_inbound,
        references=tuple(thread),
        date=row.created_at,
    )
    # CRLF line ends (policy.SMTP): SMTP servers refuse bare-LF lines over 1,000 bytes.
    return compose(out).as_bytes(policy=policy.SMTP)


def send_due(replica: Replica, box: OfficeMailbox, send: Sender, limit: int = 100) -> SendReport:
    """Send what is due (see the module docstring). Never raises for a failed send."""
    now = replica.clock()
    sent = retrying = failed = 0
    with replica.read() as s:
        due = list(
            s.execute(
                select(OfficeMailOutbox.id)
                .where(OfficeMailOutbox.status == "pending", OfficeMailOutbox.next_attempt_at <= now)
                .order_by(OfficeMailOutbox.next_attempt_at)
                .limit(limit)
            ).scalars()
        )
    for row_id in due:
        claimed = _claim(replica, row_id, box, now)
        if claimed is None:
            continue
        to_address, raw, kind, attempts = claimed
        try:
            send(box.address, to_address, raw)
        except Exception as exc:  # any SMTP or network failure: retried, then reported
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("office mail: sending %s failed (attempt %d): %s", kind, attempts, type(exc).__name__)
            if _failed_attempt(replica, row_id, error, now):
                failed += 1
            else:
                retrying += 1
            continue
        with replica.write() as s:
            done = s.get(OfficeMailOutbox, row_id)
            if done is not None:
                done.status, done.sent_at, done.last_error = "sent", now, ""
        sent += 1
    return SendReport(sent, retrying, failed)


def _claim(
    replica: Replica, row_id: str, box: OfficeMailbox, now: datetime
) -> tuple[str, bytes, str, int] | None:
    with replica.write() as s:
        row = s.get(OfficeMailOutbox, row_id)
        if row is None or row.status != "pending" or row.next_attempt_at > now:
            return None  # another worker claimed or finished it
        if not row.raw:
            try:
                row.raw = _compose_row(s, row, box)
            except ValueError as exc:
                row.status, row.last_error = "failed", str(exc)
                return None
        row.attempts += 1
        row.next_attempt_at = now + _LEASE
        return row.to_address, row.raw, row.kind, row.attempts


def _failed_attempt(replica: Replica, row_id: str, error: str, now: datetime) -> bool:
    """Schedule the retry, or give up with a note on the ticket; True when failed for good."""
    with replica.write() as s:
        row = s.get(OfficeMailOutbox, row_id)
        if row is None:
            return False
        row.last_error = error
        if row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + _BACKOFF[min(row.attempts - 1, len(_BACKOFF) - 1)]
            return False
        row.status = "failed"
        if s.get(Ticket, row.ticket_id) is not None:
            actor = acting_user(replica, s)
            what = {"reply": "The reply", "ack": "The acknowledgement", "resolved": "The resolution notice"}
            note = add_comment_in(
                s, row.ticket_id, CommentKind.NOTE,
                f"{what.get(row.kind, 'A mail')} to {row.to_address} could not be sent after "
                f"{row.attempts} attempts: {error}",
                from_requester=False, now=now, actor=actor,
            )  # fmt: skip
            after_ticket_write(s, [note.write], now=now, actor=actor)
        return True
