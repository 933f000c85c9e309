"""``Server-Timing`` on the requester portal's answers (pure ASGI).

The ``/v1`` routes get theirs from ``ProtocolVersionMiddleware``; this does the same for
``/portal`` — pages and the portal's static files alike — so a benchmark or a browser's
network panel can read the server's own time beside the time on the wire. The figure is
``app;dur=<ms>``: from the request reaching this layer to the start of its answer (it
includes waiting for a worker thread, not the time the body takes to stream). Other paths
pass through untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["PortalTimingMiddleware"]

ASGIApp = Callable[..., Any]


class PortalTimingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/portal" or path.startswith("/portal/")):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message = {**message, "headers": [*message.get("headers", []), (b"server-timing", took)]}
            await send(message)

        await self.app(scope, receive, timed_send)
