"""mail channel: mailboxes, inbound messages, thread references, the outbox

See ``sync.server.mail.mail_models`` for what each table holds. ``mail_messages.dedup_key``
and ``mail_outbox.dedup_key`` are unique: they make intake and queuing exactly-once.

Revision ID: 0009_mail_channel
Revises: 0006
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009_mail_channel"
down_revision = "0008_assets_locations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("queue_id", sa.String(36), nullable=False),
        sa.Column("address", sa.String(200), nullable=False, unique=True),
        sa.Column("imap_url", sa.String(500), nullable=False),
        sa.Column("smtp_url", sa.String(500), nullable=False),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("secret_ref", sa.String(300), nullable=False),
        sa.Column("processed", sa.String(120), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_fetch_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dedup_key", sa.String(64), nullable=False, unique=True),
        sa.Column("queue_id", sa.String(36), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.String(36), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_mail_messages_sender_time", "mail_messages", ["sender", "received_at"])
    op.create_index("ix_mail_messages_outcome", "mail_messages", ["outcome"])
    op.create_table(
        "mail_thread_refs",
        sa.Column("message_id", sa.String(500), primary_key=True),
        sa.Column("ticket_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_mail_thread_refs_ticket", "mail_thread_refs", ["ticket_id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("dedup_key", sa.String(120), nullable=False, unique=True),
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mailbox_id", sa.String(36), nullable=False),
        sa.Column("to_address", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(500), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "mail_templates",
        sa.Column("queue_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mail_templates")
    op.drop_table("mail_outbox")
    op.drop_table("mail_thread_refs")
    op.drop_table("mail_messages")
    op.drop_table("mailboxes")
