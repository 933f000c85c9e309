"""ticket channel: how a request reached the desk

``tickets.channel`` is one of ``phone``, ``walk_in``, ``email``, ``portal``, ``agent``
(:class:`sync.domain.ticket_channel.TicketChannel`). Tickets stored before this revision
came in, as far as anyone recorded, by phone: they get ``phone`` (also the column's
database default, as in the replica's upgrade step).

Revision ID: 0007_ticket_channel
Revises: 0006
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_ticket_channel"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=False, server_default="phone"))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("channel")
