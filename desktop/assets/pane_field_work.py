"""Field work on the ticket pane: the "On site" menu beside the header's actions.

:meth:`PaneFieldWork.sign_off` opens the signature dialog; :meth:`print_job_sheet` reads the
sheet and the attachment files it shows on the database thread, then writes the PDF with
Qt's writer on the UI thread and emits :attr:`printed` with its path.
:meth:`attach_job_sheet` stores that PDF as a ticket attachment (the normal attachment
write, so it syncs like any attachment) and emits :attr:`attached`;
:meth:`send_job_sheet` asks first (``confirm_send``, replaceable by tests), then adds a
public reply with the PDF attached in one unit of work
(:meth:`~sync.services.ticket_work.TicketWork.reply_with_files`): the mail channel sends
it to the requester with the file. It emits :attr:`sent` with the reply's id.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QToolButton, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.assets.job_sheet_pdf import write_job_sheet
from desktop.assets.photos import PHOTO_FILTER, prepare_photos
from desktop.assets.signature_pad import SignOffDialog
from desktop.error_message import error_reporter
from sync.errors import NotFoundError
from sync.services.changes import ChangeSet, WriteResult
from sync.services.job_sheet import JobSheet, job_sheet

__all__ = ["PaneFieldWork", "job_sheet_name"]


def job_sheet_name(display_number: str) -> str:
    return f"Job sheet {display_number}.pdf"


def _ask_before_sending(parent: QWidget, requester: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Send the job sheet",
        f"Send the job sheet to {requester or 'the requester'} as a public reply?\n"
        "It is mailed with the PDF when the ticket came in by e-mail to a queue's mailbox.",
    )
    return answer == QMessageBox.StandardButton.Yes


class PaneFieldWork(QObject):
    printed = Signal(str)  # the PDF's path
    attached = Signal(str)  # the job sheet attachment's id
    sent = Signal(str)  # the id of the reply that carries the job sheet

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
        self.attach_action = menu.addAction("Attach job sheet")
        self.attach_action.setToolTip("Keep the job sheet PDF with the ticket's attachments")
        self.attach_action.triggered.connect(self.attach_job_sheet)
        self.send_action = menu.addAction("Send job sheet to requester…")
        self.send_action.setToolTip("A public reply with the job sheet PDF attached")
        self.send_action.triggered.connect(self.send_job_sheet)
        self.confirm_send: Callable[[QWidget, str], bool] = _ask_before_sending
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
        def done(_sheet: JobSheet, path: Path) -> None:
            self.printed.emit(str(path))

        self._make_sheet(lambda _sheet: target, done)

    def attach_job_sheet(self) -> None:
        """Store the job sheet PDF as an attachment of the shown ticket."""
        work = self._ctx.work

        def attach(sheet: JobSheet, path: Path) -> None:
            ticket_id, name = sheet.detail.id, job_sheet_name(sheet.detail.display_number)
            self._ctx.write(
                lambda: work.attach_file(ticket_id, path, filename=name),
                lambda result: self._emit(self.attached, result),
                error_reporter(self._pane),
            )

        self._make_sheet(_temporary_pdf, attach)

    def send_job_sheet(self) -> None:
        """After ``confirm_send``: a public reply to the requester with the job sheet attached."""
        detail = self._pane.detail
        if detail is None:
            return
        if not detail.requester_id:
            QMessageBox.information(
                self._pane, "Send the job sheet", "This ticket has no requester to send the job sheet to."
            )
            return
        if not self.confirm_send(self._pane, detail.requester):
            return
        work = self._ctx.work

        def send(sheet: JobSheet, path: Path) -> None:
            d = sheet.detail
            name = job_sheet_name(d.display_number)
            greeting = f"Hello {d.requester}," if d.requester else "Hello,"
            body = (
                f"{greeting}\n\nplease find attached the job sheet for ticket {d.display_number}, "
                f"“{d.subject}”: the work done, the parts used and the sign-off."
            )
            self._ctx.write(
                lambda: work.reply_with_files(d.id, body, [(path, name)]),
                lambda result: self._emit(self.sent, result),
                error_reporter(self._pane),
            )

        self._make_sheet(_temporary_pdf, send)

    # -- internals -------------------------------------------------------------------
    def _make_sheet(
        self, target_for: Callable[[JobSheet], Path], then: Callable[[JobSheet, Path], None]
    ) -> None:
        """Read the sheet (database thread), write its PDF (UI thread), then ``then(sheet, path)``."""
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
            if not isValid(self):
                return
            path = write_job_sheet(sheet, files, target_for(sheet))
            then(sheet, path)

        self._ctx.read(gather, write, error_reporter(self._pane))

    def _emit(self, signal: Any, result: WriteResult) -> None:
        if isValid(self):
            signal.emit(result.entity_id)


def _temporary_pdf(sheet: JobSheet) -> Path:
    """A fresh file for the PDF (the attachment write copies it into the blob store)."""
    folder = Path(tempfile.mkdtemp(prefix="outpost-jobsheet-"))
    return folder / job_sheet_name(sheet.detail.display_number)
