"""One line the command palette offers: a ticket, a view or an action."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PaletteEntry"]


@dataclass(frozen=True)
class PaletteEntry:
    kind: str  # "ticket", "view" or "action"
    key: str  # ticket id, view key or action id
    title: str
    detail: str = ""
