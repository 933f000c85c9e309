"""Reach the real loopback server under a name that is not loopback (for the http:// checks).

:class:`ToLoopback` is an httpx transport that sends every request to the test server's
127.0.0.1 port over a real socket, whatever host the URL names; the client still sees (and
checks) the address it was given. ``FAR_AWAY`` is such an address: plain ``http://`` to a
host that is not this computer (``.invalid`` never resolves, so without the transport a
request fails at once as "cannot reach").
"""

from __future__ import annotations

import httpx

__all__ = ["FAR_AWAY", "ToLoopback"]

FAR_AWAY = "http://helpdesk.example.invalid"


class ToLoopback(httpx.BaseTransport):
    """Every request goes to the real server on 127.0.0.1:PORT; counts what was sent."""

    def __init__(self, server_url: str) -> None:
        self.port = httpx.URL(server_url).port
        self.inner = httpx.HTTPTransport()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
