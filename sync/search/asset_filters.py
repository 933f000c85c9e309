"""``asset:``, ``location:`` and ``warranty:`` as conditions on tickets.

- ``asset:FAC-0042``: a linked asset has this tag (letter case aside), or the ticket's
  free-text asset is exactly it (tickets from before the register);
- ``location:"Fernley Pavilion"``: the ticket's location, or a linked asset's location, is
  the named place (by name or path, ``Site/Building``) or anywhere below it; or the
  free-text location is exactly the name;
- ``warranty:expired`` / ``warranty:active``: a linked asset's warranty ended before today /
  has an end date today or later (judged on the replica's local date).

Locations are few (hundreds, a few thousand): the subtree is resolved in Python from one
read of the table, then used as an ``IN`` list.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import Session

from sync.replica.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.replica.models import Ticket
from sync.search.query_model import TextField

__all__ = ["PLACE_FIELDS", "asset_condition", "places_named"]

PLACE_FIELDS = frozenset({TextField.ASSET, TextField.LOCATION, TextField.WARRANTY})


def places_named(session: Session, value: str) -> list[str]:
    """The locations ``value`` names (a name, or a path with ``/``, ``>`` or ``›``) and all below them."""
    rows = list(session.execute(select(Location.id, Location.parent_id, Location.name)))
    parent = {r[0]: r[1] for r in rows}
    name = {r[0]: r[2].casefold() for r in rows}

    def path(loc: str) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        cur: str | None = loc
        while cur is not None and cur in name and cur not in seen:
            seen.add(cur)
            out.append(name[cur])
            cur = parent[cur]
        return out[::-1]

    parts = [p.strip().casefold() for p in value.replace("›", "/").replace(">", "/").split("/") if p.strip()]
    roots = {loc for loc in name if (len(parts) == 1 and name[loc] == parts[0]) or path(loc) == parts}
    children: dict[str | None, list[str]] = {}
    for loc, up in parent.items():
        children.setdefault(up, []).append(loc)
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def asset_condition(
    session: Session, field: TextField, value: str, today: date | None = None
) -> ColumnElement[bool]:
    if field is TextField.ASSET:
        tagged = select(Asset.id).where(func.lower(Asset.tag) == value.lower())
        return or_(
            exists().where(TicketAsset.ticket_id == Ticket.id, TicketAsset.asset_id.in_(tagged)),
            func.lower(Ticket.asset) == value.lower(),
        )
    if field is TextField.LOCATION:
        places = places_named(session, value)
        in_places = select(Asset.id).where(Asset.location_id.in_(places))
        return or_(
            exists().where(TicketLocation.ticket_id == Ticket.id, TicketLocation.location_id.in_(places)),
            exists().where(TicketAsset.ticket_id == Ticket.id, TicketAsset.asset_id.in_(in_places)),
            func.lower(Ticket.location) == value.lower(),
        )
    day = (today or date.today()).isoformat()
    ended = Asset.warranty_end < day if value == "expired" else Asset.warranty_end >= day
    return exists().where(
        TicketAsset.ticket_id == Ticket.id,
        Asset.id == TicketAsset.asset_id,
        Asset.warranty_end.is_not(None),
        ended,
    )
