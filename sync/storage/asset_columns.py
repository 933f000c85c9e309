"""ORM columns of assets and locations, made from :mod:`sync.domain.asset_schema`.

Both databases' ``Asset`` and ``Location`` models declare each field as
``name: Mapped[T] = asset_column("name")`` / ``location_column("name")``. References
(``location_id``, ``assigned_to_id``, ``parent_id``) are plain id columns, no foreign keys:
see :mod:`sync.replica.asset_models` for why.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import MappedColumn

from sync.domain.asset_schema import asset_field, location_field
from sync.storage.record_columns import field_column

__all__ = ["asset_column", "location_column"]


def asset_column(name: str) -> MappedColumn[Any]:
    """The mapped column of asset field ``name``."""
    return field_column(asset_field(name), foreign_key=False)


def location_column(name: str) -> MappedColumn[Any]:
    """The mapped column of location field ``name``."""
    return field_column(location_field(name), foreign_key=False)
