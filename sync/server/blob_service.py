"""Attachment blobs: resumable, idempotent, content-addressed uploads and downloads.

Bytes live in the database (``blob_chunks``), so every server process behind a load
balancer sees the same uploads and a half-finished upload resumes on any of them. Each
chunk is appended in its own transaction with the blob row locked, so two racing uploads
of the same file cannot interleave: the second is told the current offset (409
``upload_offset``) and resumes from there. When the last byte arrives the SHA-256 is
checked; a mismatch discards the upload. A blob that is already complete answers
``complete`` at once (idempotent).

Knowing a SHA-256 is not holding the file. A user has a **claim** on a blob
(``BlobClaim``) once they completed its upload, or — when the blob is already stored —
once they sent the same bytes again: each chunk is compared with the stored bytes at its
offset and only counted if equal (proof of possession without storing a second copy). To
such a user the upload status of a stored blob reads as *not yet received* until then, so
the status never tells a stranger that the server holds a file.

Who may download, or attach the blob to a ticket: a claimant, an admin, or anyone who can
see a ticket with an attachment referencing the blob. Anyone else gets 404, exactly as for
a blob that does not exist.
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
from sync.server.state_models import Blob, BlobChunk, BlobClaim

__all__ = ["blob_size_for_download", "iter_blob", "may_use_blob", "upload_chunk", "upload_status"]


def _status(blob: Blob | None, sha256: str) -> protocol.UploadStatus:
    if blob is None:
        return protocol.UploadStatus(sha256=sha256, size=None, received=0, complete=False)
    return protocol.UploadStatus(
        sha256=sha256, size=blob.size, received=blob.received, complete=blob.complete
    )


def _claim(s: Session, sha256: str, user_id: str) -> BlobClaim | None:
    return s.get(BlobClaim, (sha256, user_id))


def _grant(s: Session, sha256: str, user_id: str | None, size: int) -> None:
    if user_id is None:
        return
    claim = _claim(s, sha256, user_id)
    if claim is None:
        s.add(BlobClaim(sha256=sha256, user_id=user_id, verified=size, complete=True))
    else:
        claim.verified, claim.complete = size, True


def _stranger_status(claim: BlobClaim | None, sha256: str) -> protocol.UploadStatus:
    """A stored blob as seen by someone who has not shown they hold it: their own progress."""
    return protocol.UploadStatus(
        sha256=sha256, size=None, received=claim.verified if claim else 0, complete=False
    )


def _status_for(s: Session, caller: Caller, blob: Blob | None, sha256: str) -> protocol.UploadStatus:
    if blob is None or not blob.complete:
        return _status(blob, sha256)
    claim = _claim(s, sha256, caller.user_id)
    if claim is not None and claim.complete:
        return _status(blob, sha256)
    return _stranger_status(claim, sha256)


def upload_status(db: Database, caller: Caller, sha256: str) -> protocol.UploadStatus:
    with db.snapshot_session() as s:
        return _status_for(s, caller, s.get(Blob, sha256), sha256)


def may_use_blob(s: Session, caller: Caller, sha256: str) -> bool:
    """May ``caller`` download this (complete) blob or attach it to a ticket?"""
    if caller.sees_all_queues:
        return True
    claim = _claim(s, sha256, caller.user_id)
    if claim is not None and claim.complete:
        return True
    tickets = (
        select(Ticket.queue_id, Ticket.assignee_id)
        .join(Attachment, Attachment.ticket_id == Ticket.id)
        .where(Attachment.sha256 == sha256)
    )
    return any(caller.can_see(q, a) for q, a in s.execute(tickets))


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
            return _prove_possession(s, caller, blob, offset, size, data)
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
            _grant(s, sha256, caller.user_id, blob.size)
            if blob.uploaded_by_id != caller.user_id:
                _grant(s, sha256, blob.uploaded_by_id, blob.size)
        return _status(blob, sha256)


def _prove_possession(
    s: Session, caller: Caller, blob: Blob, offset: int, size: int, data: bytes
) -> protocol.UploadStatus:
    """An upload of a blob the server already has: compare the bytes instead of storing them.

    Any mismatch (bytes, size) is answered like a failed checksum of a fresh upload and
    restarts the caller's proof, so it tells a stranger nothing about the stored file.
    """
    sha256 = blob.sha256
    claim = _claim(s, sha256, caller.user_id)
    if claim is not None and claim.complete:
        return _status(blob, sha256)
    if claim is None:
        claim = BlobClaim(sha256=sha256, user_id=caller.user_id, verified=0, complete=False)
        s.add(claim)
        s.flush()
    if offset != claim.verified:
        raise Conflict(
            f"Resume the upload at byte {claim.verified}.",
            kind="upload_offset",
            detail=_stranger_status(claim, sha256).model_dump(),
        )
    matches = size == blob.size and offset + len(data) <= blob.size
    if not matches or _stored_bytes(s, sha256, offset, len(data)) != data:
        claim.verified = 0
        s.commit()
        raise BadRequest("The uploaded bytes do not match the SHA-256; the upload was discarded.")
    claim.verified += len(data)
    if claim.verified == blob.size:
        claim.complete = True
        return _status(blob, sha256)
    return _stranger_status(claim, sha256)


def _stored_bytes(s: Session, sha256: str, start: int, length: int) -> bytes:
    """``length`` stored bytes of a blob from ``start`` (chunks may be of any size)."""
    if length == 0:
        return b""
    end = start + length
    rows = s.execute(
        select(BlobChunk.offset, BlobChunk.data)
        .where(BlobChunk.sha256 == sha256, BlobChunk.offset < end)
        .order_by(BlobChunk.offset)
    )
    out = bytearray()
    for chunk_offset, chunk in rows:
        chunk_end = int(chunk_offset) + len(chunk)
        if chunk_end <= start:
            continue
        out += bytes(chunk[max(0, start - int(chunk_offset)) : end - int(chunk_offset)])
    return bytes(out)


def blob_size_for_download(db: Database, caller: Caller, sha256: str) -> int:
    """The blob's size if the caller may download it, else NotFound (no leak)."""
    with db.snapshot_session() as s:
        blob = s.get(Blob, sha256)
        if blob is None or not blob.complete:
            raise NotFound("No such file on the server.")
        if not may_use_blob(s, caller, sha256):
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
