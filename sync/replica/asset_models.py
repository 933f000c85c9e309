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

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.replica.models import Base

__all__ = [
    "Asset",
    "Location",
    "TicketAsset",
    "TicketLocation",
]


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
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_locations_parent", "parent_id", "name"),)


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
