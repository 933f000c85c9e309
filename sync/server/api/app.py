"""The FastAPI application: routes, guards, and one error shape for every failure.

Every error — ours, a validation failure, malformed JSON, an unknown route, a database
outage — is answered as ``protocol.ErrorBody`` with a 4xx/5xx status; malformed or
oversized input is a 4xx, never a 500. A database that cannot be reached is 503
``retry_later``. Responses of 1 KiB or more are gzip-compressed for clients that accept it.

``create_app`` holds no state beyond the database handle and settings; several processes
behind a load balancer share everything through the database.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Match

from sync import protocol
from sync.errors import OutpostError
from sync.server.api import routes_admin, routes_blobs, routes_reports, routes_session, routes_sync
from sync.server.api.error_responses import DESCRIPTIONS
from sync.server.api.middleware import BodyLimitMiddleware, ErrorIdMiddleware, ProtocolVersionMiddleware
from sync.server.api.server_timing import PortalTimingMiddleware
from sync.server.core.server_identity import server_version
from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.errors import ApiError, from_core_error
from sync.server.portal import portal_routes
from sync.server.pull.change_feed import ChangeFeed
from sync.server.settings import ServerSettings

__all__ = ["create_app"]

log = logging.getLogger("outpost.server")


def create_app(settings: ServerSettings, db: Database | None = None) -> FastAPI:
    app = FastAPI(
        title="Outpost server",
        version=server_version(),
        description="System of record for Outpost replicas. Protocol: docs/sync-protocol.md.",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.db = db or open_database(settings.database_url, pool_size=settings.pool_size)
    app.state.feed = ChangeFeed(app.state.db)
    for router in (
        routes_session.router,
        routes_sync.router,
        routes_blobs.router,
        routes_admin.router,
        routes_reports.router,
        portal_routes.router,
    ):
        app.include_router(router)
    app.add_api_route(
        "/healthz",
        _healthz,
        methods=["GET"],
        tags=["health"],
        summary="Readiness",
        response_model=Health,
        responses={
            503: {"model": Health, "description": "The database is unreachable or not migrated"},
            413: {"model": protocol.ErrorBody, "description": DESCRIPTIONS[413]},
        },
    )
    _install_error_handlers(app)
    # Outermost last: size guard, then version guard, then gzip around the routes.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=settings.gzip_level)
    app.add_middleware(ProtocolVersionMiddleware)
    app.add_middleware(PortalTimingMiddleware)  # /portal only; /v1 is timed by the version guard
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_request_bytes,
        limits={"/v1/blobs/": protocol.MAX_UPLOAD_CHUNK_BYTES + 1024},
    )
    app.add_middleware(ErrorIdMiddleware)  # outermost: logs an error id, never the data
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On PostgreSQL, listen for the commits of every server process while serving; on
    SQLite, start the in-process board from the file's newest version."""
    db: Database = app.state.db
    db.board.reopen()
    listener = None
    if db.is_sqlite:
        feed: ChangeFeed = app.state.feed
        feed.start_local()
    else:
        from sync.server.pull.change_listener import ChangeListener  # psycopg: PostgreSQL only

        listener = ChangeListener(db)
        listener.start()
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()


class Health(BaseModel):
    """``GET /healthz``: ``ok`` only when the database answers and is at the migration head."""

    ok: bool
    database: str
    migrations: str
    revision: str | None = None
    head: str | None = None


def _healthz(request: Request) -> JSONResponse:
    """200 when the database answers and is at the code's migration head, else 503."""
    db: Database = request.app.state.db
    try:
        status = migration.current_status(db)
    except (OperationalError, DBAPIError) as exc:
        log.warning("health check: database unreachable: %s", exc.__class__.__name__)
        return JSONResponse(
            {"ok": False, "database": "unreachable", "migrations": "unknown"}, status_code=503
        )
    body = {
        "ok": status.is_current,
        "database": "ok",
        "migrations": "current" if status.is_current else "pending",
        "revision": status.current,
        "head": status.head,
    }
    return JSONResponse(body, status_code=200 if status.is_current else 503)


def _error(
    status: int,
    kind: str,
    message: str,
    detail: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = protocol.ErrorBody(kind=kind, message=message, detail=detail or {})
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (for a 405's ``Allow``)."""
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.kind, exc.message, exc.detail, exc.headers)

    @app.exception_handler(OutpostError)
    async def core_error(_request: Request, exc: OutpostError) -> JSONResponse:
        mapped = from_core_error(exc)
        return _error(mapped.status, mapped.kind, mapped.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "invalid_input", "The request body is not valid JSON.")
        parts = []
        for err in errors[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(
            422, "invalid_input", "The request is not valid: " + "; ".join(parts), {"errors": len(errors)}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {404: "not_found", 405: "method_not_allowed", 401: "sign_in", 403: "forbidden"}
        kind = kinds.get(exc.status_code, "invalid_input" if exc.status_code < 500 else "server_error")
        message = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 404:
            message = "There is no such route on this server."
        if exc.status_code == 405:
            # Starlette names only the methods of the first route with this path.
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return _error(exc.status_code, kind, message, headers=headers)

    @app.exception_handler(OperationalError)
    async def database_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return _error(
            503,
            "retry_later",
            "The server's database is unavailable; try again shortly.",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(DataError)
    async def unstorable(_request: Request, exc: DataError) -> JSONResponse:
        # Input the database refuses to store or compare (a NUL character in text on
        # PostgreSQL, a number out of a column's range): the request's fault, not the server's.
        log.warning("input refused by the database: %s", exc.__class__.__name__)
        return _error(400, "invalid_input", "The request holds a value the server cannot store.")

    # Any other exception reaches ErrorIdMiddleware (an id in the log and the answer, no data).
