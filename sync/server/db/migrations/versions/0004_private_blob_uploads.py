"""private blob uploads; downloads authorized by a visible attachment

Before this revision an unfinished upload was one row shared by every user (anyone could
block it or finish it), a stored blob answered each re-uploaded chunk by comparing it with
its bytes (so a stranger could read a file byte by byte), and a completed "upload" left a
standing claim that allowed downloads. Now each user's upload is their own
(``blob_uploads`` with staged bytes in ``blob_upload_chunks``), and downloads need an
attachment on a ticket the caller can see (see ``sync.server.push.blob_service``).

Data: complete blobs and their bytes stay. Unfinished shared uploads are deleted (their
uploaders start again, answered as a fresh upload). Claims are dropped: attachments now
authorize downloads. ``blobs.received`` and ``blobs.complete`` go: a blob row now always
means complete, verified content.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_uploads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("touched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "sha256", name="uq_blob_uploads_user_sha"),
    )
    op.create_index("ix_blob_uploads_sha", "blob_uploads", ["sha256"])
    op.create_index("ix_blob_uploads_touched", "blob_uploads", ["touched_at"])
    op.create_table(
        "blob_upload_chunks",
        sa.Column("upload_id", sa.String(length=36), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["upload_id"], ["blob_uploads.id"]),
        sa.PrimaryKeyConstraint("upload_id", "offset"),
    )
    op.drop_table("blob_claims")
    op.execute("DELETE FROM blob_chunks WHERE sha256 IN (SELECT sha256 FROM blobs WHERE NOT complete)")
    op.execute("DELETE FROM blobs WHERE NOT complete")
    # Plain ALTER TABLE ... DROP COLUMN (PostgreSQL; SQLite >= 3.35): neither column is part of
    # a key, index or constraint, and a batch rebuild of ``blobs`` would trip its foreign keys.
    op.execute("ALTER TABLE blobs DROP COLUMN received")
    op.execute("ALTER TABLE blobs DROP COLUMN complete")


def downgrade() -> None:
    op.add_column("blobs", sa.Column("received", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column(
        "blobs", sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.text("true"))
    )
    op.execute("UPDATE blobs SET received = size")
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
        "SELECT sha256, uploaded_by_id, size, true FROM blobs WHERE uploaded_by_id IS NOT NULL"
    )
    op.drop_table("blob_upload_chunks")
    op.drop_index("ix_blob_uploads_touched", table_name="blob_uploads")
    op.drop_index("ix_blob_uploads_sha", table_name="blob_uploads")
    op.drop_table("blob_uploads")
