"""The opaque pull cursor: which server, which epoch, how far, under which scope.

Clients store it and send it back unchanged; only the server reads it. It is URL-safe
base64 of a small JSON object ``{"s": server_id, "e": epoch, "v": version, "q": scope}``
where ``scope`` is the sorted list of queue ids the caller saw, or ``"*"`` (all queues).
A cursor that fails to decode, names another server or epoch, or lies ahead of the
server's newest version (the database was restored from an older backup) is refused with
409 so the client re-bootstraps instead of silently missing changes.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from sync.server.errors import Conflict

__all__ = ["ALL_QUEUES", "Cursor", "decode_cursor", "encode_cursor"]

ALL_QUEUES = "*"
Scope = frozenset[str] | str


@dataclass(frozen=True)
class Cursor:
    server_id: str
    epoch: int
    version: int
    scope: Scope


def encode_cursor(cursor: Cursor) -> str:
    scope = cursor.scope if isinstance(cursor.scope, str) else sorted(cursor.scope)
    raw = json.dumps(
        {"s": cursor.server_id, "e": cursor.epoch, "v": cursor.version, "q": scope}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str, *, server_id: str, epoch: int, high_water: int) -> Cursor:
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        scope_raw = data["q"]
        scope: Scope = ALL_QUEUES if scope_raw == ALL_QUEUES else frozenset(str(q) for q in scope_raw)
        cursor = Cursor(str(data["s"]), int(data["e"]), int(data["v"]), scope)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Conflict(
            "This sync cursor is not one this server made; start a fresh sync (cursor null).",
            kind="cursor_invalid",
        ) from None
    if cursor.server_id != server_id:
        raise Conflict(
            "This cursor belongs to another server database; start a fresh sync (cursor null).",
            kind="cursor_invalid",
        )
    if cursor.epoch != epoch or cursor.version > high_water or cursor.version < 0:
        raise Conflict(
            "The server was restored from a backup since your last sync. Start a fresh sync (cursor null) "
            "and push your pending changes again; nothing on this device is lost.",
            kind="server_restored",
            detail={"epoch": epoch, "high_water": high_water},
        )
    return cursor
