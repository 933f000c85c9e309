"""Moving attachment files: upload before the mutation that needs them, download on demand.

Uploads are resumable and idempotent: the server says how many bytes of this user's own
upload it holds (``UploadStatus.received``) and the client sends the rest in chunks, each
at the offset the server expects (a wrong offset is answered with the right one and the
upload resumes there). An upload this user completed is answered ``complete`` at once, so
re-running an interrupted round costs one request per attachment. Uploads are private to
the user: a file someone else stored is uploaded in full (the server deduplicates
afterwards, invisibly), and an upload left unattached past the server's expiry is
uploaded again when the push asks for it (``blob_missing``).

Downloads go to ``attachments/.partial-<sha256>`` (:class:`~sync.replica.blob_store.PartialBlob`,
encrypted as it arrives in an encrypted replica) and resume from what it holds with a
``Range`` request; the file is checked against its SHA-256, flushed to disk and renamed
into the content-addressed store, and only then marked ``is_local`` in the replica.

Threading: runs on the sync worker (or a download worker); ``cancel`` is checked per chunk.
A cancelled download keeps its partial file and resumes next time.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync.engine.errors import SyncProtocolError, UploadOffsetError
from sync.engine.outcomes import JournalRow
from sync.engine.progress import CancelToken, ProgressFn, SyncProgress
from sync.engine.replica_conn import transaction
from sync.engine.sync_client import SyncClient
from sync.errors import NotFoundError
from sync.protocol.ops import Op
from sync.replica.blob_store import BlobStore

__all__ = ["CHUNK_BYTES", "BlobUploader", "download_blob"]

CHUNK_BYTES = 1024 * 1024


class BlobUploader:
    """Uploads the blobs referenced by ``ticket.attach`` journal rows (see the module docstring)."""

    def __init__(
        self,
        client: SyncClient,
        blobs: BlobStore,
        progress: ProgressFn,
        cancel: CancelToken,
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.client = client
        self.blobs = blobs
        self.progress = progress
        self.cancel = cancel
        self.chunk_bytes = chunk_bytes
        self.done: set[str] = set()
        self.missing: list[str] = []

    def __call__(self, rows: list[JournalRow], force: bool) -> None:
        for row in rows:
            if row.op != Op.TICKET_ATTACH:
                continue
            att = row.payload.get("attachment", {})
            sha, name = str(att.get("sha256", "")), str(att.get("filename", "file"))
            if sha and (force or sha not in self.done):
                self.upload(sha, name)

    def upload(self, sha256: str, name: str) -> None:
        if not self.blobs.has(sha256):
            if name not in self.missing:  # the server will stop at the mutation: reported as blocked
                self.missing.append(name)
            return
        size = self.blobs.size(sha256)
        status = self.client.upload_status(sha256)
        received = status.received
        with self.blobs.open(sha256) as fh:
            while not status.complete:
                self.cancel.check()
                self.progress(SyncProgress("upload", received, size, f"Uploading {name}"))
                fh.seek(received)
                chunk = fh.read(self.chunk_bytes)
                try:
                    status = self.client.upload_chunk(sha256, received, size, chunk)
                except UploadOffsetError as exc:
                    received = exc.received
                    continue
                if not status.complete and status.received <= received:
                    raise SyncProtocolError(f"The server did not accept any bytes of {name}.")
                received = status.received
        self.done.add(sha256)
        self.progress(SyncProgress("upload", size, size, f"Uploaded {name}"))


def download_blob(
    conn: sqlite3.Connection,
    client: SyncClient,
    blobs: BlobStore,
    attachment_id: str,
    progress: ProgressFn,
    cancel: CancelToken,
) -> Path:
    """Fetch one attachment's file (resuming a partial download) and mark it local; return its path."""
    row = conn.execute(
        "SELECT sha256, size, filename FROM attachments WHERE id = ?", (attachment_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"No attachment with id {attachment_id}.")
    sha, size, name = str(row[0]), int(row[1]), str(row[2])
    target = blobs.path(sha)
    if not target.is_file():
        partial = blobs.partial(sha)
        try:

            def restart() -> None:
                partial.restart()

            def sink(chunk: bytes) -> None:
                cancel.check()
                partial.write(chunk)
                progress(SyncProgress("download", partial.done, size, f"Downloading {name}"))

            client.download(sha, partial.done, sink, restart)
        except BaseException:
            partial.close()  # kept: the next download resumes from it
            raise
        if not partial.finish():
            raise SyncProtocolError(f"{name} arrived damaged (its checksum does not match); try again.")
    with transaction(conn):
        conn.execute("UPDATE attachments SET is_local = 1 WHERE sha256 = ?", (sha,))
    progress(SyncProgress("download", size, size, f"{name} is on this computer"))
    return target

