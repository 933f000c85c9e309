"""The asset register part of ``outpost-server import-replica``.

:func:`import_register` (after people, before tickets) copies the replica's locations, parents
before children whatever order the rows are in, then its assets, each with its activity
history (the replica and the server both keep it as ``activity`` rows with ``entity_type``
``"location"``/``"asset"``, unscoped on the server since every agent reads these records).
Every column comes from the field schema (:data:`LOCATION_SCHEMA`, :data:`ASSET_SCHEMA`), so a
field added there is imported without touching this module.

:func:`import_ticket_places` (after tickets) copies tickets' links to assets and their
location, scoped by their ticket in the change log as the server's own writes are.

Ids are kept, as for tickets: a record whose id the server already has is skipped (so a
second run adds nothing). References are mapped as the rest of the import maps them: an
asset's ``assigned_to_id`` through the people matched by user name or e-mail; a reference to
a record the server does not have (a location deleted on the replica while an asset still
named it, a person not imported) becomes None, as the server does for a push naming a
deleted location; a ticket's link keeps the place's name either way.

Tags are unique on the server (compared without case, as the server's own checks do). An
asset whose tag the server already uses for a *different* asset is not merged into it: it is
skipped, with its ticket links, and named in :attr:`ImportReport.conflicts`, so an admin can
retag one of them and run the import again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.domain.asset_schema import ASSET_SCHEMA, LOCATION_SCHEMA
from sync.replica import asset_models as ra
from sync.replica import models as rm
from sync.server.admin.import_report import ImportReport
from sync.server.core.versioning import Touched, stamp
from sync.server.db import asset_models as sa
from sync.server.db import models as sm
from sync.server.db.database import Database

__all__ = ["BATCH_ASSETS", "import_register", "import_ticket_places"]

#: Assets (with their history) or ticket links per transaction, so one pull page stays bounded.
BATCH_ASSETS = 500


def import_register(db: Database, src: Session, ids: dict[str, str], report: ImportReport) -> None:
    """Copy locations, then assets, each with its activity; ``ids`` maps replica people to the server's."""
    _import_locations(db, src, ids, report)
    with db.snapshot_session() as s:
        tags = {
            str(tag): str(asset_id)
            for tag, asset_id in s.execute(select(func.lower(sa.Asset.tag), sa.Asset.id))
        }
    order = list(src.execute(select(ra.Asset.id).order_by(ra.Asset.tag, ra.Asset.id)).scalars())
    for start in range(0, len(order), BATCH_ASSETS):
        _import_assets(db, src, order[start : start + BATCH_ASSETS], ids, tags, report)


def parents_first(rows: Iterable[ra.Location]) -> list[ra.Location]:
    """``rows`` ordered so each location comes after the one it is in (if that one is in ``rows``).

    A cycle (which neither the replica nor the server lets anyone make) is cut where the walk
    up from a location closes it: the member reached last comes first, its parent not yet placed.
    """
    by_id = {row.id: row for row in rows}
    placed: set[str] = set()
    ordered: list[ra.Location] = []
    for row in by_id.values():
        chain: list[ra.Location] = []
        current: ra.Location | None = row
        while current is not None and current.id not in placed and current not in chain:
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        for location in reversed(chain):
            placed.add(location.id)
            ordered.append(location)
    return ordered


def _import_locations(db: Database, src: Session, ids: dict[str, str], report: ImportReport) -> None:
    touched = Touched()
    with db.write_session() as s:
        known = set(s.execute(select(sa.Location.id)).scalars())
        fresh: list[str] = []
        for row in parents_first(src.execute(select(ra.Location)).scalars()):
            if row.id in known:
                report.skipped += 1
                continue
            fields = {f.name: getattr(row, f.name) for f in LOCATION_SCHEMA}
            if fields["parent_id"] not in known:
                fields["parent_id"] = None  # its parent is gone (or it was cut from a cycle)
            s.add(sa.Location(**fields))
            known.add(row.id)
            fresh.append(row.id)
            touched.add("locations", row.id)
            report.bump("locations")
        _copy_activity(s, src, "location", fresh, ids, touched, report)
        if touched:
            stamp(s, touched)


def _import_assets(
    db: Database,
    src: Session,
    batch: Sequence[str],
    ids: dict[str, str],
    tags: dict[str, str],
    report: ImportReport,
) -> None:
    """One batch of assets; ``tags`` (lower-cased tag -> asset id on the server) is kept up to date."""
    touched = Touched()
    with db.write_session() as s:
        present = set(s.execute(select(sa.Asset.id).where(sa.Asset.id.in_(batch))).scalars())
        report.skipped += len(present)
        fresh: list[str] = []
        rows = src.execute(select(ra.Asset).where(ra.Asset.id.in_(batch))).scalars().all()
        places = {row.location_id for row in rows if row.location_id is not None}
        places = set(s.execute(select(sa.Location.id).where(sa.Location.id.in_(places))).scalars())
        holders = {ids.get(row.assigned_to_id, row.assigned_to_id) for row in rows if row.assigned_to_id}
        holders = set(s.execute(select(sm.Person.id).where(sm.Person.id.in_(holders))).scalars())
        position = {asset_id: i for i, asset_id in enumerate(batch)}
        for row in sorted(rows, key=lambda r: position[r.id]):
            if row.id in present:
                continue
            holder = tags.get(row.tag.lower())
            if holder is not None:
                report.conflicts.append(_tag_conflict(src, row, holder))
                continue
            fields: dict[str, Any] = {f.name: getattr(row, f.name) for f in ASSET_SCHEMA}
            if fields["location_id"] not in places:
                fields["location_id"] = None  # a place neither the replica nor the server still has
            person = fields["assigned_to_id"]
            person = None if person is None else ids.get(person, person)
            fields["assigned_to_id"] = person if person in holders else None
            s.add(sa.Asset(**fields))
            tags[row.tag.lower()] = row.id
            fresh.append(row.id)
            touched.add("assets", row.id)
            report.bump("assets")
        _copy_activity(s, src, "asset", fresh, ids, touched, report)
        if touched:
            stamp(s, touched)


def _tag_conflict(src: Session, row: ra.Asset, holder: str) -> str:
    links = src.execute(
        select(func.count()).select_from(ra.TicketAsset).where(ra.TicketAsset.asset_id == row.id)
    ).scalar_one()
    return (
        f"asset {row.tag!r} ({row.name}, id {row.id}): the server already has another asset tagged "
        f"{row.tag!r} (id {holder}); it was skipped with its {links} ticket link(s). Retag one of "
        "them and run the import again."
    )


def _copy_activity(
    s: Session,
    src: Session,
    entity_type: str,
    entity_ids: list[str],
    ids: dict[str, str],
    touched: Touched,
    report: ImportReport,
) -> None:
    """Copy the history of the records just imported (unscoped, as :meth:`ApplyContext.activity` logs it)."""
    for start in range(0, len(entity_ids), BATCH_ASSETS):
        chunk = entity_ids[start : start + BATCH_ASSETS]
        history = select(rm.Activity).where(
            rm.Activity.entity_type == entity_type, rm.Activity.entity_id.in_(chunk)
        )
        rows = src.execute(history).scalars().all()
        known = select(sm.Activity.id).where(sm.Activity.id.in_([e.id for e in rows]))
        present = set(s.execute(known).scalars())
        for e in rows:
            if e.id in present:
                continue
            s.add(
                sm.Activity(
                    id=e.id,
                    entity_type=e.entity_type,
                    entity_id=e.entity_id,
                    actor_id=None if e.actor_id is None else ids.get(e.actor_id, e.actor_id),
                    field=e.field,
                    old_value=e.old_value,
                    new_value=e.new_value,
                    note=e.note,
                    at=e.at,
                )
            )
            touched.add("activity", e.id)
            report.bump("activity")


def import_ticket_places(db: Database, src: Session, report: ImportReport) -> None:
    """Tickets' links to assets and their location, once the tickets and assets are on the server."""
    links = list(src.execute(select(ra.TicketAsset.id).order_by(ra.TicketAsset.id)).scalars())
    for start in range(0, len(links), BATCH_ASSETS):
        _import_asset_links(db, src, links[start : start + BATCH_ASSETS], report)
    places = list(src.execute(select(ra.TicketLocation.id).order_by(ra.TicketLocation.id)).scalars())
    for start in range(0, len(places), BATCH_ASSETS):
        _import_location_links(db, src, places[start : start + BATCH_ASSETS], report)


def _import_asset_links(db: Database, src: Session, batch: list[str], report: ImportReport) -> None:
    touched = Touched()
    with db.write_session() as s:
        links = src.execute(select(ra.TicketAsset).where(ra.TicketAsset.id.in_(batch))).scalars().all()
        ticket_ids = {link.ticket_id for link in links}
        asset_ids = {link.asset_id for link in links}
        tickets = set(s.execute(select(sm.Ticket.id).where(sm.Ticket.id.in_(ticket_ids))).scalars())
        assets = set(s.execute(select(sa.Asset.id).where(sa.Asset.id.in_(asset_ids))).scalars())
        have = s.execute(
            select(sa.TicketAsset.id, sa.TicketAsset.ticket_id, sa.TicketAsset.asset_id).where(
                sa.TicketAsset.ticket_id.in_(ticket_ids)
            )
        ).all()
        taken = {row.id for row in have} | {(row.ticket_id, row.asset_id) for row in have}
        for link in links:
            if link.id in taken or (link.ticket_id, link.asset_id) in taken:
                continue
            if link.ticket_id not in tickets or link.asset_id not in assets:
                continue  # a ticket outside the replica's scope, or an asset left out (tag conflict)
            s.add(
                sa.TicketAsset(
                    id=link.id, ticket_id=link.ticket_id, asset_id=link.asset_id, created_at=link.created_at
                )
            )
            taken |= {link.id, (link.ticket_id, link.asset_id)}
            touched.add("ticket_assets", link.id, link.ticket_id)
            report.bump("asset_links")
        if touched:
            stamp(s, touched)


def _import_location_links(db: Database, src: Session, batch: list[str], report: ImportReport) -> None:
    touched = Touched()
    with db.write_session() as s:
        rows = src.execute(select(ra.TicketLocation).where(ra.TicketLocation.id.in_(batch))).scalars()
        for link in rows:
            if s.get(sa.TicketLocation, link.id) is not None or s.get(sm.Ticket, link.ticket_id) is None:
                continue
            has_place = select(sa.TicketLocation.id).where(sa.TicketLocation.ticket_id == link.ticket_id)
            if s.execute(has_place).first() is not None:
                continue  # the server's ticket already names its place
            location_id = link.location_id
            if location_id is not None and s.get(sa.Location, location_id) is None:
                location_id = None  # the place is gone; its name stays on the ticket
            s.add(
                sa.TicketLocation(
                    id=link.id,
                    ticket_id=link.ticket_id,
                    location_id=location_id,
                    location_name=link.location_name,
                    updated_at=link.updated_at,
                )
            )
            s.flush()
            touched.add("ticket_locations", link.id, link.ticket_id)
            report.bump("location_links")
        if touched:
            stamp(s, touched)
