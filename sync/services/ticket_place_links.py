"""A ticket's links to assets and to its one location, written inside a caller's unit of work.

These are the ``ticket.link_asset`` and ``ticket.set_location`` writes shared by the pane's
link actions (:class:`~sync.services.asset_service.AssetService`), the free-text matcher
(:mod:`sync.assets.free_text`) and ticket creation (:func:`~sync.services.ticket_operations.create_in`
with a draft's ``asset_ids``/``location_id``). Each changes the link, records an activity
entry on the ticket and journals one mutation; none commits. They sit below the ticket
write path (they import only the journal, the replica models and the domain), so
:mod:`sync.services.ticket_operations` may call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from sync.domain.assets import ticket_asset_id, ticket_location_id
from sync.errors import NotFoundError
from sync.protocol.ops import Op
from sync.replica.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.services.journal import record_activity, record_mutation

__all__ = ["link_asset_in", "link_new_ticket_in", "set_location_in"]


def link_asset_in(
    s: Session, actor: str, now: datetime, ticket_id: str, asset: Asset, *, linked: bool = True
) -> bool:
    """Link or unlink inside ``s``; False when nothing changed."""
    link_id = ticket_asset_id(ticket_id, asset.id)
    link = s.get(TicketAsset, link_id)
    if linked == (link is not None):
        return False
    if linked:
        s.add(TicketAsset(id=link_id, ticket_id=ticket_id, asset_id=asset.id, created_at=now))
    else:
        s.delete(link)
    record_activity(
        s,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field="asset_link",
        old=None if linked else asset.tag,
        new=asset.tag if linked else None,
        at=now,
    )
    record_mutation(
        s,
        op=Op.TICKET_LINK_ASSET,
        entity_type="ticket",
        entity_id=ticket_id,
        payload={"ticket_id": ticket_id, "asset_id": asset.id, "linked": linked},
        device_time=now,
        actor_id=actor,
    )
    return True


def set_location_in(
    s: Session, actor: str, now: datetime, ticket_id: str, location_id: str | None, name: str
) -> bool:
    """Set (or with ``location_id=None`` and ``name=""`` clear) the ticket's one location
    inside ``s``, keeping ``name`` as text; False when nothing changed."""
    link_id = ticket_location_id(ticket_id)
    link = s.get(TicketLocation, link_id)
    if link is not None and link.location_id == location_id and link.location_name == name:
        return False
    old = link.location_name if link is not None else None
    if link is None:
        link = TicketLocation(id=link_id, ticket_id=ticket_id, updated_at=now)
        s.add(link)
    link.location_id, link.location_name, link.updated_at = location_id, name, now
    record_activity(
        s,
        entity_type="ticket",
        entity_id=ticket_id,
        actor_id=actor,
        field="location_link",
        old=old,
        new=name or None,
        at=now,
    )
    record_mutation(
        s,
        op=Op.TICKET_SET_LOCATION,
        entity_type="ticket",
        entity_id=ticket_id,
        payload={"ticket_id": ticket_id, "location_id": location_id, "location_name": name},
        device_time=now,
        actor_id=actor,
    )
    return True


def link_new_ticket_in(
    s: Session,
    actor: str,
    now: datetime,
    ticket_id: str,
    asset_ids: Sequence[str],
    location_id: str | None,
) -> dict[str, tuple[None, object]]:
    """Link a ticket just created in ``s`` to ``asset_ids`` (in order, repeats ignored) and
    ``location_id``. Raises :class:`~sync.errors.NotFoundError` for an asset or location
    this replica does not hold (the caller's transaction then rolls back: no ticket without
    the links the person picked). Returns the link changes for the ticket's write record."""
    changes: dict[str, tuple[None, object]] = {}
    assets = []
    for asset_id in dict.fromkeys(asset_ids):
        asset = s.get(Asset, asset_id)
        if asset is None:
            raise NotFoundError("An asset picked for the ticket is no longer in the register.")
        assets.append(asset)
    location = None
    if location_id is not None:
        location = s.get(Location, location_id)
        if location is None:
            raise NotFoundError("The location picked for the ticket is no longer in the register.")
    for asset in assets:
        link_asset_in(s, actor, now, ticket_id, asset)
    if assets:
        changes["asset_link"] = (None, tuple(a.tag for a in assets))
    if location is not None:
        set_location_in(s, actor, now, ticket_id, location.id, location.name)
        changes["location_link"] = (None, location.name)
    return changes
