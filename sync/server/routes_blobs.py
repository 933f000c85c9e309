"""Routes for attachment blobs: resumable upload and on-demand download."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from sync import protocol
from sync.server import blob_service
from sync.server.dependencies import CallerDep, DatabaseDep
from sync.server.error_responses import v1_errors
from sync.server.errors import BadRequest

__all__ = ["router"]

router = APIRouter(prefix="/v1/blobs", tags=["attachments"])
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the content, lower-case hex")]
_BYTES = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_DOWNLOAD: dict[int | str, dict[str, object]] = {
    200: {"description": "The whole file", "content": _BYTES},
    206: {"description": "The file from byte N on (Range: bytes=N-)", "content": _BYTES},
    **v1_errors(401, 404, 422),
}
_RANGE = re.compile(r"^bytes=(\d+)-$")


@router.get(
    "/{sha256}/upload",
    response_model=protocol.UploadStatus,
    responses=v1_errors(401, 404, 422),
    summary="How much of this blob the server has",
)
def upload_status(sha256: Sha, caller: CallerDep, db: DatabaseDep) -> protocol.UploadStatus:
    return blob_service.upload_status(db, caller, sha256)


@router.put(
    "/{sha256}/upload",
    response_model=protocol.UploadStatus,
    responses=v1_errors(401, 404, 409, 422),
    summary="Append one chunk (raw bytes) at offset",
)
async def upload_chunk(
    sha256: Sha,
    request: Request,
    caller: CallerDep,
    db: DatabaseDep,
    offset: Annotated[int, Query(ge=0)],
    size: Annotated[int, Query(ge=0)],
) -> protocol.UploadStatus:
    data = await request.body()
    return await run_in_threadpool(blob_service.upload_chunk, db, caller, sha256, offset, size, data)


@router.get(
    "/{sha256}",
    responses=_DOWNLOAD,
    response_class=StreamingResponse,
    summary="Download a blob (Range: bytes=N- resumes)",
)
def download(
    sha256: Sha,
    caller: CallerDep,
    db: DatabaseDep,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> StreamingResponse:
    size = blob_service.blob_size_for_download(db, caller, sha256)
    start = 0
    if range_header is not None:
        match = _RANGE.match(range_header.strip())
        if match is None or int(match.group(1)) > size:
            raise BadRequest("Only 'Range: bytes=N-' with N within the file is supported.")
        start = int(match.group(1))
    headers = {"Content-Length": str(size - start), "Accept-Ranges": "bytes", "ETag": f'"{sha256}"'}
    status = 200
    if range_header is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{max(size - 1, start)}/{size}"
    return StreamingResponse(
        blob_service.iter_blob(db, sha256, start),
        status_code=status,
        headers=headers,
        media_type="application/octet-stream",
    )
