"""Linking tickets' free-text ``asset`` and ``location`` to the records they name exactly.

Tickets filed before assets existed carry the asset and place as typed text. Once records
exist (after an import, a pull, or a demo build), :func:`link_free_text` links every ticket
whose text *is* an asset's tag or (unique) name, or a location's (unique) name or path,
letters' case aside. Text that matches nothing, or several records, stays text only: a guess
would put a ticket in the wrong asset's history. Links are journaled like any other, so they
reach the server and every colleague.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.domain.names import name_key
from sync.replica.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.replica.models import Ticket
from sync.services.asset_queries import location_path
from sync.services.ticket_place_links import link_asset_in, set_location_in

__all__ = ["FreeTextLinks", "link_free_text"]


@dataclass(frozen=True)
class FreeTextLinks:
    assets: int  # tickets linked to an asset
    locations: int  # tickets given a location


def _unique(index: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in index.items() if len(v) == 1}


def link_free_text(s: Session, actor: str, now: datetime) -> FreeTextLinks:
    """Link tickets without links whose free text matches one record exactly (see the module)."""
    assets = {a.id: a for a in s.execute(select(Asset)).scalars()}
    by_tag = {name_key(a.tag): a.id for a in assets.values()}
    by_name: dict[str, list[str]] = {}
    for a in assets.values():
        by_name.setdefault(name_key(a.name), []).append(a.id)
    asset_names = _unique(by_name)
    locations = {x.id: x for x in s.execute(select(Location)).scalars()}
    by_place: dict[str, list[str]] = {}
    for x in locations.values():
        by_place.setdefault(name_key(x.name), []).append(x.id)
        path = location_path(locations, x.id)
        for form in (path, path.replace(" › ", " > "), path.replace(" › ", "/")):
            if form != x.name:
                by_place.setdefault(name_key(form), []).append(x.id)
    places = _unique(by_place)
    linked = {r[0] for r in s.execute(select(TicketAsset.ticket_id))}
    located = {r[0] for r in s.execute(select(TicketLocation.ticket_id))}
    n_assets = n_places = 0
    rows = s.execute(
        select(Ticket.id, Ticket.asset, Ticket.location).where((Ticket.asset != "") | (Ticket.location != ""))
    )
    for ticket_id, asset_text, place_text in rows.all():
        if asset_text and ticket_id not in linked:
            key = name_key(asset_text)
            asset_id = by_tag.get(key) or asset_names.get(key)
            if asset_id is not None and link_asset_in(s, actor, now, ticket_id, assets[asset_id]):
                n_assets += 1
        if place_text and ticket_id not in located:
            location_id = places.get(name_key(place_text))
            if location_id is not None and set_location_in(
                s, actor, now, ticket_id, location_id, locations[location_id].name
            ):
                n_places += 1
    return FreeTextLinks(n_assets, n_places)
