"""Small upright previews of a ticket's photo attachments, decoded off the UI thread and cached.

Contract: :meth:`ThumbnailCache.image` answers at once with the cached preview of a blob
(``None`` while it is not decoded yet); :meth:`ThumbnailCache.request` asks for one and
:attr:`ThumbnailCache.ready` carries the blob's digest once its preview is cached. Blobs are
read through the replica's :class:`~sync.replica.blob_store.BlobStore` (an encrypted
replica's blobs are decrypted on the way, never written out in plain) and decoded with EXIF
orientation applied (:func:`desktop.assets.photos.thumbnail_from`) on the cache's own worker
thread, so decoding a large photo never delays database work nor the UI. A blob that is not
on this device yet, or is not an image Qt reads, is remembered as unavailable until
:meth:`forget_missing` (the pane calls it when the ticket is shown again after a sync).
Keeps the :data:`MAX_CACHED` most recent previews. UI thread only.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from desktop.assets.photos import thumbnail_from
from desktop.task_runner import TaskRunner
from sync.replica.blob_store import BlobStore
from sync.services.ticket_views import AttachmentView

__all__ = ["MAX_CACHED", "THUMBNAIL_SIDE", "ThumbnailCache", "is_photo"]

THUMBNAIL_SIDE = 160
MAX_CACHED = 200


def is_photo(attachment: AttachmentView) -> bool:
    """An image attachment whose bytes are on this device."""
    return attachment.is_local and attachment.mime_type.startswith("image/")


def _decode(blobs: BlobStore, sha256: str, side: int) -> QImage:
    with blobs.open(sha256) as stream:
        return thumbnail_from(stream, side)


class ThumbnailCache(QObject):
    ready = Signal(str)  # the blob's sha256

    def __init__(self, blobs: BlobStore, parent: QObject | None = None, side: int = THUMBNAIL_SIDE) -> None:
        super().__init__(parent)
        self._blobs = blobs
        self._side = side
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self._missing: set[str] = set()
        self._runner = TaskRunner(self, thread_name="outpost-thumbnails")

    def image(self, sha256: str) -> QImage | None:
        image = self._images.get(sha256)
        if image is not None:
            self._images.move_to_end(sha256)
        return image

    def request(self, sha256: str) -> None:
        """Decode this blob's preview unless it is cached, on its way, or known unavailable."""
        if sha256 in self._images or sha256 in self._pending or sha256 in self._missing:
            return
        if self._runner.closed:
            return
        self._pending.add(sha256)
        blobs, side = self._blobs, self._side
        self._runner.submit(
            lambda: _decode(blobs, sha256, side),
            lambda image: self._decoded(sha256, image),
            lambda _error: self._unavailable(sha256),
        )

    def forget_missing(self) -> None:
        self._missing.clear()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def shutdown(self) -> None:
        """Stop the worker (a decode under way finishes; its result is dropped)."""
        self._runner.shutdown(wait=False)

    def _decoded(self, sha256: str, image: QImage) -> None:
        self._pending.discard(sha256)
        if image.isNull():
            self._missing.add(sha256)
            return
        self._images[sha256] = image
        while len(self._images) > MAX_CACHED:
            self._images.popitem(last=False)
        self.ready.emit(sha256)

    def _unavailable(self, sha256: str) -> None:
        self._pending.discard(sha256)
        self._missing.add(sha256)
