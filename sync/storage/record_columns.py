"""The ORM column of one schema field (:class:`sync.domain.record_schema.RecordField`).

Both databases' models declare a synced record's fields as
``name: Mapped[T] = ticket_column("name")`` / ``asset_column("name")`` / ...: type, size,
nullability, default, uniqueness and foreign key come from the record's schema, so the
replica, the server, the wire limits and the rules agree on them. The annotation stays
written out because static typing needs it; the schema tests check it matches.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import TypeEngine

from sync.domain.record_schema import FieldKind, RecordField

__all__ = ["field_column"]


def field_column(f: RecordField, *, foreign_key: bool = True) -> MappedColumn[Any]:
    """The mapped column of field ``f`` (times take the models' UTC type).

    ``foreign_key=False`` for records whose references are deliberately not enforced by the
    database (assets and locations: a pull may deliver the referenced row later, or never):
    the id column is then a plain ``String(max_length)``.
    """
    args: list[Any] = []
    col_type: TypeEngine[Any] | None = None
    if f.kind in (FieldKind.ID, FieldKind.CODE, FieldKind.TEXT, FieldKind.DATE):
        col_type = String(f.max_length)
    elif f.kind is FieldKind.LONG_TEXT:
        col_type = Text()  # a LONG_TEXT max_length is a validation limit, not a column size
    elif f.kind is FieldKind.NUMBER:
        col_type = Integer()
    elif f.kind is FieldKind.FLAG:
        col_type = Boolean()
    elif f.kind is not FieldKind.TIME:
        raise ValueError(f"The field {f.name!r} is not a column ({f.kind}).")
    if f.references is not None and foreign_key:
        args.append(ForeignKey(f"{f.references}.id"))
    elif col_type is not None:
        args.append(col_type)
    kw: dict[str, Any] = {"nullable": f.nullable, "primary_key": f.name == "id"}
    if f.default is not None:
        kw["default"] = f.default
    if f.backfill is not None:
        kw["server_default"] = f.backfill
    if f.unique:
        kw["unique"] = True
    return mapped_column(*args, **kw)
