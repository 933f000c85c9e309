"""Errors a server route answers with, each an HTTP status plus a protocol ``kind``.

::

    ApiError (status, kind)                      answered as protocol.ErrorBody
    ├── BadRequest          400 invalid_input
    ├── Unauthorized        401 sign_in          (+ WWW-Authenticate: Bearer)
    ├── Forbidden           403 forbidden
    ├── NotFound            404 not_found
    ├── Conflict            409 <kind>           sequence_gap, client_mismatch, server_restored, ...
    ├── TooLarge            413 too_large
    ├── UpgradeRequired     426 upgrade_app
    └── RateLimited         429 rate_limited     (+ Retry-After)

Core errors (:mod:`sync.errors`) raised by shared domain rules map onto the same answers
through :func:`from_core_error`. Messages are for a person and never contain secrets.
"""

from __future__ import annotations

from typing import Any

from sync.errors import NotFoundError, OutpostError, PermissionDeniedError, ValidationError

__all__ = [
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "TooLarge",
    "Unauthorized",
    "UpgradeRequired",
    "from_core_error",
]


class ApiError(Exception):
    status = 500
    kind = "server_error"

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        detail: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if kind is not None:
            self.kind = kind
        self.detail = detail or {}
        self.headers = headers or {}


class BadRequest(ApiError):
    status = 400
    kind = "invalid_input"


class Unauthorized(ApiError):
    status = 401
    kind = "sign_in"

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403
    kind = "forbidden"


class DeviceRevoked(ApiError):
    """The replica's device was revoked by an admin: the client wipes it without pushing."""

    status = 403
    kind = "device_revoked"


class NotFound(ApiError):
    status = 404
    kind = "not_found"


class Conflict(ApiError):
    status = 409
    kind = "conflict"


class TooLarge(ApiError):
    status = 413
    kind = "too_large"


class UpgradeRequired(ApiError):
    status = 426
    kind = "upgrade_app"


class RateLimited(ApiError):
    status = 429
    kind = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(
            message, headers={"Retry-After": str(retry_after)}, detail={"retry_after": retry_after}
        )


def from_core_error(exc: OutpostError) -> ApiError:
    """The HTTP answer for an error raised by the shared core."""
    if isinstance(exc, NotFoundError):
        return NotFound(exc.message)
    if isinstance(exc, PermissionDeniedError):
        return Forbidden(exc.message)
    if isinstance(exc, ValidationError):
        return BadRequest(exc.message, kind=exc.kind)
    return BadRequest(exc.message, kind=exc.kind)
