"""Record ids: client-generated UUIDs, so records can be created offline."""

from __future__ import annotations

import uuid

__all__ = ["new_id"]


def new_id() -> str:
    return str(uuid.uuid4())
