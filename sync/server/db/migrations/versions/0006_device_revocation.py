"""device revocation: a lost device's replica is no longer trusted

``sync_clients.revoked_at`` is set by ``outpost-server device revoke CLIENT_ID`` (or the
admin route). A revoked client's requests and sign-ins are refused with the error kind
``device_revoked``; the client then wipes its replica without pushing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_clients") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_clients") as batch:
        batch.drop_column("revoked_at")
