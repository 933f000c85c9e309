"""FastAPI dependencies: the database, the settings, and the authenticated caller.

Routes are plain ``def`` functions, so FastAPI runs them (and these dependencies) in its
worker thread pool: database calls never block the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sync.server.admin.auth_service import authenticate
from sync.server.core.access import Caller
from sync.server.db.database import Database
from sync.server.settings import ServerSettings

__all__ = ["CallerDep", "DatabaseDep", "SettingsDep", "bearer_header"]

_bearer = HTTPBearer(auto_error=False, description="The token from POST /v1/session")


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def bearer_header(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    if credentials is None:
        return None
    return f"Bearer {credentials.credentials}"


def get_caller(
    db: Annotated[Database, Depends(get_database)],
    authorization: Annotated[str | None, Depends(bearer_header)],
) -> Caller:
    with db.read_session() as s:
        return authenticate(s, authorization)


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[ServerSettings, Depends(get_settings)]
CallerDep = Annotated[Caller, Depends(get_caller)]
