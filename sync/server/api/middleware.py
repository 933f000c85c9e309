"""Pure-ASGI guards in front of every route: unexpected errors, protocol version, body size.

``ErrorIdMiddleware`` (outermost) turns an exception no route handled into a 500 whose body
carries a fresh error id, and logs only that id, the exception's class and where it was
raised — never its message or traceback text, which for a database error hold SQL
parameters (ticket text) or a constraint's offending values. Nothing is re-raised, so the
ASGI server does not print the traceback either.

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
import logging
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from sync import protocol

__all__ = ["BodyLimitMiddleware", "ErrorIdMiddleware", "ProtocolVersionMiddleware", "error_response"]

log = logging.getLogger("outpost.server")

ASGIApp = Callable[..., Any]
_HEADER = protocol.PROTOCOL_HEADER.lower().encode()


async def error_response(
    send: Any,
    status: int,
    kind: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    body = json.dumps({"kind": kind, "message": message, "detail": detail or {}}).encode()
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


class ErrorIdMiddleware:
    """The last line of defence: an unhandled exception becomes a 500 with an error id.

    The log line names the id, the exception class and the innermost frame of our code
    (file, function, line) — enough to find the bug, nothing of the data. The id is also
    in the answer (``detail.error_id`` and the message), so a user's report can be matched
    with the log.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            error_id = uuid.uuid4().hex[:12]
            log.error(
                "unexpected error %s: %s.%s at %s (%s %s)",
                error_id,
                type(exc).__module__,
                type(exc).__qualname__,
                _where(exc),
                scope.get("method", ""),
                scope.get("path", ""),
            )
            if not started:
                await error_response(
                    send,
                    500,
                    "server_error",
                    f"Something went wrong on the server; give your admin the error id {error_id}.",
                    detail={"error_id": error_id},
                )


def _where(exc: BaseException) -> str:
    """``file:function:line`` of the innermost frame in Outpost's code (else the innermost)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/sync/" in f.filename.replace("\\", "/")]
    if not (ours or frames):
        return "unknown"
    frame = (ours or frames)[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.name}:{frame.lineno}"


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
