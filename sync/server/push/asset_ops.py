"""Applying the asset and location ops: create, update (per-field merge), delete, and tickets' links.

Who may: every agent reads assets and locations and links them to tickets they can change;
creating, editing and deleting assets and locations needs a manager, an admin or an agent an
admin flagged ``asset_manager`` (:attr:`Caller.manages_assets`).

Conflicts (``*.update`` carry ``changes`` and the ``base`` the client saw): a field someone
changed meanwhile is overwritten by the later arrival and reported (``overwrote``; the old
value is in the record's activity history), as for a ticket's plain fields.

References to places that are gone do not lose the work: an asset created or moved offline
into a location deleted meanwhile lands without a location, and a ticket whose location was
deleted (before or after it was set offline) keeps the place's name as text
(``ticket_locations.location_name``, ``location_id`` None); either way the client is told.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sync.domain.assets import (
    ASSET_FIELDS,
    LOCATION_FIELDS,
    clean_asset_fields,
    clean_location_fields,
    merge_fields,
    ticket_asset_id,
    ticket_location_id,
)
from sync.errors import NotFoundError, PermissionDeniedError, ValidationError
from sync.protocol.payloads import (
    AssetCreate,
    AssetUpdate,
    LocationCreate,
    LocationDelete,
    LocationUpdate,
    TicketLinkAsset,
    TicketSetLocation,
)
from sync.server.db.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.server.db.models import Person
from sync.server.push.apply_context import ApplyContext

__all__ = [
    "apply_asset_create",
    "apply_asset_update",
    "apply_location_create",
    "apply_location_delete",
    "apply_location_update",
    "apply_ticket_link_asset",
    "apply_ticket_set_location",
]


def _require_manager(ctx: ApplyContext, action: str) -> None:
    if not ctx.caller.manages_assets:
        raise PermissionDeniedError(f"Only a manager, an admin or an asset manager can {action}.")


def _gone_location(ctx: ApplyContext, name: str, location_id: str | None) -> str | None:
    """``location_id`` if it exists; else None and a conflict saying the place is gone."""
    if location_id is None or ctx.session.get(Location, location_id) is not None:
        return location_id
    ctx.conflict(
        name,
        yours=location_id,
        server=None,
        base=None,
        resolution="kept_server",
        message="That location was deleted meanwhile; the record is kept without it.",
    )
    return None


# -- locations -----------------------------------------------------------------------------------


def apply_location_create(ctx: ApplyContext, p: LocationCreate) -> None:
    _require_manager(ctx, "add locations")
    loc = p.location
    if ctx.session.get(Location, loc.id) is not None:
        raise ValidationError("A location with this id already exists.")
    f = clean_location_fields({name: getattr(loc, name) for name in LOCATION_FIELDS})
    f["parent_id"] = _gone_location(ctx, "parent_id", f["parent_id"])
    ctx.session.add(Location(id=loc.id, created_at=loc.created_at, updated_at=loc.created_at, **f))
    ctx.touched.add("locations", loc.id)
    ctx.activity("location", loc.id, "created", None, f["name"])


def apply_location_update(ctx: ApplyContext, p: LocationUpdate) -> None:
    _require_manager(ctx, "edit locations")
    location = ctx.session.execute(
        select(Location).where(Location.id == p.location_id).with_for_update()
    ).scalar_one_or_none()
    if location is None:
        raise NotFoundError("This location does not exist (it may have been deleted).")
    changes = clean_location_fields(p.changes.present())
    if "parent_id" in changes:
        changes["parent_id"] = _gone_location(ctx, "parent_id", changes["parent_id"])
        _refuse_cycle(ctx, location.id, changes["parent_id"])
    _merge(ctx, "location", location, LOCATION_FIELDS, changes, p.base.present())
    ctx.touched.add("locations", location.id)


def _refuse_cycle(ctx: ApplyContext, location_id: str, parent_id: str | None) -> None:
    seen = {location_id}
    while parent_id is not None:
        if parent_id in seen:
            raise ValidationError("A location cannot be inside itself or one of its own rooms.")
        seen.add(parent_id)
        parent_id = ctx.session.execute(select(Location.parent_id).where(Location.id == parent_id)).scalar()


def apply_location_delete(ctx: ApplyContext, p: LocationDelete) -> None:
    """Delete an empty location (no places or assets in it); tickets keep its name as text."""
    _require_manager(ctx, "delete locations")
    s = ctx.session
    location = s.execute(
        select(Location).where(Location.id == p.location_id).with_for_update()
    ).scalar_one_or_none()
    if location is None:
        return  # already gone: deleting twice is harmless
    children = s.execute(select(func.count()).where(Location.parent_id == location.id)).scalar_one()
    assets = s.execute(select(func.count()).where(Asset.location_id == location.id)).scalar_one()
    if children or assets:
        raise ValidationError(
            f"{location.name} still holds {children} location(s) and {assets} asset(s); move or delete "
            "them first."
        )
    linked = s.execute(
        select(TicketLocation).where(TicketLocation.location_id == location.id).with_for_update()
    )
    for link in linked.scalars():
        link.location_id = None
        link.location_name = link.location_name or location.name
        link.updated_at = max(link.updated_at, ctx.device_time)
        ctx.touched.add("ticket_locations", link.id, link.ticket_id)
    ctx.activity("location", location.id, "deleted", location.name, None)
    s.delete(location)
    ctx.touched.delete("locations", location.id)


# -- assets --------------------------------------------------------------------------------------


def _check_asset_refs(ctx: ApplyContext, fields: dict[str, Any], asset_id: str) -> None:
    if "tag" in fields:
        other = ctx.session.execute(
            select(Asset.id).where(func.lower(Asset.tag) == fields["tag"].lower(), Asset.id != asset_id)
        ).scalar()
        if other is not None:
            raise ValidationError(f"Another asset is already tagged {fields['tag']!r}; tags are unique.")
    if "location_id" in fields:
        fields["location_id"] = _gone_location(ctx, "location_id", fields["location_id"])
    person = fields.get("assigned_to_id")
    if person is not None and ctx.session.get(Person, person) is None:
        raise NotFoundError("The person the asset is assigned to does not exist on the server.")


def apply_asset_create(ctx: ApplyContext, p: AssetCreate) -> None:
    _require_manager(ctx, "add assets")
    a = p.asset
    if ctx.session.get(Asset, a.id) is not None:
        raise ValidationError("An asset with this id already exists.")
    f = clean_asset_fields({name: getattr(a, name) for name in ASSET_FIELDS})
    _check_asset_refs(ctx, f, a.id)
    ctx.session.add(Asset(id=a.id, created_at=a.created_at, updated_at=a.created_at, **f))
    ctx.touched.add("assets", a.id)
    ctx.activity("asset", a.id, "created", None, f["tag"])


def apply_asset_update(ctx: ApplyContext, p: AssetUpdate) -> None:
    _require_manager(ctx, "edit assets")
    asset = ctx.session.execute(
        select(Asset).where(Asset.id == p.asset_id).with_for_update()
    ).scalar_one_or_none()
    if asset is None:
        raise NotFoundError("This asset does not exist.")
    changes = clean_asset_fields(p.changes.present())
    _check_asset_refs(ctx, changes, asset.id)
    _merge(ctx, "asset", asset, ASSET_FIELDS, changes, clean_asset_fields(p.base.present()))
    ctx.touched.add("assets", asset.id)


def _merge(
    ctx: ApplyContext,
    entity_type: str,
    record: Asset | Location,
    names: tuple[str, ...],
    changes: dict[str, Any],
    base: dict[str, Any],
) -> None:
    current = {name: getattr(record, name) for name in names}
    merged = merge_fields(current, changes, base)
    for note in merged.overwrote:
        ctx.conflict(
            note.field,
            yours=note.yours,
            server=note.server,
            base=note.base,
            resolution="overwrote",
            message="This field was changed meanwhile; your value replaced it (the other is in the history).",
        )
    for name, value in merged.apply.items():
        ctx.activity(entity_type, record.id, name, current[name], value)
        setattr(record, name, value)
    if merged.apply:
        record.updated_at = max(record.updated_at, ctx.device_time)


# -- tickets' links ------------------------------------------------------------------------------


def apply_ticket_link_asset(ctx: ApplyContext, p: TicketLinkAsset) -> None:
    ticket = ctx.ticket_for_update(p.ticket_id)
    link_id = ticket_asset_id(ticket.id, p.asset_id)
    link = ctx.session.get(TicketAsset, link_id)
    asset = ctx.session.get(Asset, p.asset_id)
    if p.linked:
        if asset is None:
            raise NotFoundError("This asset does not exist on the server.")
        if link is not None:
            return
        ctx.session.add(
            TicketAsset(id=link_id, ticket_id=ticket.id, asset_id=asset.id, created_at=ctx.device_time)
        )
        ctx.touched.add("ticket_assets", link_id, ticket.id)
        ctx.activity("ticket", ticket.id, "asset_link", None, asset.tag)
    elif link is not None:
        ctx.session.delete(link)
        ctx.touched.delete("ticket_assets", link_id, ticket.id)
        ctx.activity("ticket", ticket.id, "asset_link", asset.tag if asset else p.asset_id, None)


def apply_ticket_set_location(ctx: ApplyContext, p: TicketSetLocation) -> None:
    ticket = ctx.ticket_for_update(p.ticket_id)
    location_id = p.location_id
    name = p.location_name.strip()
    if location_id is not None:
        location = ctx.session.get(Location, location_id)
        if location is None:
            ctx.conflict(
                "location_id",
                yours=location_id,
                server=None,
                base=None,
                resolution="kept_server",
                message=f"The location {name or location_id!r} was deleted meanwhile; the ticket keeps "
                "its name as text.",
            )
            location_id = None
        else:
            name = location.name
    link_id = ticket_location_id(ticket.id)
    link = ctx.session.get(TicketLocation, link_id)
    old = link.location_name if link else None
    if link is None:
        link = TicketLocation(id=link_id, ticket_id=ticket.id, updated_at=ctx.device_time)
        ctx.session.add(link)
    link.location_id = location_id
    link.location_name = name
    link.updated_at = max(link.updated_at, ctx.device_time)
    ctx.touched.add("ticket_locations", link_id, ticket.id)
    if old != name:
        ctx.activity("ticket", ticket.id, "location_link", old, name or None)
