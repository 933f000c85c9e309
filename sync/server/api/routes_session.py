"""Routes for who you are: hello (no sign-in), sign in, sign out, me."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from sync import protocol
from sync.server.admin import auth_service
from sync.server.api.dependencies import CallerDep, DatabaseDep, bearer_header
from sync.server.api.error_responses import v1_errors
from sync.server.core.server_identity import server_info

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["session"])


@router.get(
    "/hello",
    response_model=protocol.ServerInfo,
    responses=v1_errors(),
    summary="Server identity, protocol range and limits",
)
def hello(db: DatabaseDep) -> protocol.ServerInfo:
    with db.snapshot_session() as s:
        return server_info(s)


@router.post(
    "/session",
    response_model=protocol.SignInResponse,
    responses=v1_errors(401, 403, 409, 422, 429),
    summary="Sign in",
)
def sign_in(body: protocol.SignInRequest, request: Request, db: DatabaseDep) -> protocol.SignInResponse:
    address = request.client.host if request.client else "unknown"
    return auth_service.sign_in(db, body, address)


@router.delete("/session", status_code=204, responses=v1_errors(401), summary="Sign out (revoke this token)")
def sign_out(db: DatabaseDep, authorization: Annotated[str | None, Depends(bearer_header)]) -> Response:
    auth_service.sign_out(db, authorization)
    return Response(status_code=204)


@router.get(
    "/me", response_model=protocol.UserInfo, responses=v1_errors(401), summary="The signed-in user and scope"
)
def me(caller: CallerDep) -> protocol.UserInfo:
    return auth_service.user_info(caller)
