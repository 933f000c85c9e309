"""Assets and locations the command palette offers for what was typed (runs on the database thread).

Each is an ``action`` entry whose key is ``asset:<id>`` or ``location:<id>``; the main
window's :class:`~desktop.assets.window_assets.WindowAssets` opens the page for it.
"""

from __future__ import annotations

from desktop.palette_entry import PaletteEntry
from sync.domain.names import name_key
from sync.services.asset_reader import AssetReader

__all__ = ["palette_places"]

_LIMIT = 5


def palette_places(reader: AssetReader, text: str) -> list[PaletteEntry]:
    term = text.strip()
    if len(term) < 2:
        return []
    out = [
        PaletteEntry("action", f"asset:{a.id}", f"Asset {a.tag} · {a.name}", a.location)
        for a in reader.lookup(term, limit=_LIMIT)
    ]
    key = name_key(term)
    out += [
        PaletteEntry("action", f"location:{r.id}", f"Location {r.name}", r.path)
        for r in reader.locations()
        if key in name_key(r.path)
    ][:_LIMIT]
    return out
