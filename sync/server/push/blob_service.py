"""Attachment blobs: private resumable uploads, then downloads authorized by a visible record.

Bytes live in the database, so every server process behind a load balancer sees the same
uploads and a half-finished upload resumes on any of them.

Uploads are private to their uploader
    Each (user, SHA-256) has its own upload (``BlobUpload``) with its own staged bytes
    (``BlobUploadChunk``). ``GET .../upload`` shows only the caller's own upload, and every
    answer during an upload depends only on what the caller sent: offsets, sizes and the
    final check are computed from the caller's bytes, never compared with bytes another
    user stored. Two users uploading the same file never see or block each other. Each
    chunk is appended with the caller's upload row locked, so two devices of one user
    cannot interleave: the second is told the current offset (409 ``upload_offset``).
    A first chunk (offset 0) with another size than the unfinished upload restarts it.

Verified, then deduplicated invisibly
    When the last byte arrives, the SHA-256 of the caller's staged bytes is checked; a
    mismatch discards the upload (400). On a match the bytes become the blob
    (``Blob``/``BlobChunk``) — or, if the server already holds that blob, the staged bytes
    are dropped — and the answer is the same either way: ``complete``. A completed upload
    answers ``complete`` again at once (idempotent).

What a completed upload grants
    Only this: its uploader may attach the blob to a ticket (``ticket.attach``) while the
    upload has not expired. It grants no download. A ``ticket.attach`` of a blob the caller
    neither uploaded nor can see through a visible record is deferred as ``blob_missing``,
    exactly like a blob that is not there (the client then uploads it).

Downloads are authorized by a record, on every request
    ``GET /v1/blobs/{sha256}`` is answered only if an attachment referencing the blob sits
    on a ticket the caller can see now (``access.ticket_visible_clause``: their queues,
    tickets assigned to them; admins every ticket). There is no standing claim: losing
    sight of the ticket ends access to the file. Anyone else gets 404, as for a blob that
    does not exist. Knowledge-base articles name images as ``attachment:<sha256>`` in their
    text, which anyone can type, so an article never authorizes a download (clients show
    article images only from their own attachment store).

Expiry
    An upload not touched (a chunk received, or completion) for the runtime setting
    ``blob_upload_expiry_hours`` (default 24) reads as absent and is deleted with its
    staged bytes by :func:`expire_uploads`, which runs whenever a user opens a new upload
    and may be called by tests or maintenance. A blob whose expired uploads were its only
    holders and that no attachment references (completed, never attached) is deleted too.
    Blobs stored before this scheme and never attached stay, unreachable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, delete, exists, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync import protocol
from sync.ids import new_id
from sync.server.core.access import Caller, ticket_visible_clause
from sync.server.core.runtime_settings import load_runtime_settings
from sync.server.db.database import Database
from sync.server.db.models import Attachment, Ticket
from sync.server.db.state_models import Blob, BlobChunk, BlobUpload, BlobUploadChunk
from sync.server.errors import BadRequest, Conflict, NotFound, TooLarge

__all__ = [
    "ExpiryReport",
    "blob_size_for_download",
    "expire_uploads",
    "iter_blob",
    "may_attach_blob",
    "may_download_blob",
    "upload_chunk",
    "upload_status",
]

_MISMATCH = "The uploaded bytes do not match the SHA-256; the upload was discarded."
_NO_FILE = "No such file on the server."
_BATCH = 500


@dataclass(frozen=True)
class ExpiryReport:
    """What one :func:`expire_uploads` sweep deleted."""

    uploads: int
    blobs: int


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def _expiry(s: Session) -> timedelta:
    return timedelta(hours=load_runtime_settings(s).blob_upload_expiry_hours)


def _fresh(sha256: str) -> protocol.UploadStatus:
    return protocol.UploadStatus(sha256=sha256, size=None, received=0, complete=False)


def _status(upload: BlobUpload) -> protocol.UploadStatus:
    return protocol.UploadStatus(
        sha256=upload.sha256, size=upload.size, received=upload.received, complete=upload.complete
    )


def _blob_exists(s: Session, sha256: str) -> bool:
    return s.execute(select(exists().where(Blob.sha256 == sha256))).scalar_one()


def _live(s: Session, upload: BlobUpload, ttl: timedelta, now: datetime) -> bool:
    """Not expired, and if complete its blob is still there (a sweep may have raced it)."""
    if upload.touched_at + ttl <= now:
        return False
    return not upload.complete or _blob_exists(s, upload.sha256)


def _own_upload(s: Session, user_id: str, sha256: str, *, lock: bool = False) -> BlobUpload | None:
    query = select(BlobUpload).where(BlobUpload.user_id == user_id, BlobUpload.sha256 == sha256)
    if lock:
        query = query.with_for_update()
    return s.execute(query).scalar_one_or_none()


def upload_status(
    db: Database, caller: Caller, sha256: str, now: datetime | None = None
) -> protocol.UploadStatus:
    """The caller's own upload of this blob (a fresh one if they have none)."""
    with db.snapshot_session() as s:
        upload = _own_upload(s, caller.user_id, sha256)
        if upload is None or not _live(s, upload, _expiry(s), _now(now)):
            return _fresh(sha256)
        return _status(upload)


def may_download_blob(s: Session, caller: Caller, sha256: str) -> bool:
    """Is the blob attached to a ticket the caller can see now? (The only download right.)"""
    visible = (
        select(Attachment.id)
        .join(Ticket, Ticket.id == Attachment.ticket_id)
        .where(Attachment.sha256 == sha256, ticket_visible_clause(caller))
        .limit(1)
    )
    return s.execute(visible).first() is not None


def may_attach_blob(s: Session, caller: Caller, sha256: str, now: datetime | None = None) -> bool:
    """May the caller attach this blob: their own completed, unexpired upload, or a visible record."""
    upload = _own_upload(s, caller.user_id, sha256)
    if upload is not None and upload.complete and _live(s, upload, _expiry(s), _now(now)):
        return True
    return may_download_blob(s, caller, sha256)


def upload_chunk(
    db: Database,
    caller: Caller,
    sha256: str,
    offset: int,
    size: int,
    data: bytes,
    now: datetime | None = None,
) -> protocol.UploadStatus:
    """Append ``data`` at ``offset`` of the caller's upload of a ``size``-byte file; verify when complete."""
    if size < 0 or size > protocol.MAX_ATTACHMENT_BYTES:
        raise TooLarge(f"Attachments are limited to {protocol.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.")
    if len(data) > protocol.MAX_UPLOAD_CHUNK_BYTES:
        raise TooLarge(f"Send at most {protocol.MAX_UPLOAD_CHUNK_BYTES} bytes per chunk.")
    now = _now(now)
    with db.write_session() as s:
        ttl = _expiry(s)
        upload = _own_upload(s, caller.user_id, sha256, lock=True)
        opened = upload is None
        if upload is None:
            upload = _open_upload(s, caller.user_id, sha256, size, now)
        elif not _live(s, upload, ttl, now) or (not upload.complete and offset == 0 and upload.size != size):
            _restart(s, upload, size, now)
        status = _append(s, upload, offset, size, data, now)
    if opened:
        expire_uploads(db, now)
    if status is None:
        raise BadRequest(_MISMATCH)
    return status


def _open_upload(s: Session, user_id: str, sha256: str, size: int, now: datetime) -> BlobUpload:
    """Create the caller's upload row (a concurrent request of the same user may have won) and lock it."""
    insert_ = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(
        insert_(BlobUpload)
        .values(
            id=new_id(), user_id=user_id, sha256=sha256, size=size, received=0, complete=False, touched_at=now
        )
        .on_conflict_do_nothing(index_elements=["user_id", "sha256"])
    )
    upload = _own_upload(s, user_id, sha256, lock=True)
    assert upload is not None
    return upload


def _restart(s: Session, upload: BlobUpload, size: int, now: datetime) -> None:
    s.execute(delete(BlobUploadChunk).where(BlobUploadChunk.upload_id == upload.id))
    upload.size, upload.received, upload.complete, upload.touched_at = size, 0, False, now


def _append(
    s: Session, upload: BlobUpload, offset: int, size: int, data: bytes, now: datetime
) -> protocol.UploadStatus | None:
    """Stage one chunk; on the last byte verify and store. ``None``: the bytes did not match."""
    if upload.complete:
        return _status(upload)
    if upload.size != size:
        raise BadRequest(f"This upload was started with size {upload.size}, not {size}.")
    if offset != upload.received:
        raise Conflict(
            f"Resume the upload at byte {upload.received}.",
            kind="upload_offset",
            detail=_status(upload).model_dump(),
        )
    if offset + len(data) > upload.size:
        raise BadRequest("This chunk goes past the declared size of the file.")
    if data:
        s.add(BlobUploadChunk(upload_id=upload.id, offset=offset, data=data))
        upload.received += len(data)
    upload.touched_at = now
    if upload.received < upload.size:
        return _status(upload)
    s.flush()
    if _staged_digest(s, upload.id) != upload.sha256:
        s.execute(delete(BlobUploadChunk).where(BlobUploadChunk.upload_id == upload.id))
        s.delete(upload)
        return None
    _store(s, upload, now)
    s.execute(delete(BlobUploadChunk).where(BlobUploadChunk.upload_id == upload.id))
    upload.complete = True
    return _status(upload)


def _store(s: Session, upload: BlobUpload, now: datetime) -> None:
    """Make the verified staged bytes the blob, unless the server already holds it (then nothing)."""
    if s.get(Blob, upload.sha256, with_for_update=True) is not None:
        return
    insert_ = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = s.execute(
        insert_(Blob)
        .values(sha256=upload.sha256, size=upload.size, uploaded_by_id=upload.user_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["sha256"])
        .returning(Blob.sha256)
    ).first()
    if created is None:
        return  # another user's upload of the same file completed at the same moment
    staged = select(literal(upload.sha256, String(64)), BlobUploadChunk.offset, BlobUploadChunk.data).where(
        BlobUploadChunk.upload_id == upload.id
    )
    s.execute(insert(BlobChunk).from_select(["sha256", "offset", "data"], staged))


def _staged_digest(s: Session, upload_id: str) -> str:
    digest = hashlib.sha256()
    rows = s.execute(
        select(BlobUploadChunk.data)
        .where(BlobUploadChunk.upload_id == upload_id)
        .order_by(BlobUploadChunk.offset)
        .execution_options(yield_per=4)
    )
    for (data,) in rows:
        digest.update(data)
    return digest.hexdigest()


def expire_uploads(db: Database, now: datetime | None = None) -> ExpiryReport:
    """Delete uploads untouched for the expiry period, their staged bytes, and blobs they alone held.

    A blob is deleted only if no attachment references it and no other upload of it remains
    (completed but never attached, or the last holders gave up).
    """
    now = _now(now)
    with db.write_session() as s:
        cutoff = now - _expiry(s)
        expired = s.execute(
            select(BlobUpload.id, BlobUpload.sha256).where(BlobUpload.touched_at <= cutoff).with_for_update()
        ).all()
        ids = [upload_id for upload_id, _ in expired]
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            s.execute(delete(BlobUploadChunk).where(BlobUploadChunk.upload_id.in_(batch)))
            s.execute(delete(BlobUpload).where(BlobUpload.id.in_(batch)))
        blobs = sum(_drop_if_unreferenced(s, sha) for sha in sorted({sha for _, sha in expired}))
    return ExpiryReport(uploads=len(ids), blobs=blobs)


def _drop_if_unreferenced(s: Session, sha256: str) -> bool:
    if s.get(Blob, sha256, with_for_update=True) is None:
        return False
    attached = s.execute(select(exists().where(Attachment.sha256 == sha256))).scalar_one()
    uploading = s.execute(select(exists().where(BlobUpload.sha256 == sha256))).scalar_one()
    if attached or uploading:
        return False
    s.execute(delete(BlobChunk).where(BlobChunk.sha256 == sha256))
    s.execute(delete(Blob).where(Blob.sha256 == sha256))
    return True


def blob_size_for_download(db: Database, caller: Caller, sha256: str) -> int:
    """The blob's size if the caller may download it now, else NotFound (no leak)."""
    with db.snapshot_session() as s:
        blob = s.get(Blob, sha256)
        if blob is None or not may_download_blob(s, caller, sha256):
            raise NotFound(_NO_FILE)
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
