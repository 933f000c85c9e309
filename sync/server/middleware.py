"""Two pure-ASGI guards in front of every route: protocol version, and request body size.

``ProtocolVersionMiddleware`` checks the ``Outpost-Protocol`` header on ``/v1`` routes
(``/v1/hello`` answers without it) before anything is read or written, and repeats the
version used on every answer, with a ``Server-Timing`` header giving the server's time.
``BodyLimitMiddleware`` refuses a body larger than the
limit — from ``Content-Length`` at once, or by counting a streamed body — with 413; it
replaces whatever the route would have answered, so an oversized body is never half
processed into a misleading 400.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from sync import protocol

__all__ = ["BodyLimitMiddleware", "ProtocolVersionMiddleware", "error_response"]

ASGIApp = Callable[..., Any]
_HEADER = protocol.PROTOCOL_HEADER.lower().encode()


async def error_response(
    send: Any, status: int, kind: str, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"kind": kind, "message": message, "detail": {}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ProtocolVersionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(_HEADER)
        version = protocol.PROTOCOL_VERSION
        if raw is None:
            if scope["path"] != "/v1/hello":
                await error_response(
                    send,
                    400,
                    "invalid_input",
                    f"Send the header {protocol.PROTOCOL_HEADER}: <version> (this server speaks "
                    f"{protocol.MIN_PROTOCOL_VERSION}-{protocol.PROTOCOL_VERSION}).",
                )
                return
        else:
            try:
                version = int(raw.decode("latin-1").strip())
            except ValueError:
                await error_response(
                    send, 400, "invalid_input", f"{protocol.PROTOCOL_HEADER} must be a number."
                )
                return
            verdict = protocol.negotiate_version(version)
            if verdict == "client_too_old":
                await error_response(
                    send,
                    426,
                    "upgrade_app",
                    f"This Outpost is too old for the server (protocol {version}; the server needs "
                    f"{protocol.MIN_PROTOCOL_VERSION} or newer). Please upgrade Outpost; your "
                    "unsynced work stays on this computer.",
                )
                return
            if verdict == "client_too_new":
                await error_response(
                    send,
                    400,
                    "upgrade_server",
                    f"This server speaks protocol up to {protocol.PROTOCOL_VERSION}; yours is "
                    f"{version}. Ask your admin to upgrade outpost-server.",
                )
                return
        header = (_HEADER, str(version).encode())
        started = time.perf_counter()

        async def send_with_version(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                # Server-Timing: time from the request reaching the app to its answer
                # (includes waiting for a worker thread), for clients and benchmarks.
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message = {
                    **message,
                    "headers": [*message.get("headers", []), header, (b"server-timing", took)],
                }
            await send(message)

        await self.app(scope, receive, send_with_version)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default_limit: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = limits  # path prefix -> limit

    def _limit(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        message = f"The request body is larger than this server accepts ({limit} bytes)."
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await error_response(send, 413, "too_large", message, [(b"connection", b"close")])
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> dict[str, Any]:
            nonlocal received, exceeded
            msg: dict[str, Any] = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return msg

        async def guarded_send(msg: dict[str, Any]) -> None:
            nonlocal started
            if exceeded:
                return  # the route's answer to a truncated body is replaced by the 413 below
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not started:
            await error_response(send, 413, "too_large", message, [(b"connection", b"close")])
