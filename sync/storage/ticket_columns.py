"""ORM columns of a ticket, made from :mod:`sync.domain.ticket_schema`.

The replica's and the server's ``Ticket`` models declare each field as
``name: Mapped[T] = ticket_column("name")`` (the annotation is what static typing needs);
type, size, nullability, default and foreign key come from the schema
(:func:`sync.storage.record_columns.field_column`), so the two databases, the wire limits
and the rules agree on them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import MappedColumn

from sync.domain.ticket_schema import ticket_field
from sync.storage.record_columns import field_column

__all__ = ["ticket_column"]


def ticket_column(name: str) -> MappedColumn[Any]:
    """The mapped column of ticket field ``name``."""
    return field_column(ticket_field(name))
