"""Field work on the ticket pane: Sign-off… and Print job sheet… beside the header's actions.

:meth:`PaneFieldWork.sign_off` opens the signature dialog; :meth:`print_job_sheet` reads the
sheet and the attachment files it shows on the database thread, then writes the PDF with
Qt's writer on the UI thread and emits :attr:`printed` with its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QToolButton
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.assets.job_sheet_pdf import write_job_sheet
from desktop.assets.photos import PHOTO_FILTER, prepare_photos
from desktop.assets.signature_pad import SignOffDialog
from desktop.error_message import error_reporter
from sync.errors import NotFoundError
from sync.services.changes import ChangeSet
from sync.services.job_sheet import JobSheet, job_sheet

__all__ = ["PaneFieldWork"]


class PaneFieldWork(QObject):
    printed = Signal(str)  # the PDF's path

    def __init__(self, ctx: AppContext, pane: Any) -> None:
        super().__init__(pane)  # the pane is reached as parent(): no Python cycle that the
        self._ctx = ctx  # garbage collector could break on another thread, deleting the pane there
        # One small button with a menu: the header's row sets the pane's minimum width.
        self.button = QToolButton()
        self.button.setObjectName("fieldWorkButton")
        self.button.setText("On site")
        self.button.setToolTip("Sign-off and job sheet")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.sign_action = menu.addAction("Sign-off…")
        self.sign_action.setToolTip("The requester signs on the screen to confirm the work")
        self.sign_action.triggered.connect(self.sign_off)
        self.print_action = menu.addAction("Print job sheet…")
        self.print_action.setToolTip("A one-page PDF service report: work, parts, photos, signature")
        self.print_action.triggered.connect(self._ask_and_print)
        self.photos_action = menu.addAction("Add photos…")
        self.photos_action.setToolTip("Attach several photos at once; large ones may be downscaled")
        self.photos_action.triggered.connect(self._ask_for_photos)
        self.button.setMenu(menu)  # the pane places it among its header's actions

    @property
    def _pane(self) -> Any:
        return self.parent()

    def sign_off(self) -> SignOffDialog | None:
        ticket_id = self._pane.ticket_id
        if ticket_id is None:
            return None
        dialog = SignOffDialog(self._ctx, ticket_id, self._pane)
        dialog.open()
        return dialog

    def _ask_for_photos(self) -> None:
        if self._pane.ticket_id is None:
            return
        names, _filter = QFileDialog.getOpenFileNames(self._pane, "Add photos", "", PHOTO_FILTER)
        if not names:
            return
        smaller = QMessageBox.question(
            self._pane,
            "Add photos",
            "Attach smaller copies (at most 1600 pixels on the long side)?\n"
            "The photos on disk are not changed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        self.add_photos([Path(n) for n in names], 1600 if smaller == QMessageBox.StandardButton.Yes else None)

    def add_photos(self, paths: list[Path], max_side: int | None = None) -> None:
        """Attach ``paths`` to the shown ticket (downscaled copies with ``max_side``), off the UI thread."""
        ticket_id = self._pane.ticket_id
        if ticket_id is None:
            return
        work = self._ctx.work

        def attach() -> ChangeSet:
            changes = ChangeSet()
            for path, name in prepare_photos(paths, max_side):
                changes = changes | work.attach_file(ticket_id, path, filename=name).changes
            return changes

        self._ctx.write(attach, None, error_reporter(self._pane))

    def _ask_and_print(self) -> None:
        detail = self._pane.detail
        if detail is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self._pane, "Save the job sheet", f"Job sheet {detail.display_number}.pdf", "PDF (*.pdf)"
        )
        if name:
            self.print_job_sheet(Path(name))

    def print_job_sheet(self, target: Path) -> None:
        ticket_id = self._pane.ticket_id
        if ticket_id is None:
            return
        replica, work = self._ctx.replica, self._ctx.work

        def gather() -> tuple[JobSheet, dict[str, Path]]:
            sheet = job_sheet(replica, ticket_id)
            files: dict[str, Path] = {}
            for attachment_id in sheet.images:
                try:
                    files[attachment_id] = work.attachment_file(attachment_id)
                except NotFoundError:
                    continue  # not downloaded yet: the sheet goes without that image
            return sheet, files

        def write(found: tuple[JobSheet, dict[str, Path]]) -> None:
            sheet, files = found
            path = write_job_sheet(sheet, files, target)
            if isValid(self):
                self.printed.emit(str(path))

        self._ctx.read(gather, write, error_reporter(self._pane))
