"""One inbound message → a ticket, a reply on its ticket, a recorded bounce, or nothing.

Exactly once
    Each message has a key: SHA-256 of its Message-ID and its content hash (the message
    without trace headers). A ``mail_messages`` row with that key (unique) is written in
    the *same transaction* as the ticket or comment the message makes. So a crash before
    the commit leaves nothing (the message is fetched and filed again), a crash after it
    leaves the row (the message is recognised and skipped), and two processes filing the
    same message race on the unique key: one commits, the other's insert fails and it
    reports a duplicate. The caller marks the message processed in the mailbox only after
    :func:`deliver` returned.

What becomes of a message (``IntakeResult.outcome``)
    - ``ticketed``: a new ticket (``channel`` email) in the mailbox's queue, requester
      found or created by address; an acknowledgement is queued unless the mail is bulk or
      asks for no auto-reply;
    - ``replied``: threaded into its ticket (``In-Reply-To``/``References``, then the
      ``[#N]`` subject token) as the requester's reply, which reopens a resolved ticket;
      a reply to a closed ticket opens a new one instead, as the lifecycle says;
    - ``bounce``: a delivery report, recorded on the ticket whose mail it returns;
    - ``ignored``: an auto-reply, or mail from the desk's own addresses;
    - ``quarantined``: unreadable, refused by the rules, or over the sender's rate cap;
      kept with its reason and raw bytes, retryable (:func:`retry_quarantined`);
    - ``duplicate``: this message was filed before; nothing is written.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pydantic
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from sync.domain.ticket_channel import TicketChannel
from sync.errors import OutpostError
from sync.ids import new_id
from sync.mail.automatic_mail import MailKind
from sync.mail.message_parse import ParsedMail, UnreadableMail, content_hash, parse_mail
from sync.mail.thread_keys import subject_token
from sync.protocol.payloads import TicketComment, TicketCreate
from sync.server.core.access import Caller
from sync.server.core.versioning import stamp
from sync.server.db.database import Database
from sync.server.db.models import Comment, Ticket
from sync.server.mail import mail_store
from sync.server.mail.mail_models import Mailbox, MailMessage, MailThreadRef
from sync.server.push.apply_context import ApplyContext
from sync.server.push.ticket_ops import apply_ticket_create
from sync.server.push.work_ops import apply_ticket_comment

__all__ = ["MAIL_CLIENT_ID", "IntakeLimits", "IntakeResult", "deliver", "retry_quarantined"]

log = logging.getLogger(__name__)

#: ``origin_client_id`` of tickets the mail channel creates (no device made them).
MAIL_CLIENT_ID = "00000000-0000-4000-8000-0000000e4a11"
_FILED = ("ticketed", "replied")


@dataclass(frozen=True)
class IntakeLimits:
    attachment_max_bytes: int = 25 * 1024 * 1024
    sender_messages_per_hour: int = 30


@dataclass(frozen=True)
class IntakeResult:
    outcome: str
    reason: str = ""
    ticket_id: str | None = None
    ticket_number: int | None = None


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _key(message_id: str, digest: str) -> str:
    return hashlib.sha256(f"{message_id}\n{digest}".encode()).hexdigest()


def deliver(
    db: Database,
    raw: bytes,
    queue_id: str,
    *,
    limits: IntakeLimits | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """File one raw message for ``queue_id`` (see the module docstring). Never raises for bad mail."""
    limits = limits or IntakeLimits()
    now = now or datetime.now(UTC)
    try:
        mail = parse_mail(raw)
    except UnreadableMail as exc:
        return _quarantine(db, raw, queue_id, _key("", content_hash(raw)), None, exc.reason, now)
    key = _key(mail.message_id, mail.content_hash)
    try:
        with db.write_session() as s:
            if s.execute(select(MailMessage.id).where(MailMessage.dedup_key == key)).first():
                return IntakeResult("duplicate", "this message was filed before")
            row = MailMessage(
                id=new_id(),
                dedup_key=key,
                queue_id=queue_id,
                message_id=mail.message_id,
                sender=mail.sender[:200],
                subject=mail.subject[:300],
                outcome="pending",
                reason="",
                ticket_id=None,
                raw=None,
                received_at=now,
            )
            s.add(row)
            s.flush()  # a concurrent filer of the same message blocks here, then fails
            result = _file(s, mail, row, queue_id, limits, now)
            row.outcome, row.reason, row.ticket_id = result.outcome, result.reason, result.ticket_id
            return result
    except IntegrityError:
        return IntakeResult("duplicate", "this message was filed by another process at the same time")
    except _Refused as exc:
        return _quarantine(db, raw, queue_id, key, mail, exc.reason, now)
    except (OutpostError, pydantic.ValidationError, DataError, ValueError) as exc:
        reason = (
            exc.message if isinstance(exc, OutpostError) else f"refused by the rules ({type(exc).__name__})"
        )
        log.warning("mail intake: a message was quarantined (%s)", type(exc).__name__)
        return _quarantine(db, raw, queue_id, key, mail, reason, now)


def _quarantine(
    db: Database, raw: bytes, queue_id: str, key: str, mail: ParsedMail | None, reason: str, now: datetime
) -> IntakeResult:
    try:
        with db.write_session() as s:
            existing = s.execute(select(MailMessage).where(MailMessage.dedup_key == key)).scalar_one_or_none()
            if existing is not None:
                return IntakeResult("duplicate", "this message was seen before")
            s.add(
                MailMessage(
                    id=new_id(),
                    dedup_key=key,
                    queue_id=queue_id,
                    message_id=mail.message_id if mail else "",
                    sender=mail.sender[:200] if mail else "",
                    subject=mail.subject[:300] if mail else "",
                    outcome="quarantined",
                    reason=reason,
                    ticket_id=None,
                    raw=raw,
                    received_at=now,
                )
            )
    except IntegrityError:
        return IntakeResult("duplicate", "this message was seen before")
    return IntakeResult("quarantined", reason)


def retry_quarantined(
    db: Database, mail_message_id: str, *, limits: IntakeLimits | None = None, now: datetime | None = None
) -> IntakeResult:
    """File a quarantined message again (after a fix); the old row is marked ``retried``.

    The rate cap is not applied on a retry: an admin chose to let this message in.
    """
    with db.write_session() as s:
        row = s.get(MailMessage, mail_message_id, with_for_update=True)
        if row is None or row.outcome != "quarantined" or row.raw is None:
            raise ValueError("no quarantined message with that id")
        raw, queue_id = row.raw, row.queue_id
        s.delete(row)
    lifted = IntakeLimits(
        attachment_max_bytes=(limits or IntakeLimits()).attachment_max_bytes, sender_messages_per_hour=10**9
    )
    result = deliver(db, raw, queue_id, limits=lifted, now=now)
    return result


def _own_addresses(s: Session) -> set[str]:
    return {a.lower() for a in s.execute(select(Mailbox.address)).scalars()}


def _file(
    s: Session, mail: ParsedMail, row: MailMessage, queue_id: str, limits: IntakeLimits, now: datetime
) -> IntakeResult:
    if mail.sender in _own_addresses(s):
        return IntakeResult("ignored", "mail from the desk's own address")
    if mail.verdict.kind is MailKind.AUTO_REPLY:
        return IntakeResult("ignored", f"automatic mail: {mail.verdict.reason}")
    if mail.verdict.kind is MailKind.BOUNCE:
        return _record_bounce(s, mail, now)
    recent = s.execute(
        select(func.count())
        .select_from(MailMessage)
        .where(
            MailMessage.sender == mail.sender,
            MailMessage.received_at > now - timedelta(hours=1),
            MailMessage.outcome.in_(_FILED),
        )
    ).scalar_one()
    if recent >= limits.sender_messages_per_hour:
        raise _Refused(
            f"{mail.sender} sent more than {limits.sender_messages_per_hour} messages in an hour (rate cap)"
        )
    requester, created = mail_store.find_or_create_requester(s, mail.sender, mail.sender_name, now)
    caller = Caller(
        # The channel acts for the requester with the mailbox's authority over its queue
        # (admin scope so a reply still reaches its ticket after a move to another queue).
        user_id=requester.id,
        username="",
        name=requester.name,
        role="admin",
        knowledge_manager=False,
        queue_ids=frozenset({queue_id}),
        client_id=MAIL_CLIENT_ID,
    )
    ctx = ApplyContext(s, caller, MAIL_CLIENT_ID, now)
    if created:
        s.flush()
        ctx.touched.add("people", requester.id)
    ticket = _thread_target(s, mail, queue_id, requester.id)
    if ticket is not None:
        outcome = "replied"
        _add_reply(ctx, ticket, mail, requester.id, now)
    else:
        outcome = "ticketed"
        ticket = _create_ticket(ctx, mail, queue_id, requester.id, now)
    _attach_parts(ctx, ticket.id, mail, requester.id, limits, now)
    mail_store.remember_thread_ids(s, ticket.id, [mail.message_id])
    result_stamp = stamp(s, ctx.touched)
    for ticket_id, number in result_stamp.numbers.items():
        target = s.get(Ticket, ticket_id)
        assert target is not None
        target.number = number
    row.outcome, row.ticket_id = outcome, ticket.id  # the thread the acknowledgement refers to
    if outcome == "ticketed" and mail.verdict.acknowledge:
        s.flush()
        _queue_acknowledgement(s, ticket, mail, queue_id, now)
    return IntakeResult(outcome, mail.verdict.reason, ticket.id, ticket.number)


def _thread_target(s: Session, mail: ParsedMail, queue_id: str, requester_id: str) -> Ticket | None:
    """The open ticket this message answers, or None (a new ticket)."""
    ticket: Ticket | None = None
    for message_id in mail.thread_ids:
        ref = s.get(MailThreadRef, message_id) if len(message_id) <= 500 else None
        if ref is not None:
            ticket = s.get(Ticket, ref.ticket_id)
            if ticket is not None:
                break
    if ticket is None:
        number = subject_token(mail.subject)
        if number is not None:
            candidate = s.execute(select(Ticket).where(Ticket.number == number)).scalar_one_or_none()
            # Anyone can type a token: it threads only into this queue's tickets or the sender's own.
            if candidate is not None and (
                candidate.queue_id == queue_id or candidate.requester_id == requester_id
            ):
                ticket = candidate
    seen: set[str] = set()
    while ticket is not None and ticket.merged_into_id and ticket.id not in seen:
        seen.add(ticket.id)
        ticket = s.get(Ticket, ticket.merged_into_id)
    if ticket is None or ticket.status == "closed":
        return None
    return s.execute(select(Ticket).where(Ticket.id == ticket.id).with_for_update()).scalar_one()


def _create_ticket(
    ctx: ApplyContext, mail: ParsedMail, queue_id: str, requester_id: str, now: datetime
) -> Ticket:
    ticket_id = new_id()
    payload = TicketCreate.model_validate(
        {
            "ticket": {
                "id": ticket_id,
                "subject": _clean(mail.subject).strip()[:300] or "(no subject)",
                "description": _clean(mail.body)[:500_000],
                "queue_id": queue_id,
                "requester_id": requester_id,
                "created_at": now,
                "channel": TicketChannel.EMAIL.value,
            }
        }
    )
    apply_ticket_create(ctx, payload)
    ticket = ctx.session.get(Ticket, ticket_id)
    assert ticket is not None
    return ticket


def _add_reply(ctx: ApplyContext, ticket: Ticket, mail: ParsedMail, sender_id: str, now: datetime) -> None:
    comment_id = new_id()
    body = _clean(mail.body).strip()[:100_000] or "(an empty message)"
    payload = TicketComment.model_validate(
        {
            "comment": {
                "id": comment_id,
                "ticket_id": ticket.id,
                "kind": "reply",
                "from_requester": True,
                "body": body,
                "created_at": now,
            }
        }
    )
    apply_ticket_comment(ctx, payload)
    comment = ctx.session.get(Comment, comment_id)
    if comment is not None and comment.author_id != sender_id:
        comment.author_id = sender_id  # a colleague answering in the requester's thread


def _attach_parts(
    ctx: ApplyContext, ticket_id: str, mail: ParsedMail, added_by: str, limits: IntakeLimits, now: datetime
) -> None:
    refused: list[str] = []
    for part in mail.parts:
        if len(part.data) > limits.attachment_max_bytes:
            refused.append(f"{part.filename} ({len(part.data) / 1_048_576:.1f} MB)")
            continue
        mail_store.store_part(ctx, ticket_id, part, added_by, now)
    if refused:
        limit_mb = limits.attachment_max_bytes / 1_048_576
        mail_store.add_note(
            ctx,
            ticket_id,
            f"The e-mail from {mail.sender} carried attachment(s) over the {limit_mb:g} MB limit, "
            f"which were not kept: {', '.join(refused)}. Ask the requester for another way to send them.",
            now,
        )


def _record_bounce(s: Session, mail: ParsedMail, now: datetime) -> IntakeResult:
    from sync.server.mail.outbox import mark_bounced

    bounce = mail.bounce
    assert bounce is not None
    ticket: Ticket | None = None
    for message_id in bounce.returned_ids:
        ref = s.get(MailThreadRef, message_id) if len(message_id) <= 500 else None
        if ref is not None and (ticket := s.get(Ticket, ref.ticket_id, with_for_update=True)) is not None:
            break
    if ticket is None:
        return IntakeResult("ignored", "a bounce for mail the desk does not know")
    who = ", ".join(bounce.recipients) or "the recipient"
    reason = f"Mail to {who} bounced: {bounce.diagnostic or 'no reason given'}"
    ctx = ApplyContext(
        s,
        Caller(user_id="", username="", name="", role="admin", knowledge_manager=False,
               queue_ids=frozenset(), client_id=MAIL_CLIENT_ID),
        MAIL_CLIENT_ID,
        now,
    )  # fmt: skip
    mail_store.system_activity(ctx, ticket.id, "mail_bounced", who, reason[:300], now)
    mail_store.add_note(ctx, ticket.id, reason, now)
    mark_bounced(s, bounce.returned_ids, reason)
    stamp(s, ctx.touched)
    return IntakeResult("bounce", reason, ticket.id, ticket.number)


def _queue_acknowledgement(
    s: Session, ticket: Ticket, mail: ParsedMail, queue_id: str, now: datetime
) -> None:
    from sync.server.mail.outbox import queue_notice

    queue_notice(s, ticket, "ack", now)


def _clean(text: str) -> str:
    return text.replace("\x00", "")
