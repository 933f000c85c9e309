"""Which server addresses the client will talk to: ``https://``, or ``http://`` only to loopback.

A password and then a bearer token cross the wire on every request, so plain ``http://`` to
another computer would hand them to anyone on the network path. It is allowed only when the
person says so explicitly (``outpost connect --allow-insecure-http``, the Connect dialog's
checkbox); the choice is stored with the replica's sync settings (``sync.allow_insecure_http``)
and checked by :class:`~sync.engine.sync_client.SyncClient` before **every** request, not
only when connecting — a replica whose settings were edited by hand is refused the same way.
The app shows an allowed insecure connection as a warning in its status bar.

Pure functions; no I/O.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from sync.engine.errors import InsecureConnectionError

__all__ = ["check_server_url", "is_insecure", "is_loopback_host"]


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1). Names are not resolved."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_insecure(server_url: str) -> bool:
    """True for ``http://`` to a host other than this computer (unencrypted over a network)."""
    parts = urlsplit(server_url.strip())
    return parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname or "")


def check_server_url(server_url: str, *, allow_insecure_http: bool) -> str:
    """``server_url`` without a trailing slash, or :class:`InsecureConnectionError`.

    Accepted: ``https://HOST``; ``http://`` to loopback; ``http://`` to anything else only with
    ``allow_insecure_http``. Any other scheme, or no host, is refused.
    """
    url = server_url.strip().rstrip("/")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise InsecureConnectionError(
            f"{server_url!r} is not a server address: it starts with https:// (e.g. https://desk.example.org)."
        )
    if is_insecure(url) and not allow_insecure_http:
        raise InsecureConnectionError(
            f"{url} is not encrypted (http://): your password and sign-in would cross the network in "
            "plain text. Use its https:// address, or allow an unencrypted connection explicitly "
            "(outpost connect --allow-insecure-http, or the Connect dialog's checkbox) if you accept that."
        )
    return url
