"""The error answers a route documents in the OpenAPI schema, each with its real body.

Every error the server sends is a :class:`protocol.ErrorBody` (see ``app.py``), including
the 422 of a request that does not match the documented shape (FastAPI's default
``HTTPValidationError`` is never sent, so it must not be documented either). A route lists
the codes its own logic can answer; :func:`v1_errors` adds those that the guards in front
of every ``/v1`` route can answer (``middleware.py``, ``app.py``):

- 400 ``invalid_input`` (missing or non-numeric ``Outpost-Protocol`` header, a body that
  is not JSON) or ``upgrade_server`` (the client speaks a newer protocol);
- 413 ``too_large`` (a body larger than the server accepts, whatever the method);
- 426 ``upgrade_app`` (the client's protocol is too old);
- 503 ``retry_later`` (the database cannot be reached).

The schemathesis run (``tests/fuzz/api_fuzz.py``) checks that no route answers a code or a
body it does not document.
"""

from __future__ import annotations

from typing import Any

from sync import protocol

__all__ = ["ALWAYS", "DESCRIPTIONS", "v1_errors"]

DESCRIPTIONS: dict[int, str] = {
    400: "invalid_input: malformed JSON, a missing or non-numeric Outpost-Protocol header, or a value "
    "the server refuses; upgrade_server: the client speaks a newer protocol than the server",
    401: "sign_in: no bearer token, or one that is unknown, expired, revoked or of a disabled user "
    "(WWW-Authenticate: Bearer)",
    403: "forbidden: the signed-in user's role does not allow this",
    404: "not_found: no such record, or one the caller may not see (answered alike)",
    409: "a conflict with the server's state; kind says which (see protocol.ErrorBody)",
    413: "too_large: the request body (or the declared file) is larger than the server accepts",
    422: "invalid_input: the request does not match the documented shape; message names the fields, "
    "detail.errors counts the problems",
    426: "upgrade_app: the client's protocol version is older than the server serves",
    429: "rate_limited: too many failed sign-ins; detail.retry_after and Retry-After say when to retry",
    503: "retry_later: the server's database is unavailable (Retry-After)",
}

#: Answered by the guards in front of every /v1 route, whatever the route does.
ALWAYS = (400, 413, 426, 503)


def v1_errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a ``/v1`` route that can itself answer ``codes``."""
    return {
        code: {"model": protocol.ErrorBody, "description": DESCRIPTIONS[code]}
        for code in sorted({*codes, *ALWAYS})
    }
