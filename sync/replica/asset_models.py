"""Locations, assets and their links to tickets: synced records of the replica.

- ``Location``: a place in a hierarchy of any depth (site → building → floor → room...),
  ``parent_id`` naming the place it is in (None: a top-level site). Sites carry an address.
- ``Asset``: one thing with a unique ``tag`` (the key people search by and print on labels);
  serials repeat across vendors and are not unique. Dates are ISO ``YYYY-MM-DD`` text (or
  None): a warranty ends on a day, not at an instant, and the text sorts and compares.
- ``TicketAsset``: a ticket worked on an asset (several per ticket). Its id comes from the
  pair (:func:`sync.domain.assets.ticket_asset_id`), so two devices linking the same pair make one record.
- ``TicketLocation``: the one location of a ticket (id from the ticket,
  :func:`ticket_location_id`). ``location_name`` keeps the place's name as it was when
  linked, so a ticket still says where it was after the location is deleted
  (``location_id`` then becomes None).

No foreign keys between these tables and none to ``tickets``/``people``: pulls deliver
families in their own order, a location may be deleted while an offline ticket or asset
still names it, and a link may name a ticket outside this replica's scope (an asset's
history counts every ticket). Readers join and tolerate a missing row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sync.replica.models import Base
from sync.storage.asset_columns import asset_column, location_column

__all__ = [
    "Asset",
    "Location",
    "TicketAsset",
    "TicketLocation",
]


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
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_locations_parent", "parent_id", "name"),)


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
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_assets_location", "location_id"),
        Index("ix_assets_serial", "serial"),
        Index("ix_assets_name", "name"),
    )


class TicketAsset(Base):
    __tablename__ = "ticket_assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    asset_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_ticket_assets_ticket", "ticket_id"),
        Index("ix_ticket_assets_asset", "asset_id"),
    )


class TicketLocation(Base):
    __tablename__ = "ticket_locations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), unique=True)
    location_id: Mapped[str | None] = mapped_column(String(36))
    location_name: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_ticket_locations_location", "location_id"),)
