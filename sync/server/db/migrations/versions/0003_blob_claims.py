"""blob claims: who has shown they hold a blob's bytes

Before this revision anyone who knew a blob's SHA-256 could attach it to a ticket of their
own and then download it. A claim is now required (see ``sync.server.push.blob_service``). Every
complete blob's uploader keeps access: their claim is created here.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_claims",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("verified", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"]),
        sa.PrimaryKeyConstraint("sha256", "user_id"),
    )
    op.execute(
        "INSERT INTO blob_claims (sha256, user_id, verified, complete) "
        "SELECT sha256, uploaded_by_id, size, complete FROM blobs "
        "WHERE uploaded_by_id IS NOT NULL AND complete"
    )


def downgrade() -> None:
    op.drop_table("blob_claims")
