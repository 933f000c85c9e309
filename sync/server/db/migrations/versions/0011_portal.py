"""requester portal: sign-in links and their requests, sessions, deflections, ratings

Revision ID: 0011_portal
Revises: 0009_mail_channel
Create Date: 2026-12-07 17:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_portal"
down_revision = "0009_mail_channel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_link_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_portal_link_requests_address", "portal_link_requests", ["address", "at"])
    op.create_index("ix_portal_link_requests_source", "portal_link_requests", ["source", "at"])
    op.create_table(
        "portal_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_portal_sessions_person", "portal_sessions", ["person_id"])
    op.create_table(
        "portal_deflections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("article_id", sa.String(36), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "portal_ratings",
        sa.Column("ticket_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("portal_ratings")
    op.drop_table("portal_deflections")
    op.drop_index("ix_portal_sessions_person", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_table("portal_links")
    op.drop_index("ix_portal_link_requests_source", table_name="portal_link_requests")
    op.drop_index("ix_portal_link_requests_address", table_name="portal_link_requests")
    op.drop_table("portal_link_requests")
