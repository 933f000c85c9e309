"""index the change log by family and version

A pull reads each record family over a version range; without this index every family
query scanned the whole range of all families.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_change_log_family_version", "change_log", ["entity_type", "version"])


def downgrade() -> None:
    op.drop_index("ix_change_log_family_version", table_name="change_log")
