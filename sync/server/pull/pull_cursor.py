"""The opaque pull cursor: which server, which epoch, how far, under which scope.

Clients store it and send it back unchanged; only the server reads it, and only the
server can make one. It is ``<body>.<mac>``: ``body`` is URL-safe base64 of a small JSON
object ``{"s": server_id, "e": epoch, "v": version, "q": scope}`` where ``scope`` is the
sorted list of queue ids the caller saw, or ``"*"`` (all queues); ``mac`` is an
HMAC-SHA256, under the server's cursor key (:mod:`sync.server.core.server_secret`), of the
body *and the user it was issued to*. So the scope a pull compares with the caller's
queues is the one the server recorded when it served the previous page: a client cannot
widen it, move the version, or replay another user's cursor.

A cursor whose MAC does not check out (forged, tampered, another user's, or made before
cursors were signed) is refused with 409 ``cursor_invalid``; one that names another server
or epoch, or lies ahead of the server's newest version (the database was restored from an
older backup), with 409 ``server_restored``: the client re-bootstraps instead of silently
missing changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
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


_INVALID = "This sync cursor is not one this server made for you; start a fresh sync (cursor null)."


def encode_cursor(cursor: Cursor, *, key: bytes, user_id: str) -> str:
    """The signed cursor for ``user_id``."""
    scope = cursor.scope if isinstance(cursor.scope, str) else sorted(cursor.scope)
    raw = json.dumps(
        {"s": cursor.server_id, "e": cursor.epoch, "v": cursor.version, "q": scope}, separators=(",", ":")
    )
    body = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return f"{body}.{_mac(key, user_id, body)}"


def _mac(key: bytes, user_id: str, body: str) -> str:
    message = b"outpost-pull-cursor-1\0" + user_id.encode() + b"\0" + body.encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def decode_cursor(
    text: str, *, key: bytes, user_id: str, server_id: str, epoch: int, high_water: int
) -> Cursor:
    """The cursor ``text`` if this server signed it for ``user_id``, else 409."""
    body, _dot, mac = text.partition(".")
    if not mac or not hmac.compare_digest(mac.encode(), _mac(key, user_id, body).encode()):
        raise Conflict(_INVALID, kind="cursor_invalid")
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        scope_raw = data["q"]
        scope: Scope = ALL_QUEUES if scope_raw == ALL_QUEUES else frozenset(str(q) for q in scope_raw)
        cursor = Cursor(str(data["s"]), int(data["e"]), int(data["v"]), scope)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Conflict(_INVALID, kind="cursor_invalid") from None
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
