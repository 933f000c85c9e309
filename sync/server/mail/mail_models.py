"""Tables of the email channel (migration ``0009_mail_channel``).

- ``Mailbox``: one per queue address: where to fetch (IMAP) and send (SMTP) and how to
  log in. The password is never stored in clear: ``secret`` is sealed with the mail key
  (:mod:`sync.server.mail.mail_secrets`), or ``secret_ref`` names an environment variable
  or a file the admin keeps it in.
- ``MailMessage``: every inbound message the desk has seen, keyed by ``dedup_key``
  (SHA-256 of Message-ID and content hash, unique): the row commits in the same
  transaction as the ticket or comment it made, which is what makes intake exactly-once.
  A quarantined message keeps its raw bytes so an admin can retry it.
- ``MailThreadRef``: message ids (inbound and outbound) → ticket, for threading replies.
- ``MailTemplateRow``: a queue's own wording of a notice or reply (``sync.mail.compose``
  has the defaults and the placeholders).
- ``MailOutbox``: outbound mail, composed once (fixed Message-ID and bytes) and sent with
  retries; ``dedup_key`` (unique) makes queuing the same reply or notice twice a no-op.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.models import Base

__all__ = ["MailMessage", "MailOutbox", "MailTemplateRow", "MailThreadRef", "Mailbox"]


class Mailbox(Base):
    __tablename__ = "mailboxes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    queue_id: Mapped[str] = mapped_column(String(36))
    address: Mapped[str] = mapped_column(String(200), unique=True)  # lower-cased
    imap_url: Mapped[str] = mapped_column(String(500), default="")  # no password in it
    smtp_url: Mapped[str] = mapped_column(String(500), default="")
    username: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(Text, default="")  # sealed password, '' when secret_ref is used
    secret_ref: Mapped[str] = mapped_column(String(300), default="")  # env:NAME or file:/path
    processed: Mapped[str] = mapped_column(String(120), default="flag")  # flag | move:FOLDER
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    last_fetch_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class MailMessage(Base):
    __tablename__ = "mail_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    queue_id: Mapped[str] = mapped_column(String(36))
    message_id: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    # ticketed | replied | bounce | ignored | quarantined | retried
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_mail_messages_sender_time", "sender", "received_at"),
        Index("ix_mail_messages_outcome", "outcome"),
    )


class MailThreadRef(Base):
    __tablename__ = "mail_thread_refs"
    message_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))

    __table_args__ = (Index("ix_mail_thread_refs_ticket", "ticket_id"),)


class MailOutbox(Base):
    __tablename__ = "mail_outbox"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)  # reply:<comment>, ack:<ticket>, …
    ticket_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # reply | ack | resolved
    mailbox_id: Mapped[str] = mapped_column(String(36))
    to_address: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)


class MailTemplateRow(Base):
    __tablename__ = "mail_templates"
    queue_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # ack | reply | resolved
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
