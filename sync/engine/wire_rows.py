"""Pulled records (plain dicts, keyed as in :class:`sync.protocol.PullRecords`) as replica rows.

Each :class:`TableSpec` names a replica table, its columns in order, and how each wire
value becomes the text/integer SQLite stores — exactly what the ORM column types write
(timestamps as naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, booleans as 0/1), so rows written
here and rows written by the services compare and sort the same. A record missing a key
raises :class:`~sync.engine.errors.SyncProtocolError`: a malformed page is never half-applied.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sync.domain.asset_schema import ASSET_SCHEMA, LOCATION_SCHEMA
from sync.domain.record_schema import RecordField
from sync.domain.ticket_schema import TICKET_FIELDS, FieldKind
from sync.engine.errors import SyncProtocolError

__all__ = ["SPECS", "TABLE_FOR", "TableSpec", "rows_for", "wire_time"]


def wire_time(value: Any) -> str | None:
    """ISO 8601 text with an offset -> the replica's stored timestamp text."""
    if value is None:
        return None
    if type(value) is str and value[-6:] == "+00:00":  # what the server sends: the fast path
        n = len(value)
        if n == 32:
            return value[:10] + " " + value[11:26]
        if n == 25:
            return value[:10] + " " + value[11:19] + ".000000"
    text = str(value)
    if text.endswith("Z"):
        base = text[:-1]
        if len(base) == 19:
            return f"{base[:10]} {base[11:]}.000000"
        if len(base) == 26:
            return f"{base[:10]} {base[11:]}"
    return _slow_time(text)


def _slow_time(text: str) -> str:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SyncProtocolError(f"The server sent a time this Outpost cannot read: {text!r}.") from exc
    if when.tzinfo is None:
        raise SyncProtocolError(f"The server sent a time without a time zone: {text!r}.")
    return when.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _same(value: Any) -> Any:
    return value


def _flag(value: Any) -> int:
    """Documentation only: SQLite already stores a JSON boolean as 0/1, so rows skip it."""
    return 1 if value else 0


def _lines(value: Any) -> str:
    return "\n".join(str(v) for v in value or ())


_T, _B, _L = wire_time, _flag, _lines


@dataclass(frozen=True)
class TableSpec:
    """``columns`` pairs each replica column with the wire key it comes from and a converter."""

    table: str
    columns: tuple[tuple[str, str, Callable[[Any], Any]], ...]
    versioned: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(col for col, _key, _conv in self.columns)


def _spec(table: str, *cols: str | tuple[str, Callable[[Any], Any]], versioned: bool = True) -> TableSpec:
    out: list[tuple[str, str, Callable[[Any], Any]]] = []
    for col in cols:
        if isinstance(col, tuple):
            out.append((col[0], col[0], col[1]))
        else:
            out.append((col, col, _same))
    if versioned:
        out.append(("version", "version", _same))
    return TableSpec(table, tuple(out), versioned)


def _ticket_columns() -> list[tuple[str, Callable[[Any], Any] | None]]:
    """The ticket's scalar fields, from :mod:`sync.domain.ticket_schema`, with their converters."""
    convert = {FieldKind.TIME: _T, FieldKind.FLAG: _B}
    return [(f.name, convert.get(f.kind)) for f in TICKET_FIELDS if f.scalar]


def _schema_columns(schema: tuple[RecordField, ...]) -> list[str | tuple[str, Callable[[Any], Any]]]:
    """A record's columns from its schema (:mod:`sync.domain.asset_schema`): times converted."""
    return [(f.name, _T) if f.kind is FieldKind.TIME else f.name for f in schema]


#: PullRecords field -> how its records become rows. Tickets' tags and local numbers, and
#: attachments' ``is_local``, are filled in by the page applier.
SPECS: dict[str, TableSpec] = {
    "queues": _spec("queues", "id", "name", "description", ("categories", _L)),
    "people": _spec(
        "people",
        "id",
        "name",
        "username",
        "email",
        "phone",
        "department",
        "location",
        "role",
        "tier",
        ("active", _B),
    ),
    "queue_members": _spec("queue_members", "queue_id", "person_id", versioned=False),
    "tickets": _spec(
        "tickets", *(name if kind is None else (name, kind) for name, kind in _ticket_columns())
    ),
    "comments": _spec(
        "comments", "id", "ticket_id", "kind", "author_id", ("from_requester", _B), "body", ("created_at", _T)
    ),
    "work_logs": _spec(
        "work_logs",
        "id",
        "ticket_id",
        "author_id",
        "minutes",
        "travel_minutes",
        "note",
        "parts",
        ("logged_at", _T),
    ),
    "attachments": _spec(
        "attachments",
        "id",
        "ticket_id",
        "sha256",
        "filename",
        "size",
        "mime_type",
        "added_by_id",
        ("added_at", _T),
    ),
    "ticket_links": _spec("ticket_links", "id", "ticket_id", "other_id", "kind", ("created_at", _T)),
    "activity": _spec(
        "activity",
        "id",
        "entity_type",
        "entity_id",
        "actor_id",
        "field",
        "old_value",
        "new_value",
        "note",
        ("at", _T),
    ),
    "articles": _spec(
        "articles",
        "id",
        "title",
        "body",
        "category",
        "tags",
        "kind",
        "state",
        "revision",
        "author_id",
        ("created_at", _T),
        ("updated_at", _T),
    ),
    "article_revisions": _spec(
        "article_revisions",
        "id",
        "article_id",
        "revision",
        "title",
        "body",
        "author_id",
        ("created_at", _T),
        versioned=False,
    ),
    "locations": _spec("locations", *_schema_columns(LOCATION_SCHEMA)),
    "assets": _spec("assets", *_schema_columns(ASSET_SCHEMA)),
    "ticket_assets": _spec("ticket_assets", "id", "ticket_id", "asset_id", ("created_at", _T)),
    "ticket_locations": _spec(
        "ticket_locations", "id", "ticket_id", "location_id", "location_name", ("updated_at", _T)
    ),
    "ratings": _spec("ratings", "id", "ticket_id", "person_id", "score", "comment", ("at", _T)),
}

#: Per table, the fields a record may lack (sent by a server older than the field), with the
#: value such a record means: the one the server's own upgrade gives its stored rows.
_BACKFILL: dict[str, dict[str, Any]] = {
    "tickets": {f.name: f.backfill for f in TICKET_FIELDS if f.backfill is not None},
}

#: PullRecords field (also the ``entity_type`` of RecordRef/RecordVersion) -> replica table.
TABLE_FOR: dict[str, str] = {name: spec.table for name, spec in SPECS.items()}


def rows_for(spec: TableSpec, records: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Convert ``records`` to row tuples in ``spec.names`` order.

    Plain columns are picked with one C-level ``itemgetter`` call per record; only the
    columns that need converting (times, lists) go through Python.
    """
    getter, converted = _plan(spec)
    try:
        if not converted:
            return [getter(rec) for rec in records]
        rows: list[tuple[Any, ...]] = []
        for rec in records:
            row = list(getter(rec))
            for i, conv in converted:
                row[i] = conv(row[i])
            rows.append(tuple(row))
        return rows
    except KeyError as exc:
        backfill = _BACKFILL.get(spec.table, {})
        if exc.args[0] in backfill:  # a server from before the field: its value for old records
            return rows_for(spec, [{**backfill, **rec} for rec in records])
        raise SyncProtocolError(
            f"The server sent a {spec.table} record without {exc.args[0]!r}; this Outpost cannot apply it."
        ) from exc
    except TypeError as exc:
        raise SyncProtocolError(f"The server sent a malformed {spec.table} record ({exc}).") from exc


_PLANS: dict[
    str, tuple[Callable[[dict[str, Any]], tuple[Any, ...]], list[tuple[int, Callable[[Any], Any]]]]
] = {}


def _plan(
    spec: TableSpec,
) -> tuple[Callable[[dict[str, Any]], tuple[Any, ...]], list[tuple[int, Callable[[Any], Any]]]]:
    plan = _PLANS.get(spec.table)
    if plan is None:
        keys = [key for _col, key, _conv in spec.columns]
        getter = itemgetter(*keys) if len(keys) > 1 else (lambda rec, k=keys[0]: (rec[k],))
        converted = [
            (i, conv) for i, (_col, _key, conv) in enumerate(spec.columns) if conv not in (_same, _flag)
        ]
        plan = _PLANS[spec.table] = (getter, converted)
    return plan
