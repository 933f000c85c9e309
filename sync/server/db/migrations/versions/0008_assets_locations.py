"""assets and locations: synced records, tickets' links to them, the asset-manager flag

Locations (a hierarchy of any depth), assets (unique tag), ``ticket_assets`` (several per
ticket) and ``ticket_locations`` (one per ticket, keeping the place's name for when the
location is deleted). ``people.asset_manager`` is the flag an admin grants so an agent may
create and edit assets and locations (managers and admins may anyway).

Revision ID: 0008_assets_locations
Revises: 0006
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_assets_locations"
down_revision = "0007_ticket_channel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("parent_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_locations_parent", "locations", ["parent_id"])
    op.create_table(
        "assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tag", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("manufacturer", sa.String(120), nullable=False),
        sa.Column("model", sa.String(120), nullable=False),
        sa.Column("serial", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=True),
        sa.Column("assigned_to_id", sa.String(36), nullable=True),
        sa.Column("purchase_date", sa.String(10), nullable=True),
        sa.Column("warranty_end", sa.String(10), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_assets_location", "assets", ["location_id"])
    op.create_table(
        "ticket_assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("asset_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("ticket_id", "asset_id"),
    )
    op.create_index("ix_ticket_assets_asset", "ticket_assets", ["asset_id"])
    op.create_table(
        "ticket_locations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ticket_id", sa.String(36), nullable=False, unique=True),
        sa.Column("location_id", sa.String(36), nullable=True),
        sa.Column("location_name", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ticket_locations_location", "ticket_locations", ["location_id"])
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("asset_manager", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("asset_manager")
    for table in ("ticket_locations", "ticket_assets", "assets", "locations"):
        op.drop_table(table)
