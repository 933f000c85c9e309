"""Routes of the sync protocol proper: push and pull."""

from __future__ import annotations

from fastapi import APIRouter, Response

from sync import protocol
from sync.server import pull_service, push_service
from sync.server.dependencies import CallerDep, DatabaseDep
from sync.server.error_responses import v1_errors

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["sync"])
_ERRORS = v1_errors(401, 409, 422)


@router.post(
    "/push",
    response_model=protocol.PushResponse,
    responses=_ERRORS,
    summary="Push journal mutations (at most once per client_id+seq)",
)
def push(body: protocol.PushRequest, caller: CallerDep, db: DatabaseDep) -> protocol.PushResponse:
    return push_service.push(db, caller, body)


@router.post(
    "/pull",
    response_model=protocol.PullResponse,
    responses=_ERRORS,
    summary="Pull one page of changes after a cursor",
)
def pull(body: protocol.PullRequest, caller: CallerDep, db: DatabaseDep) -> Response:
    # Built as JSON directly: a bootstrap page holds thousands of rows and re-validating
    # them through the response model would cost more than reading them.
    return Response(content=pull_service.pull_json(db, caller, body), media_type="application/json")
