"""ORM columns of a ticket, made from :mod:`sync.domain.ticket_schema`.

The replica's and the server's ``Ticket`` models declare each field as
``name: Mapped[T] = ticket_column("name")`` (the annotation is what static typing needs);
type, size, nullability, default and foreign key come from the schema, so the two
databases, the wire limits and the rules agree on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import TypeEngine

from sync.domain.ticket_schema import FieldKind, ticket_field

__all__ = ["ticket_column"]


def ticket_column(name: str) -> MappedColumn[Any]:
    """The mapped column of ticket field ``name`` (times take the models' UTC type)."""
    f = ticket_field(name)
    args: list[Any] = []
    col_type: TypeEngine[Any] | None = None
    if f.kind in (FieldKind.ID, FieldKind.CODE, FieldKind.TEXT):
        col_type = String(f.max_length)
    elif f.kind is FieldKind.LONG_TEXT:
        col_type = Text()
    elif f.kind is FieldKind.NUMBER:
        col_type = Integer()
    elif f.kind is FieldKind.FLAG:
        col_type = Boolean()
    elif f.kind is not FieldKind.TIME:
        raise ValueError(f"The ticket field {name!r} is not a column ({f.kind}).")
    if f.references is not None:
        args.append(ForeignKey(f"{f.references}.id"))
    elif col_type is not None:
        args.append(col_type)
    kw: dict[str, Any] = {"nullable": f.nullable, "primary_key": name == "id"}
    if f.default is not None:
        kw["default"] = f.default
    if f.backfill is not None:
        kw["server_default"] = f.backfill
    return mapped_column(*args, **kw)
