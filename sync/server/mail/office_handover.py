"""A standalone office's mail state, handed over to the server that adopts its replica.

A standalone office runs its own mail channel (:mod:`sync.office_mail`) and keeps what it
filed and sent in replica-local tables that never sync. When the office joins a server,
the server's outbox would otherwise know nothing of those tickets: it mails replies only
on tickets with a ``ticketed`` row in ``mail_messages``, threads by ``mail_thread_refs``
and ``mail_outbox``, and skips a reply whose ``reply:<comment>`` key is already queued.
:func:`adopt_office_mail` copies, for every ticket the server now has:

- ``office_mail_thread_refs`` → ``MailThreadRef`` (a requester answering an old mail lands
  on the same ticket);
- ``office_mail_messages`` that made or joined a ticket (``ticketed``, ``replied``,
  ``bounce``) → ``MailMessage`` under the same dedupe key (the server's intake uses the same
  key, so the same message is never filed twice), with the ticket's server queue;
- ``office_mail_outbox`` rows already ``sent`` (or given up on: ``failed``) → ``MailOutbox``
  rows with the same status, dedupe key, Message-ID and bytes: the server never mails them
  again, and its later mails on the ticket carry their Message-IDs in References.

Rows still ``pending`` are left behind on purpose: the server queues the replies and the
resolution notice itself (found by their absence from its outbox) and sends them with its
own mailbox. A pending acknowledgement is not re-queued (the server acknowledges only at
intake). The mailbox itself is configured on the server by the admin; an imported row's
``mailbox_id`` is the ticket queue's server mailbox when there is one, else ``""`` (a sent
or failed row is never claimed, so it needs none).

Idempotent: rows whose key the server already has are skipped, so running the import again
(or after the office already pushed its tickets by syncing) adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from sync.replica.office_mail_models import OfficeMailMessage, OfficeMailOutbox, OfficeMailThreadRef
from sync.server.db.database import Database
from sync.server.db.models import Ticket
from sync.server.mail.mail_models import Mailbox, MailMessage, MailOutbox, MailThreadRef

__all__ = ["HANDED_OVER_OUTCOMES", "HANDED_OVER_STATUSES", "adopt_office_mail"]

#: Office intake outcomes that belong to a ticket and are copied.
HANDED_OVER_OUTCOMES = ("ticketed", "replied", "bounce")
#: Office outbox statuses that are copied (pending rows are queued anew by the server).
HANDED_OVER_STATUSES = ("sent", "failed")
_BATCH = 200


def _has_office_mail(src: Session) -> bool:
    """Replicas older than the office-mail schema step have no such tables."""
    found = src.execute(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'office_mail_outbox'")
    ).scalar_one()
    return bool(found)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def adopt_office_mail(db: Database, src: Session) -> dict[str, int]:
    """Copy the office's mail state from the replica session ``src`` (read-only) for every
    ticket the server has; returns how many thread refs, messages and sent mails were added.
    One transaction per batch of tickets."""
    counts = {"mail thread refs": 0, "mail messages": 0, "sent mails": 0}
    if not _has_office_mail(src):
        return counts
    ticket_ids = sorted(
        set(src.execute(select(OfficeMailThreadRef.ticket_id)).scalars())
        | {t for t in src.execute(select(OfficeMailMessage.ticket_id)).scalars() if t}
        | set(src.execute(select(OfficeMailOutbox.ticket_id)).scalars())
    )
    for batch in _chunks(ticket_ids):
        with db.write_session() as s:
            found = s.execute(select(Ticket.id, Ticket.queue_id).where(Ticket.id.in_(batch)))
            queues = {ticket_id: queue_id for ticket_id, queue_id in found}
            if not queues:
                continue
            here = sorted(queues)
            counts["mail thread refs"] += _copy_refs(s, src, here)
            counts["mail messages"] += _copy_messages(s, src, queues)
            counts["sent mails"] += _copy_outbox(s, src, queues)
    return counts


def _copy_refs(s: Session, src: Session, ticket_ids: list[str]) -> int:
    refs = src.execute(
        select(OfficeMailThreadRef).where(OfficeMailThreadRef.ticket_id.in_(ticket_ids))
    ).scalars()
    added = 0
    for ref in refs:
        if s.get(MailThreadRef, ref.message_id) is None:
            s.add(MailThreadRef(message_id=ref.message_id, ticket_id=ref.ticket_id))
            added += 1
    s.flush()
    return added


def _copy_messages(s: Session, src: Session, queues: dict[str, str]) -> int:
    rows = src.execute(
        select(OfficeMailMessage).where(
            OfficeMailMessage.ticket_id.in_(list(queues)),
            OfficeMailMessage.outcome.in_(HANDED_OVER_OUTCOMES),
        )
    ).scalars()
    added = 0
    for m in rows:
        assert m.ticket_id is not None
        taken = s.execute(select(MailMessage.id).where(MailMessage.dedup_key == m.dedup_key)).first()
        if taken is not None or s.get(MailMessage, m.id) is not None:
            continue
        s.add(
            MailMessage(
                id=m.id,
                dedup_key=m.dedup_key,
                queue_id=queues[m.ticket_id],
                message_id=m.message_id,
                sender=m.sender,
                subject=m.subject,
                outcome=m.outcome,
                reason=m.reason,
                ticket_id=m.ticket_id,
                raw=None,
                received_at=m.received_at,
            )
        )
        added += 1
    s.flush()
    return added


def _copy_outbox(s: Session, src: Session, queues: dict[str, str]) -> int:
    rows = src.execute(
        select(OfficeMailOutbox).where(
            OfficeMailOutbox.ticket_id.in_(list(queues)),
            OfficeMailOutbox.status.in_(HANDED_OVER_STATUSES),
        )
    ).scalars()
    mailboxes: dict[str, str] = {}
    added = 0
    for o in rows:
        taken = s.execute(select(MailOutbox.id).where(MailOutbox.dedup_key == o.dedup_key)).first()
        if taken is not None or s.get(MailOutbox, o.id) is not None:
            continue
        queue_id = queues[o.ticket_id]
        if queue_id not in mailboxes:
            mailboxes[queue_id] = (
                s.execute(select(Mailbox.id).where(Mailbox.queue_id == queue_id).limit(1)).scalar() or ""
            )
        s.add(
            MailOutbox(
                id=o.id,
                dedup_key=o.dedup_key,
                ticket_id=o.ticket_id,
                kind=o.kind,
                mailbox_id=mailboxes[queue_id],
                to_address=o.to_address,
                message_id=o.message_id,
                raw=o.raw,
                status=o.status,
                attempts=o.attempts,
                next_attempt_at=o.next_attempt_at,
                last_error=o.last_error,
                created_at=o.created_at,
                sent_at=o.sent_at,
            )
        )
        if s.get(MailThreadRef, o.message_id) is None:
            s.add(MailThreadRef(message_id=o.message_id, ticket_id=o.ticket_id))
        added += 1
    s.flush()
    return added
