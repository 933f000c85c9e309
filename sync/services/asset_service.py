"""Assets and locations on the replica: the only write path (one transaction per user action).

Every write changes the record, appends to its own activity history and journals the op for
the next sync, together or not at all. Who may: every agent links assets and a location to
tickets; creating, editing and deleting assets and locations needs a manager or an admin,
or an agent whose server account an admin flagged ``asset_manager`` (the replica learns the
flag at sign-in, setting ``sync.asset_manager``). The server enforces the same.

``*_in`` helpers work inside a caller's session, so the CSV import can add thousands of
records in one all-or-nothing transaction with the same checks and journal entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from sync.domain.asset_schema import ASSET_DEFAULTS, LOCATION_DEFAULTS
from sync.domain.assets import clean_asset_fields, clean_location_fields
from sync.errors import NotFoundError, PermissionDeniedError, ValidationError
from sync.ids import new_id
from sync.protocol.ops import Op
from sync.replica.asset_models import Asset, Location, TicketLocation
from sync.replica.models import Activity, Mutation, Person, ReplicaSetting, Ticket
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.journal import check_payload, record_activity, record_mutation
from sync.services.ticket_place_links import link_asset_in, set_location_in
from sync.services.ticket_state import acting_user

__all__ = [
    "ASSET_FLAG_SETTING",
    "AssetService",
    "add_asset_in",
    "add_assets_in",
    "add_location_in",
    "link_asset_in",
    "require_asset_manager",
    "set_location_in",
]

#: The replica setting that says the signed-in agent may edit assets (see the module docstring).
ASSET_FLAG_SETTING = "sync.asset_manager"
_MANAGING_ROLES = frozenset({"manager", "admin"})


def require_asset_manager(s: Session, actor: str, action: str) -> None:
    person = s.get(Person, actor)
    if person is not None and person.role in _MANAGING_ROLES:
        return
    flag = s.get(ReplicaSetting, ASSET_FLAG_SETTING)
    if flag is not None and flag.value == "1":
        return
    raise PermissionDeniedError(f"Only a manager, an admin or an asset manager can {action}.")


def _changed(assets: bool = True) -> ChangeSet:
    return ChangeSet(assets=assets, journal=True)


def add_location_in(s: Session, actor: str, now: datetime, fields: Mapping[str, Any]) -> Location:
    """Add a location in ``s`` (checked, logged, journaled); ``fields`` as ``clean_location_fields``."""
    f = clean_location_fields({**LOCATION_DEFAULTS, **fields})
    if f["parent_id"] is not None and s.get(Location, f["parent_id"]) is None:
        raise NotFoundError("The location it is in does not exist.")
    location = Location(id=new_id(), created_at=now, updated_at=now, **f)
    s.add(location)
    record_activity(
        s,
        entity_type="location",
        entity_id=location.id,
        actor_id=actor,
        field="created",
        old=None,
        new=f["name"],
        at=now,
    )
    record_mutation(
        s,
        op=Op.LOCATION_CREATE,
        entity_type="location",
        entity_id=location.id,
        payload={"location": {**f, "id": location.id, "created_at": now.isoformat()}},
        device_time=now,
        actor_id=actor,
    )
    return location


def add_asset_in(
    s: Session, actor: str, now: datetime, fields: Mapping[str, Any], *, checked: bool = False
) -> Asset:
    """Add an asset in ``s``; ``checked`` when the caller already checked the tag's uniqueness and
    the location and person it names, in bulk (the import)."""
    f = clean_asset_fields({**ASSET_DEFAULTS, **fields})
    if not checked:
        _check_tag(s, f["tag"], None)
        _check_refs(s, f)
    asset = Asset(id=new_id(), created_at=now, updated_at=now, **f)
    s.add(asset)
    record_activity(
        s,
        entity_type="asset",
        entity_id=asset.id,
        actor_id=actor,
        field="created",
        old=None,
        new=f["tag"],
        at=now,
    )
    payload = {k: v for k, v in f.items() if v is not None}
    record_mutation(
        s,
        op=Op.ASSET_CREATE,
        entity_type="asset",
        entity_id=asset.id,
        payload={"asset": {**payload, "id": asset.id, "created_at": now.isoformat()}},
        device_time=now,
        actor_id=actor,
    )
    return asset


def add_assets_in(s: Session, actor: str, now: datetime, many: Sequence[Mapping[str, Any]]) -> list[str]:
    """Add many assets whose tags, locations and people the caller already checked (the import):
    the same rows, history lines and journal entries as :func:`add_asset_in`, written as three
    bulk inserts instead of thousands of ORM objects. Returns their ids, in order."""
    assets: list[dict[str, Any]] = []
    activity: list[dict[str, Any]] = []
    journal: list[dict[str, Any]] = []
    stamp = now.isoformat()
    for fields in many:
        f = clean_asset_fields({**ASSET_DEFAULTS, **fields})
        asset_id = new_id()
        payload = {
            "asset": {**{k: v for k, v in f.items() if v is not None}, "id": asset_id, "created_at": stamp}
        }
        check_payload(Op.ASSET_CREATE, payload, now)
        assets.append({**f, "id": asset_id, "created_at": now, "updated_at": now, "version": 0})
        activity.append(
            {"id": new_id(), "entity_type": "asset", "entity_id": asset_id, "actor_id": actor,
             "field": "created", "old_value": None, "new_value": f["tag"], "note": "", "at": now,
             "version": 0}
        )  # fmt: skip
        journal.append(
            {"id": new_id(), "op": Op.ASSET_CREATE.value, "entity_type": "asset", "entity_id": asset_id,
             "payload": payload, "device_time": now, "actor_id": actor, "state": "pending", "result": None,
             "attempts": 0}
        )  # fmt: skip
    for model, rows in ((Asset, assets), (Activity, activity), (Mutation, journal)):
        if rows:
            s.execute(insert(model), rows)
    return [a["id"] for a in assets]


def _check_tag(s: Session, tag: str, asset_id: str | None) -> None:
    stmt = select(Asset.id).where(func.lower(Asset.tag) == tag.lower())
    if asset_id is not None:
        stmt = stmt.where(Asset.id != asset_id)
    if s.execute(stmt).first() is not None:
        raise ValidationError(f"Another asset is already tagged {tag!r}; tags are unique.")


def _check_refs(s: Session, f: Mapping[str, Any]) -> None:
    if f.get("location_id") is not None and s.get(Location, f["location_id"]) is None:
        raise NotFoundError("That location does not exist.")
    if f.get("assigned_to_id") is not None and s.get(Person, f["assigned_to_id"]) is None:
        raise NotFoundError("That person does not exist.")


class AssetService:
    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    # -- locations ---------------------------------------------------------------------------
    def create_location(
        self, name: str, *, parent_id: str | None = None, kind: str = "", address: str = "", notes: str = ""
    ) -> WriteResult:
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_asset_manager(s, actor, "add locations")
            fields = {"name": name, "parent_id": parent_id, "kind": kind, "address": address, "notes": notes}
            location = add_location_in(s, actor, now, fields)
        return WriteResult(location.id, _changed())

    def update_location(self, location_id: str, changes: Mapping[str, Any]) -> WriteResult:
        cleaned = clean_location_fields(changes)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_asset_manager(s, actor, "edit locations")
            location = s.get(Location, location_id)
            if location is None:
                raise NotFoundError("No such location.")
            if cleaned.get("parent_id") is not None:
                self._refuse_cycle(s, location_id, cleaned["parent_id"])
            self._edit(s, actor, now, "location", location, cleaned, Op.LOCATION_UPDATE)
        return WriteResult(location_id, _changed())

    @staticmethod
    def _refuse_cycle(s: Session, location_id: str, parent_id: str | None) -> None:
        seen = {location_id}
        while parent_id is not None:
            if parent_id in seen:
                raise ValidationError("A location cannot be inside itself or one of its own rooms.")
            seen.add(parent_id)
            parent = s.get(Location, parent_id)
            if parent is None:
                raise NotFoundError("The location it is in does not exist.")
            parent_id = parent.parent_id

    def delete_location(self, location_id: str) -> WriteResult:
        """Delete an empty location; tickets that name it keep its name as text."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_asset_manager(s, actor, "delete locations")
            location = s.get(Location, location_id)
            if location is None:
                raise NotFoundError("No such location.")
            children = s.execute(select(func.count()).where(Location.parent_id == location_id)).scalar_one()
            assets = s.execute(select(func.count()).where(Asset.location_id == location_id)).scalar_one()
            if children or assets:
                raise ValidationError(
                    f"{location.name} still holds {children} location(s) and {assets} asset(s); "
                    "move or delete them first."
                )
            cleared = []
            for link in s.execute(
                select(TicketLocation).where(TicketLocation.location_id == location_id)
            ).scalars():
                link.location_id = None
                cleared.append(link.ticket_id)
            kept = {
                "id": location.id,
                "parent_id": location.parent_id,
                "name": location.name,
                "kind": location.kind,
                "address": location.address,
                "notes": location.notes,
                "created_at": location.created_at.isoformat(),
            }
            kept_version = location.version
            record_activity(
                s,
                entity_type="location",
                entity_id=location_id,
                actor_id=actor,
                field="deleted",
                old=location.name,
                new=None,
                at=now,
            )
            s.delete(location)
            record_mutation(
                s,
                op=Op.LOCATION_DELETE,
                entity_type="location",
                entity_id=location_id,
                payload={
                    "location_id": location_id,
                    "kept": kept,
                    "kept_version": kept_version,
                    "kept_links": sorted(cleared),
                },
                device_time=now,
                actor_id=actor,
            )
        return WriteResult(location_id, _changed())

    # -- assets ------------------------------------------------------------------------------
    def create_asset(self, tag: str, name: str, **fields: Any) -> WriteResult:
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_asset_manager(s, actor, "add assets")
            asset = add_asset_in(s, actor, now, {"tag": tag, "name": name, **fields})
        return WriteResult(asset.id, _changed())

    def update_asset(self, asset_id: str, changes: Mapping[str, Any]) -> WriteResult:
        cleaned = clean_asset_fields(changes)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_asset_manager(s, actor, "edit assets")
            asset = s.get(Asset, asset_id)
            if asset is None:
                raise NotFoundError("No such asset.")
            if "tag" in cleaned:
                _check_tag(s, cleaned["tag"], asset_id)
            _check_refs(s, cleaned)
            self._edit(s, actor, now, "asset", asset, cleaned, Op.ASSET_UPDATE)
        return WriteResult(asset_id, _changed())

    @staticmethod
    def _edit(
        s: Session,
        actor: str,
        now: datetime,
        kind: str,
        record: Asset | Location,
        cleaned: dict[str, Any],
        op: Op,
    ) -> None:
        diff = {k: v for k, v in cleaned.items() if getattr(record, k) != v}
        if not diff:
            return
        base = {k: getattr(record, k) for k in diff}
        for name, value in diff.items():
            record_activity(
                s,
                entity_type=kind,
                entity_id=record.id,
                actor_id=actor,
                field=name,
                old=base[name],
                new=value,
                at=now,
            )
            setattr(record, name, value)
        record.updated_at = now
        record_mutation(
            s,
            op=op,
            entity_type=kind,
            entity_id=record.id,
            payload={f"{kind}_id": record.id, "changes": diff, "base": base},
            device_time=now,
            actor_id=actor,
        )

    # -- tickets' links ----------------------------------------------------------------------
    def link_asset(self, ticket_id: str, asset_id: str, *, linked: bool = True) -> WriteResult:
        """Link (or with ``linked=False`` unlink) an asset and a ticket; repeating is harmless."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            if s.get(Ticket, ticket_id) is None:
                raise NotFoundError(f"No ticket with id {ticket_id}.")
            asset = s.get(Asset, asset_id)
            if asset is None:
                raise NotFoundError("No such asset.")
            if not link_asset_in(s, actor, now, ticket_id, asset, linked=linked):
                return WriteResult(ticket_id, ChangeSet())
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), assets=True, journal=True))

    def set_ticket_location(self, ticket_id: str, location_id: str | None) -> WriteResult:
        """Set the ticket's one location (None clears it)."""
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            if s.get(Ticket, ticket_id) is None:
                raise NotFoundError(f"No ticket with id {ticket_id}.")
            name = ""
            if location_id is not None:
                location = s.get(Location, location_id)
                if location is None:
                    raise NotFoundError("No such location.")
                name = location.name
            if not set_location_in(s, actor, now, ticket_id, location_id, name):
                return WriteResult(ticket_id, ChangeSet())
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), assets=True, journal=True))
