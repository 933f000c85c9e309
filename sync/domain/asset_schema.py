"""The one declaration of an asset's and a location's fields (issue 18's records).

As :mod:`sync.domain.ticket_schema` does for tickets, :data:`ASSET_SCHEMA` and
:data:`LOCATION_SCHEMA` say once what each field is (kind, size, default), who may change it
(``Editor.AGENT``: whoever may edit the record — for these records, asset managers), how the
server merges it (last arrival wins, the overwritten value reported), whether it is in update
payloads (``in_changes``) and in ``--json`` output, what record an id field references, and
the values a code field may take. Derived from it: both databases' columns
(:mod:`sync.storage.asset_columns`), the editable field lists and validation limits of
:mod:`sync.domain.assets`, the pull's wire rows, the defaults of a new asset, the server's
appliers and the import of a standalone replica. Where static typing needs a field written
out (``Mapped`` annotations, pydantic payloads, view dataclasses),
``tests/domain/test_asset_schema.py`` fails when one of them misses a field or disagrees on
a size.

References are declared but not enforced by foreign keys: a pull may deliver a location
after the assets in it, and a location may be deleted while an offline record still names it.

Adding an asset field: declare it here, add one ``asset_column`` line to each ORM model,
write a replica upgrade step and an Alembic revision, and add it to the payload models and
views the test names.

Pure data; no I/O, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sync.domain.record_schema import Editor, FieldKind, Merge, RecordField

__all__ = [
    "ASSET_DEFAULTS",
    "ASSET_FIELDS",
    "ASSET_SCHEMA",
    "ASSET_STATUSES",
    "LOCATION_DEFAULTS",
    "LOCATION_FIELDS",
    "LOCATION_KINDS",
    "LOCATION_SCHEMA",
    "AssetStatus",
    "LocationKind",
    "asset_field",
    "location_field",
    "text_limits",
]


class AssetStatus(StrEnum):
    """An asset's life: in use, on the shelf, away for repair, gone."""

    IN_USE = "in_use"
    SPARE = "spare"
    IN_REPAIR = "in_repair"
    RETIRED = "retired"


class LocationKind(StrEnum):
    """What a location is; they nest in any order and depth (``NONE``: unspecified)."""

    SITE = "site"
    BUILDING = "building"
    FLOOR = "floor"
    ROOM = "room"
    AREA = "area"
    NONE = ""


def _edit(name: str, kind: FieldKind, **kw: Any) -> RecordField:
    return RecordField(name, kind, Editor.AGENT, Merge.LAST_WRITER, in_changes=True, **kw)


def _server(name: str, kind: FieldKind, **kw: Any) -> RecordField:
    return RecordField(name, kind, Editor.SYSTEM, Merge.SERVER, **kw)


_K = FieldKind
_ID = 36  # a UUID's text
_NOTES = 500_000

#: Every location field, in the order of the wire record and the columns.
LOCATION_SCHEMA: tuple[RecordField, ...] = (
    _server("id", _K.ID, max_length=_ID),
    # --json shows the place's path instead (``path``).
    _edit("parent_id", _K.ID, max_length=_ID, nullable=True, references="locations", in_json=False),
    _edit("name", _K.TEXT, max_length=200),
    _edit("kind", _K.CODE, max_length=16, default=LocationKind.NONE.value, choices=LocationKind),
    _edit("address", _K.LONG_TEXT, max_length=2_000, default=""),
    _edit("notes", _K.LONG_TEXT, max_length=_NOTES, default=""),
    _server("created_at", _K.TIME, in_json=False),
    _server("updated_at", _K.TIME, in_json=False),
)

#: Every asset field, in the order of the wire record and the columns.
ASSET_SCHEMA: tuple[RecordField, ...] = (
    _server("id", _K.ID, max_length=_ID),
    _edit("tag", _K.TEXT, max_length=80, unique=True),
    _edit("name", _K.TEXT, max_length=200),
    _edit("type", _K.TEXT, max_length=80, default=""),
    _edit("manufacturer", _K.TEXT, max_length=120, default=""),
    _edit("model", _K.TEXT, max_length=120, default=""),
    _edit("serial", _K.TEXT, max_length=120, default=""),
    _edit("status", _K.CODE, max_length=16, default=AssetStatus.IN_USE.value, choices=AssetStatus),
    _edit("location_id", _K.ID, max_length=_ID, nullable=True, references="locations"),
    # --json shows the person's name instead (``assigned_to``).
    _edit("assigned_to_id", _K.ID, max_length=_ID, nullable=True, references="people", in_json=False),
    _edit("purchase_date", _K.DATE, max_length=10, nullable=True),
    _edit("warranty_end", _K.DATE, max_length=10, nullable=True),
    _edit("notes", _K.LONG_TEXT, max_length=_NOTES, default=""),
    _server("created_at", _K.TIME, in_json=False),
    _server("updated_at", _K.TIME, in_json=False),
)

_ASSETS = {f.name: f for f in ASSET_SCHEMA}
_LOCATIONS = {f.name: f for f in LOCATION_SCHEMA}


def asset_field(name: str) -> RecordField:
    """The declaration of asset field ``name`` (KeyError for a name that is not one)."""
    return _ASSETS[name]


def location_field(name: str) -> RecordField:
    """The declaration of location field ``name`` (KeyError for a name that is not one)."""
    return _LOCATIONS[name]


def text_limits(schema: tuple[RecordField, ...]) -> Mapping[str, int]:
    """Field name -> the most characters a text or code field of ``schema`` may hold."""
    text = (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CODE)
    return {f.name: f.max_length for f in schema if f.kind in text and f.max_length is not None}


#: The fields a person sets (create and ``*.update``), in schema order.
ASSET_FIELDS: tuple[str, ...] = tuple(f.name for f in ASSET_SCHEMA if f.editable)
LOCATION_FIELDS: tuple[str, ...] = tuple(f.name for f in LOCATION_SCHEMA if f.editable)


def _defaults(schema: tuple[RecordField, ...]) -> dict[str, Any]:
    return {f.name: f.default for f in schema if f.editable and (f.default is not None or f.nullable)}


#: A new record's value of each field its maker may leave out (the others, such as an asset's
#: tag and name and a location's name, are required).
ASSET_DEFAULTS: dict[str, Any] = _defaults(ASSET_SCHEMA)
LOCATION_DEFAULTS: dict[str, Any] = _defaults(LOCATION_SCHEMA)
#: The values of ``status`` and ``kind``, as the strings stored.
ASSET_STATUSES: tuple[str, ...] = tuple(s.value for s in AssetStatus)
LOCATION_KINDS: tuple[str, ...] = tuple(k.value for k in LocationKind)
