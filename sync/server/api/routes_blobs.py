"""Routes for attachment blobs: private resumable upload and on-demand download.

Who may do what is decided in ``blob_service`` (its docstring has the rules). A download
supports ``Range: bytes=N-`` only: a malformed header is 400; a start past the end of the
file (however many digits it has) is 416 with ``Content-Range: bytes */<size>``.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from sync import protocol
from sync.server.api.dependencies import CallerDep, DatabaseDep
from sync.server.api.error_responses import v1_errors
from sync.server.errors import ApiError, BadRequest
from sync.server.push import blob_service

__all__ = ["router"]

router = APIRouter(prefix="/v1/blobs", tags=["attachments"])
Sha = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the content, lower-case hex")]
_BYTES = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
_DOWNLOAD: dict[int | str, dict[str, object]] = {
    200: {"description": "The whole file", "content": _BYTES},
    206: {"description": "The file from byte N on (Range: bytes=N-)", "content": _BYTES},
    **v1_errors(401, 404, 422),
    416: {"model": protocol.ErrorBody, "description": "Range start past the end of the file"},
}
_RANGE = re.compile(r"^bytes=(\d+)-$")
#: more digits than any file size can have (MAX_ATTACHMENT_BYTES is far below 10**18)
_MAX_OFFSET_DIGITS = 18


class RangeNotSatisfiable(ApiError):
    status = 416
    kind = "invalid_input"


def _range_start(range_header: str, size: int) -> int:
    """The N of ``bytes=N-``; 400 if malformed, 416 if N is past the end (never an overflow)."""
    match = _RANGE.match(range_header.strip())
    if match is None:
        raise BadRequest("Only 'Range: bytes=N-' is supported.")
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > _MAX_OFFSET_DIGITS or int(digits) > size:
        raise RangeNotSatisfiable(
            f"The range starts past the end of the file ({size} bytes).",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return int(digits)


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
    # Typed str with an empty default rather than Optional: OpenAPI then says "a string of this
    # pattern, if sent", where Optional would also admit a JSON null no client can send.
    range_header: Annotated[
        str,
        Header(alias="Range", pattern=r"^\s*bytes=\d+-\s*$", description="bytes=N- (resume from byte N)"),
    ] = "",
) -> StreamingResponse:
    size = blob_service.blob_size_for_download(db, caller, sha256)
    start = _range_start(range_header, size) if range_header else 0
    headers = {"Content-Length": str(size - start), "Accept-Ranges": "bytes", "ETag": f'"{sha256}"'}
    status = 200
    if range_header:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{max(size - 1, start)}/{size}"
    return StreamingResponse(
        blob_service.iter_blob(db, sha256, start),
        status_code=status,
        headers=headers,
        media_type="application/octet-stream",
    )
