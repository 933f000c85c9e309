"""Which column of an asset register's CSV export holds which asset field (pure).

Real exports are messy: Snipe-IT's importer reads headers such as ``Asset Tag``, ``Item
Name``, ``Model Name``, ``Serial``, ``Warranty Months`` while its UI export writes ``Asset
Tag``, ``Asset Name``, ``Model``, ``Warranty Expires``; GLPI writes ``Inventory number``,
``Serial number``, ``Location`` as a path (``Site > Building > Room``); hand-made files have
``Asset TAG ID`` or `` SERIAL NO.``. Headers are compared after folding case, punctuation and
spacing (:func:`header_key`), against the synonyms in :data:`SYNONYMS`, earlier synonyms
winning when a file has several. Any other layout is described by a mapping file: JSON
``{"tag": "Equipment ID", "location": "Room", ...}`` naming the file's header for each field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from sync.domain.asset_schema import ASSET_FIELDS
from sync.errors import ValidationError

__all__ = ["FIELDS", "SYNONYMS", "ColumnMap", "header_key", "load_mapping", "map_columns"]

#: The fields an import fills: the asset's editable fields (:mod:`sync.domain.asset_schema`),
#: references by name — ``location`` a name or a path, ``assigned_to`` a person's name, user
#: name or e-mail — plus ``warranty_months``, counted from the purchase date when no end is given.
_BY_NAME = {"location_id": "location", "assigned_to_id": "assigned_to"}
_EXTRA_AFTER = {"warranty_end": ("warranty_months",)}
FIELDS: tuple[str, ...] = tuple(
    column for name in ASSET_FIELDS for column in (_BY_NAME.get(name, name), *_EXTRA_AFTER.get(name, ()))
)

#: The headers each field is known by, first match winning; a field not listed here is found
#: under its own name (``cost_centre``: "Cost Centre", "cost-centre" ...).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "tag": ("asset tag", "asset tag id", "tag", "inventory number", "inventory", "asset id", "asset number"),
    "name": ("item name", "asset name", "name"),
    "type": ("category", "type", "asset type", "item type", "category name"),
    "manufacturer": ("manufacturer", "make", "vendor", "manufacturer name"),
    "model": ("model name", "model", "model no", "model number"),
    "serial": ("serial", "serial number", "serial no", "serialnumber", "sn"),
    "status": ("status", "status label", "status type"),
    "location": ("location", "location name", "default location", "site"),
    "assigned_to": ("checked out to", "assigned to", "user", "full name", "username", "email"),
    "purchase_date": ("purchase date", "date of purchase", "purchased"),
    "warranty_end": ("warranty expires", "warranty end", "warranty expiration date", "warranty expiration"),
    "warranty_months": (
        "warranty months",
        "warranty",
        "warranty length months",
        "warranty lenghts months",
        "warranty length",
    ),
    "notes": ("notes", "comments", "comment", "description"),
}
SYNONYMS.update({name: (name.replace("_", " "),) for name in FIELDS if name not in SYNONYMS})

#: field -> index of its column in each row
ColumnMap = dict[str, int]


def header_key(header: str) -> str:
    """``' SERIAL NO.'`` -> ``'serial no'``: lower case, letters and digits, single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", header.replace("\ufeff", "").lower()).split())


def map_columns(headers: Sequence[str], mapping: dict[str, str] | None = None) -> ColumnMap:
    """The column of each field found in ``headers``; ValidationError without a tag column.

    With ``mapping`` (field -> the file's header), only those columns are used.
    """
    keys = [header_key(h) for h in headers]
    found: ColumnMap = {}
    if mapping is not None:
        for field, header in mapping.items():
            if header_key(header) not in keys:
                raise ValidationError(f"The mapping names a column {header!r} the file does not have.")
            found[field] = keys.index(header_key(header))
    else:
        for field, names in SYNONYMS.items():
            for name in names:
                if name in keys and keys.index(name) not in found.values():
                    found[field] = keys.index(name)
                    break
    if "tag" not in found:
        raise ValidationError(
            "The file has no asset tag column (looked for 'Asset Tag', 'Inventory number', 'Tag'); "
            "give a mapping file with --mapping."
        )
    return found


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file: a JSON object from our field names to the file's headers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Cannot read the mapping file {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValidationError(
            'A mapping file is a JSON object like {"tag": "Equipment ID", "name": "Description"}.'
        )
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError(
            f"The mapping names unknown fields: {', '.join(sorted(unknown))} (known: {', '.join(FIELDS)})."
        )
    return data
