"""Rendering portal pages: Jinja2 templates, security headers, cookies and CSRF tokens.

Every page is HTML escaped by default (Jinja2 autoescape), answered with a strict
Content-Security-Policy (scripts, styles and fetches only from the portal's own files and
routes, never inline; forms only to this origin, never framed), ``no-store`` caching and no
referrer, so the one-time token in a link's address never leaves in a ``Referer``.

Cookies are HttpOnly, ``SameSite=Lax`` (the link in a mail is a cross-site navigation) and
``Secure`` with a ``__Host-`` name when the request came over TLS. Forms carry a CSRF token:
the session's own for a signed-in requester; before sign-in, a value derived from a random
cookie (double submit), which another site can neither read nor set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from sync.kb.markdown_render import render_markdown

__all__ = [
    "CSP",
    "anonymous_csrf",
    "check_anonymous_csrf",
    "cookie_name",
    "page",
    "secure_headers",
    "set_cookie",
]

CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
SESSION_COOKIE = "outpost_portal"
PRE_COOKIE = "outpost_portal_pre"

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _markdown(text: str) -> str:
    from markupsafe import Markup

    return Markup(render_markdown(text))


_env.filters["markdown"] = _markdown


def _tls(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request, base: str) -> str:
    return f"__Host-{base}" if _tls(request) else base


def secure_headers(response: Response) -> Response:
    for key, value in _HEADERS.items():
        response.headers[key] = value
    return response


def set_cookie(request: Request, response: Response, base: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        secure=_tls(request),
        httponly=True,
        samesite="lax",
    )


def _pre_value(request: Request) -> str | None:
    value = request.cookies.get(cookie_name(request, PRE_COOKIE))
    return value if value and len(value) <= 100 else None


def anonymous_csrf(request: Request) -> tuple[str, str | None]:
    """``(token for the form, new cookie value or None when the browser has one)``."""
    value = _pre_value(request)
    fresh = None
    if value is None:
        value = fresh = secrets.token_urlsafe(32)
    return hashlib.sha256(f"portal-csrf:{value}".encode()).hexdigest(), fresh


def check_anonymous_csrf(request: Request, token: str) -> bool:
    value = _pre_value(request)
    if value is None:
        return False
    expected = hashlib.sha256(f"portal-csrf:{value}".encode()).hexdigest()
    return hmac.compare_digest(expected, token)


def page(
    request: Request, template: str, status: int = 200, *, new_pre_cookie: str | None = None, **context: Any
) -> HTMLResponse:
    html = _env.get_template(template).render(request_path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status)
    if new_pre_cookie:
        set_cookie(request, response, PRE_COOKIE, new_pre_cookie, None)
    secure_headers(response)
    return response
