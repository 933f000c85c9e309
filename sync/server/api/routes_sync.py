"""Routes of the sync protocol proper: push, pull and the change feed."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from sync import protocol
from sync.server.api.dependencies import CallerDep, DatabaseDep
from sync.server.api.error_responses import v1_errors
from sync.server.pull import pull_service
from sync.server.pull.change_feed import ChangeFeed
from sync.server.push import push_service

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
def pull(body: protocol.PullRequest, caller: CallerDep, db: DatabaseDep, request: Request) -> Response:
    # Built as JSON directly: a bootstrap page holds thousands of rows and re-validating
    # them through the response model would cost more than reading them.
    feed: ChangeFeed = request.app.state.feed
    page = feed.quick_pull(caller, body)  # nothing new since the cursor: no database query
    if page is not None:
        content = json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode()
    else:
        content = pull_service.pull_json(db, caller, body)
    return Response(content=content, media_type="application/json")


@router.post(
    "/changes",
    response_model=protocol.ChangesResponse,
    responses=v1_errors(401, 409, 422, 503),
    summary="Wait (long-poll) until something in your scope changed after a cursor",
)
async def changes(body: protocol.ChangesRequest, caller: CallerDep, request: Request) -> Response:
    # ``async``: a waiting client holds no worker thread and no database connection (the
    # caller was authenticated in the thread pool before this runs).
    feed: ChangeFeed = request.app.state.feed
    changed = await feed.wait(caller, body.cursor, body.wait)
    return Response(
        content=protocol.ChangesResponse(changed=changed).model_dump_json(),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
