"""auth hardening: a server secret for signed pull cursors; lockouts per user and address

Pull cursors are now signed with a key the server makes for itself (``server_secrets``,
one random key per database, made here). Sign-in throttling counts attempts per (user
name, address) with growing lockouts (``blocked_until``, ``strikes``); the old per-user
rows (``user:<name>``), which let anyone lock an owner out, are dropped.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    secrets_table = op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(secrets_table, [{"name": "cursor", "value": secrets.token_hex(32)}])
    op.add_column("signin_throttle", sa.Column("blocked_until", sa.DateTime(), nullable=True))
    op.add_column("signin_throttle", sa.Column("strikes", sa.Integer(), nullable=False, server_default="0"))
    op.execute("DELETE FROM signin_throttle")  # old keys and counts mean something else now


def downgrade() -> None:
    with op.batch_alter_table("signin_throttle") as batch:
        batch.drop_column("strikes")
        batch.drop_column("blocked_until")
    op.drop_table("server_secrets")
