"""One inbound message → a ticket, a reply on its ticket, a bounce noted, or nothing, in the replica.

The standalone office's counterpart of the server's intake: the same parsing, loop rules
and threading (:mod:`sync.mail`), written through the replica's own write path
(:func:`~sync.services.ticket_operations.create_in`, ``add_comment_in`` and
:func:`~sync.services.ticket_writes.after_ticket_write`), so an e-mail ticket gets a local
number, SLA columns, rules and a journal entry exactly as a typed one does, attributed to
the agent signed in to this replica.

Exactly once
    A message's key is SHA-256 of its Message-ID and its content hash (the message without
    trace headers). An ``office_mail_messages`` row with that key (unique) is written in the
    *same transaction* as the ticket or comment, so a crash before the commit leaves nothing
    (the message is fetched and filed again) and a crash after it leaves the row (the message
    is recognised as a ``duplicate``). The fetcher marks the IMAP message filed only after
    :func:`file_message` returned.

Outcomes (``IntakeResult.outcome``) are the server's: ``ticketed`` (an acknowledgement is
queued unless the mail is bulk or asks for none), ``replied`` (reopens a resolved ticket; a
closed one gets a new ticket), ``bounce`` (a note on the ticket whose mail came back; not
filed), ``ignored`` (auto-replies, the desk's own address), ``quarantined`` (unreadable,
refused, or over the sender's hourly cap: kept with reason and bytes), ``duplicate``.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.domain.ticket_channel import TicketChannel
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import CommentKind
from sync.errors import NotFoundError, OutpostError, ReplicaError
from sync.ids import new_id
from sync.mail.automatic_mail import MailKind
from sync.mail.message_parse import MailPart, ParsedMail, UnreadableMail, content_hash, parse_mail
from sync.mail.thread_keys import subject_token
from sync.office_mail.mailbox_settings import OfficeMailbox
from sync.office_mail.office_outbox import mark_bounced, queue_notice
from sync.protocol.ops import Op
from sync.replica.models import Attachment, Comment, Person, Ticket
from sync.replica.office_mail_models import OfficeMailMessage, OfficeMailThreadRef
from sync.replica.replica import Replica
from sync.services.directory import NewRequester, add_requester_in
from sync.services.journal import record_activity, record_mutation
from sync.services.ticket_operations import NewTicket, TicketWrite, add_comment_in, create_in
from sync.services.ticket_state import acting_user
from sync.services.ticket_writes import after_ticket_write

__all__ = [
    "IntakeLimits",
    "IntakeResult",
    "QuarantinedMail",
    "dedup_key",
    "file_message",
    "quarantined_mail",
    "retry_quarantined",
]

log = logging.getLogger(__name__)
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


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def dedup_key(message_id: str, digest: str) -> str:
    return hashlib.sha256(f"{message_id}\n{digest}".encode()).hexdigest()


def file_message(
    replica: Replica,
    box: OfficeMailbox,
    raw: bytes,
    *,
    limits: IntakeLimits | None = None,
    retry_of: str | None = None,
) -> IntakeResult:
    """File one raw message (see the module docstring). Never raises for bad mail; a replica
    failure (disk full, closed) propagates, with nothing written. ``retry_of`` names the
    quarantine row this message comes from: it is removed in the filing transaction, so a
    retry that fails again (or crashes) leaves it where it was."""
    limits = limits or IntakeLimits()
    now = replica.clock()
    try:
        mail = parse_mail(raw)
    except UnreadableMail as exc:
        return _quarantine(replica, raw, dedup_key("", content_hash(raw)), None, exc.reason, now)
    key = dedup_key(mail.message_id, mail.content_hash)
    stored = _store_parts(replica, mail, limits)
    try:
        with replica.write() as s:
            if retry_of is not None:
                s.execute(
                    delete(OfficeMailMessage).where(
                        OfficeMailMessage.id == retry_of, OfficeMailMessage.outcome == "quarantined"
                    )
                )
            if s.execute(select(OfficeMailMessage.id).where(OfficeMailMessage.dedup_key == key)).first():
                return IntakeResult("duplicate", "this message was filed before")
            row = OfficeMailMessage(
                id=new_id(), dedup_key=key, message_id=mail.message_id[:500], sender=mail.sender[:200],
                subject=mail.subject[:300], outcome="pending", reason="", ticket_id=None, raw=None,
                received_at=now,
            )  # fmt: skip
            s.add(row)
            s.flush()
            result = _file(s, replica, box, mail, stored, limits, now)
            row.outcome, row.reason, row.ticket_id = result.outcome, result.reason[:2000], result.ticket_id
            return result
    except IntegrityError:
        return IntakeResult("duplicate", "this message was filed at the same time by another process")
    except _Refused as exc:
        return _quarantine(replica, raw, key, mail, exc.reason, now)
    except OutpostError as exc:
        if isinstance(exc, ReplicaError):  # the file, not the mail: retried on the next pass
            raise
        log.warning("office mail: a message was quarantined (%s)", type(exc).__name__)
        return _quarantine(replica, raw, key, mail, exc.message, now)


def _quarantine(
    replica: Replica, raw: bytes, key: str, mail: ParsedMail | None, reason: str, now: datetime
) -> IntakeResult:
    try:
        with replica.write() as s:
            if s.execute(select(OfficeMailMessage.id).where(OfficeMailMessage.dedup_key == key)).first():
                return IntakeResult("duplicate", "this message was seen before")
            s.add(
                OfficeMailMessage(
                    id=new_id(), dedup_key=key, message_id=mail.message_id[:500] if mail else "",
                    sender=mail.sender[:200] if mail else "", subject=mail.subject[:300] if mail else "",
                    outcome="quarantined", reason=reason[:2000], ticket_id=None, raw=raw, received_at=now,
                )
            )  # fmt: skip
    except IntegrityError:
        return IntakeResult("duplicate", "this message was seen before")
    return IntakeResult("quarantined", reason)


@dataclass(frozen=True)
class QuarantinedMail:
    id: str
    sender: str
    subject: str
    reason: str
    received_at: datetime


def quarantined_mail(replica: Replica) -> list[QuarantinedMail]:
    """Mail kept out of the desk (unreadable, refused, over the rate cap), newest first."""
    with replica.read() as s:
        rows = s.execute(
            select(OfficeMailMessage)
            .where(OfficeMailMessage.outcome == "quarantined")
            .order_by(OfficeMailMessage.received_at.desc())
        ).scalars()
        return [QuarantinedMail(r.id, r.sender, r.subject, r.reason, r.received_at) for r in rows]


def retry_quarantined(replica: Replica, box: OfficeMailbox, mail_id: str) -> IntakeResult:
    """File a quarantined message again (after a fix, or because an agent lets it in): the
    sender's rate cap is lifted for it. Raises :class:`NotFoundError` for an unknown id."""
    with replica.read() as s:
        row = s.get(OfficeMailMessage, mail_id)
        if row is None or row.outcome != "quarantined" or row.raw is None:
            raise NotFoundError(f"No quarantined message with id {mail_id}.")
        raw, reason = row.raw, row.reason
    limits = IntakeLimits(sender_messages_per_hour=10**9)
    result = file_message(replica, box, raw, limits=limits, retry_of=mail_id)
    if result.outcome == "duplicate":  # refused again: the row stays, with its reason
        return IntakeResult("quarantined", f"still kept out: {reason}")
    return result


def _store_parts(replica: Replica, mail: ParsedMail, limits: IntakeLimits) -> dict[int, str]:
    """Attachments within the limit copied into the blob store before the transaction (a blob
    no row names is harmless: content-addressed, found again next time); index → SHA-256."""
    stored: dict[int, str] = {}
    for index, part in enumerate(mail.parts):
        if len(part.data) > limits.attachment_max_bytes or mail.verdict.kind in (
            MailKind.AUTO_REPLY, MailKind.BOUNCE
        ):  # fmt: skip
            continue
        replica.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=replica.data_dir, prefix=".mail-part-", delete=False) as fh:
            fh.write(part.data)
            tmp = Path(fh.name)
        try:
            stored[index] = replica.blobs.store_file(tmp)
        finally:
            tmp.unlink(missing_ok=True)
    return stored


def _file(
    s: Session,
    replica: Replica,
    box: OfficeMailbox,
    mail: ParsedMail,
    stored: dict[int, str],
    limits: IntakeLimits,
    now: datetime,
) -> IntakeResult:
    if mail.sender == box.address.lower():
        return IntakeResult("ignored", "mail from the desk's own address")
    if mail.verdict.kind is MailKind.AUTO_REPLY:
        return IntakeResult("ignored", f"automatic mail: {mail.verdict.reason}")
    actor = acting_user(replica, s)
    if mail.verdict.kind is MailKind.BOUNCE:
        return _record_bounce(s, mail, actor, now)
    recent = s.execute(
        select(func.count())
        .select_from(OfficeMailMessage)
        .where(
            OfficeMailMessage.sender == mail.sender,
            OfficeMailMessage.received_at > now - timedelta(hours=1),
            OfficeMailMessage.outcome.in_(_FILED),
        )
    ).scalar_one()
    if recent >= limits.sender_messages_per_hour:
        raise _Refused(
            f"{mail.sender} sent more than {limits.sender_messages_per_hour} messages in an hour (rate cap)"
        )
    requester_id = _find_or_create_requester(s, mail, actor, now)
    ticket = _thread_target(s, mail, box.queue_id, requester_id)
    writes: list[TicketWrite] = []
    if ticket is not None:
        outcome = "replied"
        body = _clean(mail.body).strip()[:100_000] or "(an empty message)"
        comment = add_comment_in(
            s, ticket.id, CommentKind.REPLY, body, from_requester=True, now=now, actor=actor
        )
        written = s.get(Comment, comment.comment_id)
        if written is not None and written.author_id != requester_id:
            written.author_id = requester_id  # a colleague answering in the requester's thread
        writes.append(comment.write)
    else:
        outcome = "ticketed"
        draft = NewTicket(
            subject=_clean(mail.subject).strip()[:300] or "(no subject)",
            queue_id=box.queue_id,
            description=_clean(mail.body)[:500_000],
            requester_id=requester_id,
            channel=TicketChannel.EMAIL.value,
        )
        ticket, mutation = create_in(s, draft, now=now, actor=actor)
        writes.append(TicketWrite(ticket.id, mutation, created=True))
    writes.extend(_attach_parts(s, ticket.id, mail, stored, actor, limits, now))
    if mail.message_id and s.get(OfficeMailThreadRef, mail.message_id) is None:
        s.add(OfficeMailThreadRef(message_id=mail.message_id[:500], ticket_id=ticket.id))
    after_ticket_write(s, writes, now=now, actor=actor)
    if outcome == "ticketed" and mail.verdict.acknowledge:
        s.flush()
        queue_notice(s, ticket, "ack", box, now)
    return IntakeResult(outcome, mail.verdict.reason, ticket.id)


def _find_or_create_requester(s: Session, mail: ParsedMail, actor: str, now: datetime) -> str:
    found = s.execute(
        select(Person.id).where(func.lower(Person.email) == mail.sender).order_by(Person.name).limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found
    name = (mail.sender_name.strip() or mail.sender.split("@", 1)[0])[:200]
    return add_requester_in(s, NewRequester(name, email=mail.sender[:200]), now=now, actor=actor)


def _thread_target(s: Session, mail: ParsedMail, queue_id: str, requester_id: str) -> Ticket | None:
    """The ticket this message answers (following merges), or None for a new ticket."""
    ticket: Ticket | None = None
    for message_id in mail.thread_ids:
        ref = s.get(OfficeMailThreadRef, message_id) if len(message_id) <= 500 else None
        if ref is not None and (ticket := s.get(Ticket, ref.ticket_id)) is not None:
            break
    if ticket is None and (number := subject_token(mail.subject)) is not None:
        candidate = s.execute(
            select(Ticket).where(
                or_(Ticket.number == number, (Ticket.number.is_(None)) & (Ticket.local_number == number))
            )
        ).scalar_one_or_none()
        # Anyone can type a token: it threads only into this queue's tickets or the sender's own.
        if candidate is not None and (
            candidate.queue_id == queue_id or candidate.requester_id == requester_id
        ):
            ticket = candidate
    seen: set[str] = set()
    while ticket is not None and ticket.merged_into_id and ticket.id not in seen:
        seen.add(ticket.id)
        ticket = s.get(Ticket, ticket.merged_into_id)
    if ticket is None or ticket.status == TicketStatus.CLOSED.value:
        return None
    return ticket


def _attach_parts(
    s: Session,
    ticket_id: str,
    mail: ParsedMail,
    stored: dict[int, str],
    actor: str,
    limits: IntakeLimits,
    now: datetime,
) -> list[TicketWrite]:
    writes: list[TicketWrite] = []
    refused: list[str] = []
    for index, part in enumerate(mail.parts):
        sha = stored.get(index)
        if sha is None:
            refused.append(f"{part.filename} ({len(part.data) / 1_048_576:.1f} MB)")
            continue
        writes.append(_attach(s, ticket_id, part, sha, actor, now))
    if refused:
        limit_mb = limits.attachment_max_bytes / 1_048_576
        note = add_comment_in(
            s, ticket_id, CommentKind.NOTE,
            f"The e-mail from {mail.sender} carried attachment(s) over the {limit_mb:g} MB limit, which "
            f"were not kept: {', '.join(refused)}. Ask the requester for another way to send them.",
            from_requester=False, now=now, actor=actor,
        )  # fmt: skip
        writes.append(note.write)
    return writes


def _attach(s: Session, ticket_id: str, part: MailPart, sha: str, actor: str, now: datetime) -> TicketWrite:
    att_id = new_id()
    mime = part.mime_type or mimetypes.guess_type(part.filename)[0] or "application/octet-stream"
    s.add(
        Attachment(
            id=att_id, ticket_id=ticket_id, sha256=sha, filename=part.filename[:260], size=len(part.data),
            mime_type=mime[:120], added_by_id=actor, added_at=now, is_local=True,
        )
    )  # fmt: skip
    record_activity(
        s, entity_type="ticket", entity_id=ticket_id, actor_id=actor, field="attachment",
        old=None, new=part.filename[:260], at=now,
    )  # fmt: skip
    mutation = record_mutation(
        s,
        op=Op.TICKET_ATTACH,
        entity_type="ticket",
        entity_id=ticket_id,
        payload={
            "attachment": {
                "id": att_id,
                "ticket_id": ticket_id,
                "sha256": sha,
                "filename": part.filename[:260],
                "size": len(part.data),
                "mime_type": mime[:120],
                "added_at": now.isoformat(),
            }
        },
        device_time=now,
        actor_id=actor,
    )
    return TicketWrite(ticket_id, mutation, changes={"attachment": (None, part.filename)})


def _record_bounce(s: Session, mail: ParsedMail, actor: str, now: datetime) -> IntakeResult:
    bounce = mail.bounce
    assert bounce is not None
    ticket: Ticket | None = None
    for message_id in bounce.returned_ids:
        ref = s.get(OfficeMailThreadRef, message_id) if len(message_id) <= 500 else None
        if ref is not None and (ticket := s.get(Ticket, ref.ticket_id)) is not None:
            break
    if ticket is None:
        return IntakeResult("ignored", "a bounce for mail the desk does not know")
    who = ", ".join(bounce.recipients) or "the recipient"
    reason = f"Mail to {who} bounced: {bounce.diagnostic or 'no reason given'}"
    note = add_comment_in(s, ticket.id, CommentKind.NOTE, reason, from_requester=False, now=now, actor=actor)
    mark_bounced(s, bounce.returned_ids, reason)
    after_ticket_write(s, [note.write], now=now, actor=actor)
    return IntakeResult("bounce", reason, ticket.id)


def _clean(text: str) -> str:
    return text.replace("\x00", "")
