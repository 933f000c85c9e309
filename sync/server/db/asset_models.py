"""The server's locations, assets and tickets' links to them (mirrors :mod:`sync.replica.asset_models`).

Same ids and field meanings as the replica. ``ticket_assets`` and ``ticket_locations`` are
scoped by their ticket in the change log (pulled only by those who see the ticket);
locations and assets are visible to every agent. Created by migration ``0008_assets_locations``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.models import Base

__all__ = ["Asset", "Location", "TicketAsset", "TicketLocation"]


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_locations_parent", "parent_id"),)


class Asset(Base):
    __tablename__ = "assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(80), default="")
    manufacturer: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    serial: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="in_use")
    location_id: Mapped[str | None] = mapped_column(String(36))
    assigned_to_id: Mapped[str | None] = mapped_column(String(36))
    purchase_date: Mapped[str | None] = mapped_column(String(10))
    warranty_end: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_assets_location", "location_id"),)


class TicketAsset(Base):
    __tablename__ = "ticket_assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    asset_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("ticket_id", "asset_id"),
        Index("ix_ticket_assets_asset", "asset_id"),
    )


class TicketLocation(Base):
    __tablename__ = "ticket_locations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), unique=True)
    location_id: Mapped[str | None] = mapped_column(String(36))
    location_name: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]

    __table_args__ = (Index("ix_ticket_locations_location", "location_id"),)
