"""The standalone office's mail channel: what it filed, what it threads by, what it sends.

Local to this replica, never synced (an office that joins a server configures its mailbox
there; these rows stay behind as history):

- ``OfficeMailMessage``: one inbound message seen, under a unique ``dedup_key`` (SHA-256 of
  its Message-ID and its content hash), written in the same transaction as the ticket or
  comment it made, so a message is filed exactly once across crashes and restarts.
  Quarantined messages keep their raw bytes and reason.
- ``OfficeMailThreadRef``: a Message-ID (inbound or sent) and the ticket it belongs to.
- ``OfficeMailOutbox``: one mail to send (acknowledgement, reply, resolution notice) under a
  unique ``dedup_key``; its Message-ID is fixed when queued and its bytes stored at the first
  attempt, so every retry sends the same message.

Schema step 8 (:func:`sync.replica.schema_upgrade._upgrade_add_office_mail`) creates them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.replica.models import Base

__all__ = ["OfficeMailMessage", "OfficeMailOutbox", "OfficeMailThreadRef"]


class OfficeMailMessage(Base):
    __tablename__ = "office_mail_messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str] = mapped_column(String(500))
    sender: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(16))  # ticketed replied bounce ignored quarantined
    reason: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # kept only when quarantined
    received_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_office_mail_messages_ticket", "ticket_id"),
        Index("ix_office_mail_messages_sender", "sender", "received_at"),
    )


class OfficeMailThreadRef(Base):
    __tablename__ = "office_mail_thread_refs"
    message_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))


class OfficeMailOutbox(Base):
    __tablename__ = "office_mail_outbox"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(120), unique=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))  # ack reply resolved
    to_address: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # b'' until composed at the first attempt
    status: Mapped[str] = mapped_column(String(16))  # pending sent failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_office_mail_outbox_due", "status", "next_attempt_at"),)
