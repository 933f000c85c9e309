"""The demo organisation's asset register and places: sites, buildings, floors, rooms, and the
laptops, printers, boilers, air handlers, lifts... its tickets are about.

Tickets name assets by tag (``LAPTOP-00042``, ``AHU-03``): :func:`register_tag` folds the
number a template draws into the register's range for that kind, so the same laptop or air
handler comes back in several tickets and has a history. :func:`write_register` then writes
the locations (site › building › floor › room, floors read from room codes such as ``N2.14``),
one asset per register entry — placed where its tickets happen, or in a room of the right
kind — and links every ticket to its room and to the asset it names; heating tickets are
linked to their site's boiler. Written like the rest of the demo: batched rows, no journal.
A separate random stream keeps the tickets themselves exactly as before.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from sync.demo.bulk_insert import sqlite_timestamp
from sync.demo.content_people import LOCATIONS, ORGANISATION, REQUESTERS, Location
from sync.domain.asset_schema import ASSET_SCHEMA, LOCATION_SCHEMA
from sync.domain.assets import ticket_asset_id, ticket_location_id
from sync.domain.record_schema import RecordField

__all__ = ["REGISTER", "AssetKind", "register_tag", "write_register"]


@dataclass(frozen=True)
class AssetKind:
    prefix: str  # as in the ticket templates' asset_pattern, e.g. "AHU-"
    digits: int
    size: int  # how many of them the organisation has
    type: str
    name: str  # "{n}" is the number
    models: tuple[tuple[str, str], ...]  # (manufacturer, model)
    rooms: tuple[str, ...]  # room kinds it stands in ("" = its owner's room)
    warranty_years: int


REGISTER: tuple[AssetKind, ...] = (
    AssetKind(
        "LAPTOP-",
        5,
        160,
        "Laptop",
        "Laptop {n}",
        (("Dell", "Latitude 5440"), ("Lenovo", "ThinkPad T14 Gen 4"), ("HP", "EliteBook 840 G10")),
        ("",),
        3,
    ),
    AssetKind(
        "DOCK-",
        4,
        60,
        "Docking station",
        "Dock {n}",
        (("Dell", "WD19S"), ("Lenovo", "ThinkPad USB-C Dock")),
        ("office",),
        3,
    ),
    AssetKind(
        "LABPC-",
        4,
        90,
        "Desktop PC",
        "Lab PC {n}",
        (("Dell", "OptiPlex 7010"), ("HP", "EliteDesk 800 G9")),
        ("lab",),
        4,
    ),
    AssetKind(
        "PRJ-",
        3,
        36,
        "Projector",
        "Projector {n}",
        (("Epson", "EB-L200F"), ("BenQ", "LH730")),
        ("classroom", "hall", "meeting"),
        3,
    ),
    AssetKind(
        "PRN-",
        3,
        22,
        "Printer",
        "Printer {n}",
        (("HP", "LaserJet Enterprise M507"), ("Xerox", "VersaLink C405"), ("Brother", "HL-L6400DW")),
        ("office", "library", "reception"),
        3,
    ),
    AssetKind(
        "PHONE-",
        4,
        70,
        "Desk phone",
        "Phone {n}",
        (("Yealink", "T54W"), ("Poly", "VVX 450")),
        ("office", "reception"),
        2,
    ),
    AssetKind(
        "SW-",
        3,
        24,
        "Network switch",
        "Switch {n}",
        (("Cisco", "Catalyst 9200L-48P"), ("HPE Aruba", "2930F-48G")),
        ("server", "plant"),
        5,
    ),
    AssetKind(
        "AP-",
        3,
        64,
        "Wireless access point",
        "Access point {n}",
        (("HPE Aruba", "AP-515"), ("Ubiquiti", "U6 Pro")),
        ("classroom", "library", "hall", "office"),
        5,
    ),
    AssetKind(
        "AHU-",
        2,
        6,
        "Air handling unit",
        "Air handler {n}",
        (("Daikin", "Professional AHU D-AHU"), ("Trane", "CLCF 21")),
        ("plant",),
        5,
    ),
    AssetKind(
        "CRAC-",
        2,
        4,
        "Close-control air conditioner",
        "Server room cooling {n}",
        (("Vertiv", "Liebert PDX"),),
        ("server",),
        5,
    ),
    AssetKind(
        "EL-",
        3,
        120,
        "Emergency light",
        "Emergency light {n}",
        (("Eaton", "NexusRF"), ("Thorn", "Voyager Sprint")),
        ("classroom", "hall", "office", "washroom"),
        5,
    ),
    AssetKind(
        "WH-",
        2,
        12,
        "Water heater",
        "Water heater {n}",
        (("Andrews", "MAXXflo EVO"), ("Ariston", "Velis Evo")),
        ("washroom", "kitchen"),
        2,
    ),
    AssetKind(
        "ACR-",
        3,
        40,
        "Access card reader",
        "Card reader {n}",
        (("Paxton", "Net2 Proximity"), ("HID", "iCLASS SE R40")),
        ("reception", "office", "server"),
        3,
    ),
    AssetKind(
        "LIFT-",
        2,
        5,
        "Lift",
        "Lift {n}",
        (("Otis", "Gen2 Life"), ("Schindler", "3300")),
        ("hall", "reception", "plant"),
        2,
    ),
    AssetKind(
        "BOIL-",
        2,
        4,
        "Boiler",
        "Boiler {n}",
        (("Ideal", "Evomax 2 80"), ("Viessmann", "Vitodens 200-W")),
        ("plant",),
        5,
    ),
)
_BY_PREFIX = {k.prefix: k for k in REGISTER}
_STATUS = (("in_use", 0.86), ("spare", 0.07), ("in_repair", 0.04), ("retired", 0.03))
_FLOOR_NAMES = {"0": "Ground floor", "B": "Basement", "R": "Roof"}


def register_tag(pattern: str, n: int) -> str:
    """The register entry a drawn number ``n`` (1..9999) stands for, formatted by ``pattern``."""
    kind = _BY_PREFIX.get(pattern.split("{", 1)[0])
    return pattern.format(n=n if kind is None else (n - 1) % kind.size + 1)


def _floor(loc: Location) -> str:
    rest = loc.room.code[len(loc.building.code) :]
    mark = rest[:1]
    if mark.isdigit() and mark != "0":
        return f"Floor {mark}"
    return _FLOOR_NAMES.get(mark, "Ground floor")


@dataclass
class _Places:
    rows: list[tuple[Any, ...]]
    room_ids: dict[str, str]  # room code -> id
    by_label: dict[str, str]  # "North Building, Room N2.14" -> room id
    site_of_room: dict[str, str]  # room code -> site code


def _places(uid: Any, stamp: str | None) -> _Places:
    rows: list[tuple[Any, ...]] = []
    room_ids: dict[str, str] = {}
    by_label: dict[str, str] = {}
    site_of: dict[str, str] = {}
    for site in ORGANISATION.sites:
        site_id = uid()
        rows.append(_location(id=site_id, name=site.name, kind="site", address=site.address, at=stamp))
        for building in site.buildings:
            building_id = uid()
            rows.append(
                _location(id=building_id, parent_id=site_id, name=building.name, kind="building", at=stamp)
            )
            floors: dict[str, str] = {}
            for room in building.rooms:
                loc = Location(site, building, room)
                floor = _floor(loc)
                if floor not in floors:
                    floors[floor] = uid()
                    rows.append(
                        _location(id=floors[floor], parent_id=building_id, name=floor, kind="floor", at=stamp)
                    )
                room_id = uid()
                rows.append(
                    _location(
                        id=room_id,
                        parent_id=floors[floor],
                        name=room.name,
                        kind="room",
                        notes=room.use,
                        at=stamp,
                    )
                )
                room_ids[room.code] = room_id
                by_label[loc.label] = room_id
                site_of[room.code] = site.code
    return _Places(rows, room_ids, by_label, site_of)


def write_register(
    conn: Connection, seed: int, now: datetime, people: Sequence[str], requester_ids: Sequence[str], me: str
) -> int:
    """Write the places, the register and the tickets' links; return the number of assets."""
    rng = random.Random(seed * 7919 + 18)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    stamp = sqlite_timestamp(now - timedelta(days=400))
    places = _places(uid, stamp)
    _insert(conn, "locations", places.rows)
    used: dict[str, Counter[str]] = {}
    for tag, label in conn.exec_driver_sql("SELECT asset, location FROM tickets WHERE asset != ''"):
        used.setdefault(str(tag), Counter())[str(label)] += 1
    rooms_by_kind: dict[str, list[Location]] = {}
    for loc in LOCATIONS:
        rooms_by_kind.setdefault(loc.room.kind, []).append(loc)
    boiler_rooms = [loc for loc in LOCATIONS if "boiler" in loc.room.use.lower()]
    owners = [
        (pid, r) for pid, r in zip(requester_ids, REQUESTERS, strict=True) if r.group in ("staff", "vip")
    ]
    assets: list[tuple[Any, ...]] = []
    activity: list[tuple[Any, ...]] = []
    tag_ids: dict[str, str] = {}
    boilers: dict[str, str] = {}  # site code -> a boiler's id
    today = now.date()
    for kind in REGISTER:
        for n in range(1, kind.size + 1):
            tag = f"{kind.prefix}{n:0{kind.digits}d}"
            assigned = None
            if tag in used:
                room_id = places.by_label.get(used[tag].most_common(1)[0][0])
            elif kind.rooms == ("",) and owners:
                assigned, owner = owners[(n * 7) % len(owners)]
                room_id = places.room_ids.get(owner.room)
            elif kind.prefix == "BOIL-" and boiler_rooms:
                room_id = places.room_ids[boiler_rooms[(n - 1) % len(boiler_rooms)].room.code]
            else:
                pool = [loc for k in kind.rooms for loc in rooms_by_kind.get(k, [])] or list(LOCATIONS)
                room_id = places.room_ids[rng.choice(pool).room.code]
            maker, model = rng.choice(kind.models)
            bought = today - timedelta(days=rng.randint(60, 365 * 7))
            warranty = _add_years(bought, kind.warranty_years)
            status = rng.choices([s for s, _w in _STATUS], [w for _s, w in _STATUS])[0]
            asset_id = uid()
            tag_ids[tag] = asset_id
            if kind.prefix == "BOIL-" and room_id is not None:
                site = next((c for c, rid in places.room_ids.items() if rid == room_id), "")
                boilers.setdefault(places.site_of_room.get(site, ""), asset_id)
            created = sqlite_timestamp(datetime.combine(bought, datetime.min.time(), now.tzinfo))
            serial = f"{maker[:2].upper()}{rng.randint(10_000_000, 99_999_999)}"
            assets.append(
                _row(
                    ASSET_SCHEMA, id=asset_id, tag=tag, name=kind.name.format(n=n), type=kind.type,
                    manufacturer=maker, model=model, serial=serial, status=status, location_id=room_id,
                    assigned_to_id=assigned, purchase_date=bought.isoformat(),
                    warranty_end=warranty.isoformat(), created_at=created, updated_at=created,
                )
            )  # fmt: skip
            activity.append((uid(), "asset", asset_id, me, "created", None, tag, "", created, 0))
    _insert(conn, "assets", assets)
    _insert(conn, "activity", activity)
    links: list[tuple[Any, ...]] = []
    located: list[tuple[Any, ...]] = []
    heating = {
        str(t) for (t,) in conn.exec_driver_sql("SELECT ticket_id FROM ticket_tags WHERE tag = 'heating'")
    }
    room_site = {rid: places.site_of_room[code] for code, rid in places.room_ids.items()}
    for tid, tag, label, created in conn.exec_driver_sql(
        "SELECT id, asset, location, created_at FROM tickets"
    ):
        room_id = places.by_label.get(str(label))
        if room_id is not None:
            located.append((ticket_location_id(tid), tid, room_id, str(label).split(", ")[-1], created, 0))
        linked = tag_ids.get(str(tag)) if tag else None
        if linked is None and tid in heating and room_id is not None:
            linked = boilers.get(room_site.get(room_id, ""))
        if linked is not None:
            links.append((ticket_asset_id(tid, linked), tid, linked, created, 0))
    _insert(conn, "ticket_assets", links)
    _insert(conn, "ticket_locations", located)
    return len(assets)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


_COLUMNS = {
    "locations": (*(f.name for f in LOCATION_SCHEMA), "version"),
    "assets": (*(f.name for f in ASSET_SCHEMA), "version"),
    "activity": (
        "id", "entity_type", "entity_id", "actor_id", "field", "old_value", "new_value", "note", "at",
        "version",
    ),
    "ticket_assets": ("id", "ticket_id", "asset_id", "created_at", "version"),
    "ticket_locations": ("id", "ticket_id", "location_id", "location_name", "updated_at", "version"),
}  # fmt: skip


def _row(schema: tuple[RecordField, ...], **values: Any) -> tuple[Any, ...]:
    """A record's row in the order of :data:`_COLUMNS` (its schema's, then ``version`` 0); a field
    not given takes its schema default."""
    return (*(values.get(f.name, f.default) for f in schema), 0)


def _location(*, at: str | None, **values: Any) -> tuple[Any, ...]:
    return _row(LOCATION_SCHEMA, created_at=at, updated_at=at, **values)


def _insert(conn: Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        cols = _COLUMNS[table]
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows
        )
