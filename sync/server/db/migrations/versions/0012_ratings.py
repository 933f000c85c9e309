"""ratings become synced records; spent one-click rating links

Ratings were kept by the portal alone. Now they travel to replicas as the pull family
``ratings``: every rating that already exists gets a change-log row (under one new
version, scoped by its ticket), so replicas pull it on their next round. The new table
``portal_rating_links`` remembers each signed rating link of a resolution mail that was
used (by the SHA-256 of its nonce), so a link records a score once; the server secret
``rating_link`` (random, made here) is the HMAC key that signs those links.

Revision ID: 0012_ratings
Revises: 0011_portal
Create Date: 2026-12-07 20:15:00
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012_ratings"
down_revision = "0011_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_rating_links",
        sa.Column("nonce_hash", sa.String(64), primary_key=True),
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
    )
    server_secrets = sa.table("server_secrets", sa.column("name", sa.String), sa.column("value", sa.String))
    op.bulk_insert(server_secrets, [{"name": "rating_link", "value": secrets.token_hex(32)}])
    bind = op.get_bind()
    ratings = [str(r[0]) for r in bind.execute(sa.text("SELECT ticket_id FROM portal_ratings"))]
    if not ratings:
        return
    bind.execute(sa.text("UPDATE server_state SET last_version = last_version + 1 WHERE id = 1"))
    version = int(bind.execute(sa.text("SELECT last_version FROM server_state WHERE id = 1")).scalar_one())
    change_log = sa.table(
        "change_log",
        sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.String),
        sa.column("version", sa.BigInteger),
        sa.column("ticket_id", sa.String),
        sa.column("deleted", sa.Boolean),
    )
    op.bulk_insert(
        change_log,
        [
            {"entity_type": "ratings", "entity_id": t, "version": version, "ticket_id": t, "deleted": False}
            for t in ratings
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM change_log WHERE entity_type = 'ratings'")
    op.execute("DELETE FROM server_secrets WHERE name = 'rating_link'")
    op.drop_table("portal_rating_links")
