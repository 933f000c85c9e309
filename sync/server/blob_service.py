"""Attachment blobs: resumable, idempotent, content-addressed uploads and downloads.

Bytes live in the database (``blob_chunks``), so every server process behind a load
balancer sees the same uploads and a half-finished upload resumes on any of them. Each
chunk is appended in its own transaction with the blob row locked, so two racing uploads
of the same file cannot interleave: the second is told the current offset (409
``upload_offset``) and resumes from there. When the last byte arrives the SHA-256 is
checked; a mismatch discards the upload. A blob that is already complete answers
``complete`` at once (idempotent).

Who may download: the uploader, or anyone who can see a ticket with an attachment
referencing the blob. Anyone else gets 404, exactly as for a blob that does not exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync import protocol
from sync.server.access import Caller
from sync.server.database import Database
from sync.server.errors import BadRequest, Conflict, NotFound, TooLarge
from sync.server.models import Attachment, Ticket
from sync.server.state_models import Blob, BlobChunk

__all__ = ["blob_size_for_download", "iter_blob", "upload_chunk", "upload_status"]


def _status(blob: Blob | None, sha256: str) -> protocol.UploadStatus:
    if blob is None:
        return protocol.UploadStatus(sha256=sha256, size=None, received=0, complete=False)
    return protocol.UploadStatus(
        sha256=sha256, size=blob.size, received=blob.received, complete=blob.complete
    )


def upload_status(db: Database, sha256: str) -> protocol.UploadStatus:
    with db.snapshot_session() as s:
        return _status(s.get(Blob, sha256), sha256)


def upload_chunk(
    db: Database, caller: Caller, sha256: str, offset: int, size: int, data: bytes
) -> protocol.UploadStatus:
    """Append ``data`` at ``offset`` of a blob of ``size`` bytes; verify it when complete."""
    if size < 0 or size > protocol.MAX_ATTACHMENT_BYTES:
        raise TooLarge(f"Attachments are limited to {protocol.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
    if len(data) > protocol.MAX_UPLOAD_CHUNK_BYTES:
        raise TooLarge(f"Send at most {protocol.MAX_UPLOAD_CHUNK_BYTES} bytes per chunk.")
    with db.write_session() as s:
        blob = s.execute(select(Blob).where(Blob.sha256 == sha256).with_for_update()).scalar_one_or_none()
        if blob is not None and blob.complete:
            return _status(blob, sha256)
        if blob is None:
            blob = Blob(
                sha256=sha256,
                size=size,
                received=0,
                complete=False,
                uploaded_by_id=caller.user_id,
                created_at=datetime.now(UTC),
            )
            s.add(blob)
            s.flush()
        if blob.size != size:
            raise BadRequest(f"This upload was started with size {blob.size}, not {size}.")
        if offset != blob.received:
            raise Conflict(
                f"Resume the upload at byte {blob.received}.",
                kind="upload_offset",
                detail=_status(blob, sha256).model_dump(),
            )
        if blob.received + len(data) > blob.size:
            raise BadRequest("This chunk goes past the declared size of the file.")
        if data:
            s.add(BlobChunk(sha256=sha256, offset=offset, data=data))
            blob.received += len(data)
        if blob.received == blob.size:
            s.flush()
            if _digest(s, sha256) != sha256:
                s.execute(delete(BlobChunk).where(BlobChunk.sha256 == sha256))
                s.delete(blob)
                s.commit()
                raise BadRequest("The uploaded bytes do not match the SHA-256; the upload was discarded.")
            blob.complete = True
        return _status(blob, sha256)


def blob_size_for_download(db: Database, caller: Caller, sha256: str) -> int:
    """The blob's size if the caller may download it, else NotFound (no leak)."""
    with db.snapshot_session() as s:
        blob = s.get(Blob, sha256)
        if blob is None or not blob.complete:
            raise NotFound("No such file on the server.")
        if blob.uploaded_by_id != caller.user_id and not caller.sees_all_queues:
            tickets = (
                select(Ticket.queue_id, Ticket.assignee_id)
                .join(Attachment, Attachment.ticket_id == Ticket.id)
                .where(Attachment.sha256 == sha256)
            )
            if not any(caller.can_see(q, a) for q, a in s.execute(tickets)):
                raise NotFound("No such file on the server.")
        return int(blob.size)


def iter_blob(db: Database, sha256: str, start: int = 0) -> Iterator[bytes]:
    """The blob's bytes from ``start``, one stored chunk at a time (a fresh read per chunk)."""
    offsets = _offsets(db, sha256)
    for offset, length in offsets:
        if offset + length <= start:
            continue
        with db.snapshot_session() as s:
            data = s.execute(
                select(BlobChunk.data).where(BlobChunk.sha256 == sha256, BlobChunk.offset == offset)
            ).scalar_one()
        yield bytes(data[max(0, start - offset) :])


def _offsets(db: Database, sha256: str) -> list[tuple[int, int]]:
    with db.snapshot_session() as s:
        rows = s.execute(
            select(BlobChunk.offset, func.length(BlobChunk.data))
            .where(BlobChunk.sha256 == sha256)
            .order_by(BlobChunk.offset)
        )
        return [(int(o), int(n)) for o, n in rows]


def _digest(s: Session, sha256: str) -> str:
    digest = hashlib.sha256()
    for (data,) in s.execute(
        select(BlobChunk.data).where(BlobChunk.sha256 == sha256).order_by(BlobChunk.offset)
    ):
        digest.update(data)
    return digest.hexdigest()
