"""Rules for assets and locations shared by the replica's services and the server's appliers.

Pure functions: cleaning and checking the fields a person typed (:func:`clean_asset_fields`,
:func:`clean_location_fields`), the ids of tickets' links (derived from their natural keys,
so two devices making the same link make one record), an asset's warranty state, and the
per-field merge of an edit against what changed meanwhile (:func:`merge_fields`): the rule
tickets use for plain fields — last arrival wins, the overwritten value is reported (and
goes to the record's activity history).

Which fields exist, their sizes and which are required come from :mod:`sync.domain.asset_schema`;
this module holds the checks and messages.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sync.domain.asset_schema import (
    ASSET_FIELDS,
    ASSET_SCHEMA,
    ASSET_STATUSES,
    LOCATION_FIELDS,
    LOCATION_KINDS,
    LOCATION_SCHEMA,
    asset_field,
    location_field,
    text_limits,
)
from sync.domain.record_schema import FieldKind, RecordField
from sync.errors import ValidationError

__all__ = [
    "ASSET_FIELDS",
    "ASSET_STATUSES",
    "LOCATION_FIELDS",
    "LOCATION_KINDS",
    "FieldMerge",
    "clean_asset_fields",
    "clean_location_fields",
    "merge_fields",
    "status_label",
    "ticket_asset_id",
    "ticket_location_id",
    "warranty_state",
]

#: The most characters each text field may hold, per record (from the schema).
_ASSET_LIMITS = text_limits(ASSET_SCHEMA)
_LOCATION_LIMITS = text_limits(LOCATION_SCHEMA)
_NAMESPACE = uuid.UUID("3b0f5a52-8d0e-4c4f-9a61-2f7d0c9e4b11")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ticket_asset_id(ticket_id: str, asset_id: str) -> str:
    """The id every replica and the server give the link between this ticket and this asset."""
    return str(uuid.uuid5(_NAMESPACE, f"ticket-asset:{ticket_id}:{asset_id}"))


def ticket_location_id(ticket_id: str) -> str:
    """The id of this ticket's location record (one per ticket)."""
    return str(uuid.uuid5(_NAMESPACE, f"ticket-location:{ticket_id}"))


def status_label(status: str) -> str:
    return status.replace("_", " ")


def _status(value: Any) -> str:
    text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if text not in ASSET_STATUSES:
        raise ValidationError(
            f"An asset's status is one of: {', '.join(status_label(s) for s in ASSET_STATUSES)} "
            f"(not {value!r})."
        )
    return text


def _date(name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not _ISO_DATE.match(text):
        raise ValidationError(f"The {name.replace('_', ' ')} must be a date as YYYY-MM-DD (not {value!r}).")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"The {name.replace('_', ' ')} {text!r} is not a real date.") from None
    return text


def _text(name: str, value: Any, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The {name} must be text.")
    text = value.strip() if name != "notes" else value
    if required and not text:
        raise ValidationError(f"An asset or location needs a {name}.")
    if len(text) > limit:
        raise ValidationError(f"The {name} is longer than {limit} characters.")
    if "\x00" in text:
        raise ValidationError(f"The {name} holds a NUL character, which cannot be stored.")
    return text


def _required(f: RecordField) -> bool:
    """A text field with no default that cannot be empty (an asset's tag and name, a location's name)."""
    return f.default is None and not f.nullable


def _limit(f: RecordField) -> int:
    if f.max_length is None:  # every text, code and id field of these records has one
        raise ValueError(f"The field {f.name!r} has no size.")
    return f.max_length


def _ref(value: Any, limit: int) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError("A reference to another record must be its id.")
    return value


def clean_asset_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` (any subset of :data:`ASSET_FIELDS`) checked and normalised, or ValidationError."""
    unknown = set(fields) - set(ASSET_FIELDS)
    if unknown:
        raise ValidationError(f"Assets have no field {', '.join(sorted(unknown))}.")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        f = asset_field(name)
        if f.kind is FieldKind.CODE:  # the status, the one code field
            out[name] = _status(value)
        elif f.kind is FieldKind.DATE:
            out[name] = _date(name, value)
        elif f.kind is FieldKind.ID:
            out[name] = _ref(value, _limit(f))
        else:
            out[name] = _text(name, value, _ASSET_LIMITS[name], required=_required(f))
    return out


def clean_location_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` (any subset of :data:`LOCATION_FIELDS`) checked and normalised, or ValidationError."""
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationError(f"Locations have no field {', '.join(sorted(unknown))}.")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        f = location_field(name)
        if f.kind is FieldKind.ID:
            out[name] = _ref(value, _limit(f))
        elif f.kind is FieldKind.CODE:  # the kind, the one code field
            kind = _text(name, value, _LOCATION_LIMITS[name]).lower()
            if kind not in LOCATION_KINDS:
                raise ValidationError(
                    f"A location's kind is one of: {', '.join(k for k in LOCATION_KINDS if k)} (or none)."
                )
            out[name] = kind
        else:
            out[name] = _text(name, value, _LOCATION_LIMITS[name], required=_required(f))
    return out


def warranty_state(warranty_end: str | None, today: date) -> str:
    """``none`` (no date), ``expired`` (ended before today) or ``active``."""
    if not warranty_end:
        return "none"
    return "expired" if warranty_end < today.isoformat() else "active"


@dataclass(frozen=True)
class FieldConflictNote:
    field: str
    yours: Any
    server: Any
    base: Any


@dataclass
class FieldMerge:
    """The fields to write, and those someone else changed meanwhile (overwritten by yours)."""

    apply: dict[str, Any] = field(default_factory=dict)
    overwrote: list[FieldConflictNote] = field(default_factory=list)


def merge_fields(
    current: Mapping[str, Any], changes: Mapping[str, Any], base: Mapping[str, Any]
) -> FieldMerge:
    """Per field: a value equal to the current one is skipped; one whose ``base`` differs from the
    current value (changed meanwhile by someone else) still applies — last arrival wins — and is
    reported in ``overwrote`` so the caller logs the value it replaced and tells the client."""
    result = FieldMerge()
    for name, yours in changes.items():
        server = current.get(name)
        if yours == server:
            continue
        result.apply[name] = yours
        if name in base and base[name] != server:
            result.overwrote.append(FieldConflictNote(name, yours, server, base[name]))
    return result
