"""Reading assets and locations from the replica as plain data (for the CLI, search and the app).

Everything here is read-only and returns frozen dataclasses. A location's subtree is read
with one recursive query (:func:`subtree_ids`), so "in Fernley Pavilion" includes its
buildings, floors and rooms at any depth. Missing rows are tolerated: a link may name a
ticket outside this replica's scope, and an asset may name a location deleted meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from sync.domain.assets import warranty_state
from sync.domain.names import name_key
from sync.domain.ticket_status import OPEN_STATUSES
from sync.errors import NotFoundError
from sync.replica.asset_models import Asset, Location, TicketAsset, TicketLocation
from sync.replica.models import Activity, Person, Ticket, WorkLog
from sync.services.journal import pending_entity_ids
from sync.services.ticket_views import display_number

__all__ = [
    "AssetDetail",
    "AssetRow",
    "AssetTicket",
    "AssetWork",
    "HistoryLine",
    "LocationDetail",
    "LocationRow",
    "TicketPlace",
    "asset_detail",
    "find_asset",
    "find_location",
    "list_assets",
    "location_detail",
    "location_path",
    "location_rows",
    "lookup_assets",
    "subtree_ids",
    "ticket_place",
]

_OPEN = tuple(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class AssetRow:
    id: str
    tag: str
    name: str
    type: str
    status: str
    serial: str
    location: str  # the path, "Fernley Pavilion › Plant room B"
    warranty_end: str | None


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AssetTicket:
    id: str
    ref: str
    subject: str
    status: str
    minutes: int
    updated_at: datetime


@dataclass(frozen=True)
class AssetWork:
    ticket_ref: str
    author: str
    minutes: int
    travel_minutes: int
    note: str
    parts: str
    logged_at: datetime


@dataclass(frozen=True)
class AssetDetail:
    id: str
    tag: str
    name: str
    type: str
    manufacturer: str
    model: str
    serial: str
    status: str
    location_id: str | None
    location: str
    assigned_to: str
    purchase_date: str | None
    warranty_end: str | None
    warranty: str  # none | active | expired
    notes: str
    open_tickets: tuple[AssetTicket, ...]
    tickets: tuple[AssetTicket, ...]  # every linked ticket, newest first
    work: tuple[AssetWork, ...]  # every work log on those tickets, newest first
    total_minutes: int
    history: tuple[HistoryLine, ...]  # the asset's own changes, oldest first
    unsynced: bool


@dataclass(frozen=True)
class LocationRow:
    id: str
    parent_id: str | None
    name: str
    kind: str
    depth: int
    path: str


@dataclass(frozen=True)
class LocationDetail:
    id: str
    name: str
    kind: str
    address: str
    notes: str
    path: str
    site_address: str  # the address of the site it is in (its own for a site)
    children: tuple[LocationRow, ...]
    assets: tuple[AssetRow, ...]  # in it or anywhere below it
    open_tickets: tuple[AssetTicket, ...]  # located in it or below, or on its assets


@dataclass(frozen=True)
class TicketPlace:
    """A ticket's location (``location_id`` None: kept as text) and linked assets."""

    location_id: str | None
    location: str
    assets: tuple[AssetRow, ...]


# -- locations -----------------------------------------------------------------------------------


def _locations(s: Session) -> dict[str, Location]:
    return {loc.id: loc for loc in s.execute(select(Location)).scalars()}


def location_path(locations: dict[str, Location], location_id: str | None) -> str:
    """ "Site › Building › Room" (cycles and missing parents stop the walk)."""
    names: list[str] = []
    seen: set[str] = set()
    while location_id is not None and location_id in locations and location_id not in seen:
        seen.add(location_id)
        loc = locations[location_id]
        names.append(loc.name)
        location_id = loc.parent_id
    return " › ".join(reversed(names))


def location_rows(s: Session) -> list[LocationRow]:
    """Every location as a tree in display order (children by name under their parent)."""
    locations = _locations(s)
    children: dict[str | None, list[Location]] = {}
    for loc in locations.values():
        parent = loc.parent_id if loc.parent_id in locations else None
        children.setdefault(parent, []).append(loc)
    out: list[LocationRow] = []

    def walk(parent: str | None, depth: int) -> None:
        for loc in sorted(children.get(parent, []), key=lambda x: name_key(x.name)):
            out.append(
                LocationRow(
                    loc.id, loc.parent_id, loc.name, loc.kind, depth, location_path(locations, loc.id)
                )
            )
            if depth < 64:
                walk(loc.id, depth + 1)

    walk(None, 0)
    return out


def subtree_ids(s: Session, location_ids: Iterable[str]) -> set[str]:
    """The given locations and every location below them, at any depth."""
    roots = list(location_ids)
    if not roots:
        return set()
    marks = ", ".join(f":r{i}" for i in range(len(roots)))
    rows = s.execute(
        text(
            f"WITH RECURSIVE sub(id) AS (SELECT id FROM locations WHERE id IN ({marks}) "
            "UNION SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id) SELECT id FROM sub"
        ),
        {f"r{i}": r for i, r in enumerate(roots)},
    )
    return {str(r[0]) for r in rows}


def find_location(s: Session, ref: str) -> Location:
    """A location by id, by name (letter case ignored) or by path ("Site › Room" or "Site/Room")."""
    loc = s.get(Location, ref)
    if loc is not None:
        return loc
    key = name_key(ref)
    locations = _locations(s)
    by_name = [x for x in locations.values() if name_key(x.name) == key]
    if len(by_name) == 1:
        return by_name[0]
    wanted = [name_key(p) for p in ref.replace("›", "/").split("/") if p.strip()]
    by_path = [
        x
        for x in locations.values()
        if [name_key(p) for p in location_path(locations, x.id).split(" › ")] == wanted
    ]
    if len(by_path) == 1:
        return by_path[0]
    if by_name:
        paths = ", ".join(sorted(location_path(locations, x.id) for x in by_name))
        raise NotFoundError(f"Several locations are named {ref!r} ({paths}); give the path.")
    raise NotFoundError(f"No location named {ref!r}.")


def locations_matching(s: Session, ref: str) -> set[str]:
    """Ids of the locations a search term names (by name or path, letter case ignored), and every
    location below them; empty when none matches."""
    key = name_key(ref)
    locations = _locations(s)
    roots = [
        x.id
        for x in locations.values()
        if name_key(x.name) == key or name_key(location_path(locations, x.id).replace(" › ", "/")) == key
    ]
    return subtree_ids(s, roots)


# -- assets --------------------------------------------------------------------------------------


#: The columns a list row needs: rows are read as tuples, not ORM objects (a 500-row page of a
#: 50k register costs a fraction of loading whole entities).
_ROW_COLUMNS = (
    Asset.id,
    Asset.tag,
    Asset.name,
    Asset.type,
    Asset.status,
    Asset.serial,
    Asset.location_id,
    Asset.warranty_end,
)


def _rows(s: Session, assets: Iterable[Any], locations: dict[str, Location] | None = None) -> list[AssetRow]:
    """``assets``: Asset objects or rows of :data:`_ROW_COLUMNS` (read by attribute name)."""
    locations = _locations(s) if locations is None else locations
    return [
        AssetRow(
            a.id,
            a.tag,
            a.name,
            a.type,
            a.status,
            a.serial,
            location_path(locations, a.location_id),
            a.warranty_end,
        )
        for a in assets
    ]


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_assets(
    s: Session,
    *,
    query: str = "",
    location: str | None = None,
    warranty_expired_on: date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AssetRow]:
    """Assets by tag, filtered by words (tag, name, serial, model, type, manufacturer), by a
    location and everything below it, and by an expired warranty."""
    stmt = select(*_ROW_COLUMNS)
    for word in query.split():
        pattern = _like(word)
        stmt = stmt.where(
            or_(
                *(
                    col.ilike(pattern, escape="\\")
                    for col in (
                        Asset.tag,
                        Asset.name,
                        Asset.serial,
                        Asset.model,
                        Asset.type,
                        Asset.manufacturer,
                    )
                )
            )
        )
    if location:
        ids = subtree_ids(s, [find_location(s, location).id])
        stmt = stmt.where(Asset.location_id.in_(sorted(ids)))
    if warranty_expired_on is not None:
        stmt = stmt.where(Asset.warranty_end < warranty_expired_on.isoformat())
    stmt = stmt.order_by(Asset.tag).limit(limit).offset(offset)
    return _rows(s, s.execute(stmt))


def lookup_assets(s: Session, term: str, *, limit: int = 20) -> list[AssetRow]:
    """For pickers: assets whose tag, serial or name contains ``term``, or that are in a location
    whose name contains it; exact tag matches first."""
    term = term.strip()
    if not term:
        return _rows(s, s.execute(select(*_ROW_COLUMNS).order_by(Asset.tag).limit(limit)))
    pattern = _like(term)
    places = [
        r[0]
        for r in s.execute(select(Location.id).where(Location.name.ilike(pattern, escape="\\")).limit(50))
    ]
    in_places = subtree_ids(s, places)
    stmt = (
        select(*_ROW_COLUMNS)
        .where(
            or_(
                Asset.tag.ilike(pattern, escape="\\"),
                Asset.serial.ilike(pattern, escape="\\"),
                Asset.name.ilike(pattern, escape="\\"),
                Asset.location_id.in_(sorted(in_places)),
            )
        )
        .order_by((func.lower(Asset.tag) != term.lower()), Asset.tag)
        .limit(limit)
    )
    return _rows(s, s.execute(stmt))


def find_asset(s: Session, ref: str) -> Asset:
    """An asset by id or by tag (letter case ignored)."""
    asset = s.get(Asset, ref)
    if asset is None:
        asset = s.execute(select(Asset).where(func.lower(Asset.tag) == ref.strip().lower())).scalar()
    if asset is None:
        raise NotFoundError(f"No asset tagged {ref!r}.")
    return asset


def _tickets(s: Session, ticket_ids: Iterable[str]) -> list[AssetTicket]:
    ids = sorted(set(ticket_ids))
    if not ids:
        return []
    minutes = {
        tid: total
        for tid, total in s.execute(
            select(WorkLog.ticket_id, func.sum(WorkLog.minutes + WorkLog.travel_minutes))
            .where(WorkLog.ticket_id.in_(ids))
            .group_by(WorkLog.ticket_id)
        )
    }
    rows = s.execute(
        select(
            Ticket.id, Ticket.number, Ticket.local_number, Ticket.subject, Ticket.status, Ticket.updated_at
        ).where(Ticket.id.in_(ids))
    )
    out = [
        AssetTicket(tid, display_number(num, local), subject, status, int(minutes.get(tid) or 0), updated)
        for tid, num, local, subject, status, updated in rows
    ]
    out.sort(key=lambda t: t.updated_at, reverse=True)
    return out


def _names(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {pid: name for pid, name in s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))}


def asset_detail(s: Session, ref: str, today: date) -> AssetDetail:
    """The asset page: details, tickets (open first), every work log on them, its own history."""
    a = find_asset(s, ref)
    locations = _locations(s)
    ticket_ids = [r[0] for r in s.execute(select(TicketAsset.ticket_id).where(TicketAsset.asset_id == a.id))]
    tickets = _tickets(s, ticket_ids)
    logs = list(
        s.execute(
            select(
                WorkLog.ticket_id,
                WorkLog.author_id,
                WorkLog.minutes,
                WorkLog.travel_minutes,
                WorkLog.note,
                WorkLog.parts,
                WorkLog.logged_at,
            ).where(WorkLog.ticket_id.in_(sorted(set(ticket_ids))))
        )
    )
    history = list(
        s.execute(
            select(Activity)
            .where(Activity.entity_type == "asset", Activity.entity_id == a.id)
            .order_by(Activity.at)
        ).scalars()
    )
    names = _names(s, [a.assigned_to_id, *(w.author_id for w in logs), *(h.actor_id for h in history)])
    refs = {t.id: t.ref for t in tickets}
    work = sorted(
        (
            AssetWork(
                refs.get(w.ticket_id, "?"),
                names.get(w.author_id or "", ""),
                w.minutes,
                w.travel_minutes,
                w.note,
                w.parts,
                w.logged_at,
            )
            for w in logs
        ),
        key=lambda w: w.logged_at,
        reverse=True,
    )
    return AssetDetail(
        id=a.id,
        tag=a.tag,
        name=a.name,
        type=a.type,
        manufacturer=a.manufacturer,
        model=a.model,
        serial=a.serial,
        status=a.status,
        location_id=a.location_id,
        location=location_path(locations, a.location_id),
        assigned_to=names.get(a.assigned_to_id or "", ""),
        purchase_date=a.purchase_date,
        warranty_end=a.warranty_end,
        warranty=warranty_state(a.warranty_end, today),
        notes=a.notes,
        open_tickets=tuple(t for t in tickets if t.status in _OPEN),
        tickets=tuple(tickets),
        work=tuple(work),
        total_minutes=sum(w.minutes + w.travel_minutes for w in work),
        history=tuple(
            HistoryLine(h.at, names.get(h.actor_id or "", ""), h.field, h.old_value, h.new_value)
            for h in history
        ),
        unsynced=bool(pending_entity_ids(s, [a.id])),
    )


def location_detail(s: Session, ref: str) -> LocationDetail:
    """The location page: where it is, what is in it (at any depth), its open tickets."""
    loc = find_location(s, ref)
    locations = _locations(s)
    below = subtree_ids(s, [loc.id])
    assets = list(
        s.execute(select(Asset).where(Asset.location_id.in_(sorted(below))).order_by(Asset.tag)).scalars()
    )
    located = {
        r[0]
        for r in s.execute(
            select(TicketLocation.ticket_id).where(TicketLocation.location_id.in_(sorted(below)))
        )
    }
    on_assets = {
        r[0]
        for r in s.execute(
            select(TicketAsset.ticket_id).where(TicketAsset.asset_id.in_([x.id for x in assets]))
        )
    }
    site = loc
    seen = {loc.id}
    while site.parent_id in locations and site.parent_id not in seen:
        site = locations[site.parent_id]
        seen.add(site.id)
    children = tuple(
        LocationRow(c.id, c.parent_id, c.name, c.kind, 1, location_path(locations, c.id))
        for c in sorted(
            (x for x in locations.values() if x.parent_id == loc.id), key=lambda x: name_key(x.name)
        )
    )
    return LocationDetail(
        id=loc.id,
        name=loc.name,
        kind=loc.kind,
        address=loc.address,
        notes=loc.notes,
        path=location_path(locations, loc.id),
        site_address=site.address,
        children=children,
        assets=tuple(_rows(s, assets, locations)),
        open_tickets=tuple(t for t in _tickets(s, located | on_assets) if t.status in _OPEN),
    )


def ticket_place(s: Session, ticket_id: str) -> TicketPlace:
    link = s.execute(select(TicketLocation).where(TicketLocation.ticket_id == ticket_id)).scalar()
    locations = _locations(s)
    assets = s.execute(
        select(Asset)
        .join(TicketAsset, TicketAsset.asset_id == Asset.id)
        .where(TicketAsset.ticket_id == ticket_id)
        .order_by(Asset.tag)
    ).scalars()
    place = ""
    if link is not None:
        place = (
            location_path(locations, link.location_id)
            if link.location_id in locations
            else link.location_name
        )
    return TicketPlace(link.location_id if link else None, place, tuple(_rows(s, assets, locations)))
