"""The server's locations, assets and tickets' links to them (mirrors :mod:`sync.replica.asset_models`).

Same ids and field meanings as the replica. ``ticket_assets`` and ``ticket_locations`` are
scoped by their ticket in the change log (pulled only by those who see the ticket);
locations and assets are visible to every agent. Created by migration ``0008_assets_locations``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.models import Base
from sync.storage.asset_columns import asset_column, location_column

__all__ = ["Asset", "Location", "TicketAsset", "TicketLocation"]


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[str] = location_column("id")
    parent_id: Mapped[str | None] = location_column("parent_id")
    name: Mapped[str] = location_column("name")
    kind: Mapped[str] = location_column("kind")
    address: Mapped[str] = location_column("address")
    notes: Mapped[str] = location_column("notes")
    created_at: Mapped[datetime] = location_column("created_at")
    updated_at: Mapped[datetime] = location_column("updated_at")

    __table_args__ = (Index("ix_locations_parent", "parent_id"),)


class Asset(Base):
    __tablename__ = "assets"
    id: Mapped[str] = asset_column("id")
    tag: Mapped[str] = asset_column("tag")
    name: Mapped[str] = asset_column("name")
    type: Mapped[str] = asset_column("type")
    manufacturer: Mapped[str] = asset_column("manufacturer")
    model: Mapped[str] = asset_column("model")
    serial: Mapped[str] = asset_column("serial")
    status: Mapped[str] = asset_column("status")
    location_id: Mapped[str | None] = asset_column("location_id")
    assigned_to_id: Mapped[str | None] = asset_column("assigned_to_id")
    purchase_date: Mapped[str | None] = asset_column("purchase_date")
    warranty_end: Mapped[str | None] = asset_column("warranty_end")
    notes: Mapped[str] = asset_column("notes")
    created_at: Mapped[datetime] = asset_column("created_at")
    updated_at: Mapped[datetime] = asset_column("updated_at")

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
