"""The sync engine's handling of assets, locations and tickets' links to them.

- :func:`make_room_for_tags`: before pulled assets are written, a local asset holding the
  same tag under another id (made offline, or renamed meanwhile) gets a provisional tag, so
  the unique tag never makes SQLite drop the server's record. Its own pending create is then
  refused by the server (tags are unique) and lands in the conflicts list with its payload.
- :func:`rebase_records`: pending ``asset.update`` / ``location.update`` / ``location.delete``
  are played again on top of the server's copy, so the person never sees their own pending
  edit vanish (the same contract as :mod:`sync.engine.rebase` for tickets and articles).
- :func:`revert_rejected`: a refused create removes its record, a refused edit puts back the
  values it replaced, a refused link removes the link, a refused location delete puts the
  location back as the device deleted it (from the payload's ``kept`` copy), with the
  ticket links the delete cleared (the payload stays in the conflict entry). A
  ``kept_server`` outcome needs nothing here: the server changed the record, so the next
  pull brings its copy.

All functions run inside the caller's transaction on the engine connection.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sync.domain.assets import ASSET_FIELDS, LOCATION_FIELDS, ticket_asset_id
from sync.engine.rebase import PendingMutation
from sync.engine.wire_rows import wire_time
from sync.protocol.ops import Op

__all__ = ["OPS", "make_room_for_tags", "rebase_records", "revert_rejected", "sweep_provisional"]

OPS = frozenset(
    {
        Op.LOCATION_CREATE,
        Op.LOCATION_UPDATE,
        Op.LOCATION_DELETE,
        Op.ASSET_CREATE,
        Op.ASSET_UPDATE,
        Op.TICKET_LINK_ASSET,
        Op.TICKET_SET_LOCATION,
    }
)
_TABLE = {Op.ASSET_UPDATE: ("assets", ASSET_FIELDS), Op.LOCATION_UPDATE: ("locations", LOCATION_FIELDS)}


def make_room_for_tags(conn: sqlite3.Connection, assets: list[dict[str, Any]]) -> None:
    conn.executemany(
        "UPDATE assets SET tag = tag || ' (' || substr(id, 1, 8) || ')' "
        "WHERE lower(tag) = lower(?) AND id != ?",
        [(str(a["tag"]), str(a["id"])) for a in assets],
    )


def rebase_records(conn: sqlite3.Connection, pending: list[PendingMutation], ids: set[str]) -> None:
    """Replay pending edits of the records ``ids`` (received on this page), and every pending
    link change (a pulled link must not bring back one the person removed, or vice versa)."""
    for m in pending:
        if m.op == Op.TICKET_LINK_ASSET:
            ticket_id, asset_id = str(m.payload.get("ticket_id")), str(m.payload.get("asset_id"))
            if not m.payload.get("linked", True):
                conn.execute(
                    "DELETE FROM ticket_assets WHERE id = ?", (ticket_asset_id(ticket_id, asset_id),)
                )
            continue
        if m.op == Op.TICKET_SET_LOCATION:
            conn.execute(
                "UPDATE ticket_locations SET location_id = ?, location_name = ? WHERE ticket_id = ?",
                (
                    m.payload.get("location_id"),
                    m.payload.get("location_name", ""),
                    m.payload.get("ticket_id"),
                ),
            )
            continue
        if m.entity_id not in ids:
            continue
        if m.op in _TABLE:
            table, names = _TABLE[Op(m.op)]
            for name, value in m.payload.get("changes", {}).items():
                if name in names:
                    conn.execute(f"UPDATE {table} SET {name} = ? WHERE id = ?", (value, m.entity_id))
        elif m.op == Op.LOCATION_DELETE:
            conn.execute("DELETE FROM locations WHERE id = ?", (m.entity_id,))


def sweep_provisional(conn: sqlite3.Connection, ids: set[str]) -> None:
    """Drop this device's provisional history lines (``version = 0``) of records received with no
    pending change left: the server's own lines for the same changes arrive with the record."""
    conn.executemany(
        "DELETE FROM activity WHERE entity_type IN ('asset', 'location') AND entity_id = ? AND version = 0",
        [(i,) for i in sorted(ids)],
    )


def revert_rejected(conn: sqlite3.Connection, op: str, entity_id: str, payload: dict[str, Any]) -> None:
    if op in (Op.ASSET_CREATE, Op.LOCATION_CREATE):
        table = "assets" if op == Op.ASSET_CREATE else "locations"
        kind = table[:-1]
        conn.execute(f"DELETE FROM {table} WHERE id = ? AND version = 0", (entity_id,))
        conn.execute(
            "DELETE FROM activity WHERE entity_type = ? AND entity_id = ? AND version = 0", (kind, entity_id)
        )
    elif op in _TABLE:
        table, names = _TABLE[Op(op)]
        changes, base = payload.get("changes", {}), payload.get("base", {})
        for name, yours in changes.items():
            if name in names and name in base:
                conn.execute(
                    f"UPDATE {table} SET {name} = ? WHERE id = ? AND {name} IS ?",
                    (base[name], entity_id, yours),
                )
    elif op == Op.LOCATION_DELETE:
        _put_back_location(conn, entity_id, payload)
    elif op == Op.TICKET_LINK_ASSET and payload.get("linked", True):
        link_id = ticket_asset_id(str(payload.get("ticket_id")), str(payload.get("asset_id")))
        conn.execute("DELETE FROM ticket_assets WHERE id = ? AND version = 0", (link_id,))


def _put_back_location(conn: sqlite3.Connection, location_id: str, payload: dict[str, Any]) -> None:
    kept = payload.get("kept")
    if not isinstance(kept, dict) or kept.get("id") != location_id:
        return  # a delete journaled before the payload carried the copy: nothing to put back
    created = wire_time(kept.get("created_at"))
    conn.execute(
        "INSERT OR IGNORE INTO locations (id, parent_id, name, kind, address, notes, created_at, "
        "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            location_id,
            kept.get("parent_id"),
            kept.get("name", ""),
            kept.get("kind", ""),
            kept.get("address", ""),
            kept.get("notes", ""),
            created,
            created,
            int(payload.get("kept_version", 0)),
        ),
    )
    conn.executemany(
        "UPDATE ticket_locations SET location_id = ? WHERE ticket_id = ? AND location_id IS NULL "
        "AND location_name = ?",
        [(location_id, str(t), kept.get("name", "")) for t in payload.get("kept_links", [])],
    )
    conn.execute(
        "DELETE FROM activity WHERE entity_type = 'location' AND entity_id = ? AND field = 'deleted' "
        "AND version = 0",
        (location_id,),
    )
