"""A ticket's attachments: list, add (file dialog or drag-and-drop onto the pane), open.

Adding copies each file into the replica's blob store with one ``ctx.write`` per file
(the copy runs on the database thread, never on the UI thread). Opening copies the blob
to a temporary file under its real name (viewers pick a program by the extension) on the
database thread, then asks the system to open it with ``open_url``.

Photos (image attachments on this device) also show as upright thumbnails in a strip above
the list (:attr:`AttachmentsPanel.photos`, icons from a
:class:`~desktop.ticket_pane.photo_thumbnails.ThumbnailCache`, decoded off the UI thread);
double-clicking one opens it like its row.

``choose_files`` and ``open_url`` are attributes so tests inject a path list and a fake
opener instead of a native file dialog and a real viewer. UI thread only.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.record_table_model import Column, RecordTableModel, local_time_text
from desktop.ticket_pane.photo_thumbnails import THUMBNAIL_SIDE, ThumbnailCache, is_photo
from sync.services.ticket_views import AttachmentView, TicketDetail
from sync.services.ticket_work import TicketWork

__all__ = ["ATTACHMENT_COLUMNS", "AttachmentsPanel", "copy_for_viewing", "dropped_files", "size_text"]


_ROW_SHA = Qt.ItemDataRole.UserRole
_ROW = Qt.ItemDataRole.UserRole + 1
_DECODED = Qt.ItemDataRole.UserRole + 2


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


ATTACHMENT_COLUMNS = (
    Column("Name", lambda a: a.filename, tooltip=lambda a: a.filename),
    Column("Size", lambda a: size_text(a.size), align_right=True),
    Column("Added", lambda a: local_time_text(a.added_at)),
    Column("Here", lambda a: "on this device" if a.is_local else "downloads when online"),
)


def copy_for_viewing(work: TicketWork, attachment: AttachmentView, temp_root: Path | None = None) -> Path:
    """Database thread: the attachment as ``<temp>/outpost-attachments/<id>/<filename>``.

    The name is reduced to its last path component (a synced filename must not climb out of
    the folder); an existing copy of the same size is reused.
    """
    blob = work.attachment_file(attachment.id)
    name = (
        re.sub(r"[\x00-\x1f]", "_", re.split(r"[/\\]", attachment.filename)[-1]).strip(". ") or "attachment"
    )
    folder = (temp_root or Path(tempfile.gettempdir())) / "outpost-attachments" / attachment.id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not (target.is_file() and target.stat().st_size == attachment.size):
        shutil.copyfile(blob, target)
    return target


def dropped_files(event: QDropEvent) -> list[Path]:
    """The local files being dragged or dropped (other URLs and plain text are not attachments)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = (Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile())
    return [path for path in paths if path.is_file()]


def _ask_for_files(parent: QWidget) -> list[Path]:
    names, _filter = QFileDialog.getOpenFileNames(parent, "Attach files")
    return [Path(n) for n in names]


class AttachmentsPanel(QWidget):
    #: The local path handed to the system viewer.
    opened = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, thumbnails: ThumbnailCache | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ticket_id: str | None = None
        self._thumbnails = thumbnails or ThumbnailCache(ctx.replica.blobs, self)
        self._thumbnails.ready.connect(self._thumbnail_ready)
        self.photos = QListWidget()
        self.photos.setObjectName("photoStrip")
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setFlow(QListView.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.photos.setFixedHeight(THUMBNAIL_SIDE + 48)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.itemDoubleClicked.connect(self._open_photo)
        self.photos.hide()
        self.choose_files: Callable[[QWidget], list[Path]] = _ask_for_files
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.model = RecordTableModel(ATTACHMENT_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("attachmentTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.doubleClicked.connect(lambda index: self.open_attachment(index.row()))
        self.add_button = QPushButton("&Add files…")
        self.add_button.setObjectName("addAttachment")
        self.add_button.setToolTip("Or drop files onto the ticket")
        self.add_button.clicked.connect(self.add_files)
        self.open_button = QPushButton("&Open")
        self.open_button.setObjectName("openAttachment")
        self.open_button.clicked.connect(self._open_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.photos)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_detail(self, detail: TicketDetail | None) -> None:
        self._ticket_id = detail.id if detail is not None else None
        self.model.set_records(detail.attachments if detail is not None else [])
        self.table.resizeColumnsToContents()
        self._show_photos(detail.attachments if detail is not None else [])

    def photo_icon(self, sha256: str) -> QIcon | None:
        """The icon the strip shows for this photo (None while it is not decoded)."""
        for i in range(self.photos.count()):
            item = self.photos.item(i)
            if item.data(_ROW_SHA) == sha256:
                return item.icon() if item.data(_DECODED) else None
        return None

    def add_files(self) -> None:
        if self._ticket_id is not None:
            self.attach_paths(self.choose_files(self))

    def attach_paths(self, paths: Iterable[Path]) -> None:
        """Attach each file to the shown ticket (one write each; errors shown per file)."""
        ticket_id, work = self._ticket_id, self._ctx.work
        if ticket_id is None:
            return
        for path in paths:
            self._ctx.write(partial(work.attach_file, ticket_id, path), on_error=error_reporter(self))

    def open_attachment(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        attachment: AttachmentView = self.model.record(row)
        work = self._ctx.work
        self._ctx.read(lambda: copy_for_viewing(work, attachment), self._open_copy, error_reporter(self))

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_attachment(rows[0].row())
        elif self.model.rowCount() == 1:
            self.open_attachment(0)

    def _show_photos(self, attachments: Sequence[AttachmentView]) -> None:
        self.photos.clear()
        for row, attachment in enumerate(attachments):
            if not is_photo(attachment):
                continue
            item = QListWidgetItem(attachment.filename)
            item.setData(_ROW_SHA, attachment.sha256)
            item.setData(_ROW, row)
            item.setToolTip(attachment.filename)
            self._set_icon(item)
            self.photos.addItem(item)
        self.photos.setVisible(self.photos.count() > 0)

    def _set_icon(self, item: QListWidgetItem) -> None:
        image = self._thumbnails.image(str(item.data(_ROW_SHA)))
        if image is None:
            self._thumbnails.request(str(item.data(_ROW_SHA)))
            item.setData(_DECODED, False)
            return
        item.setIcon(QIcon(QPixmap.fromImage(image)))
        item.setData(_DECODED, True)

    def _thumbnail_ready(self, sha256: str) -> None:
        for i in range(self.photos.count()):
            item = self.photos.item(i)
            if item.data(_ROW_SHA) == sha256:
                self._set_icon(item)

    def _open_photo(self, item: QListWidgetItem) -> None:
        self.open_attachment(int(item.data(_ROW)))

    def _open_copy(self, path: Path) -> None:
        self.open_url(QUrl.fromLocalFile(str(path)))
        self.opened.emit(str(path))
