"""Printing a ticket's job sheet to PDF with Qt's own PDF writer (``QPdfWriter``, A4, one page).

:func:`write_job_sheet` lays out :func:`sync.services.job_sheet.job_sheet_html` in a
``QTextDocument`` whose ``att:<id>`` images are the attachments' files on this device, and
prints it. Run it on the UI thread (QTextDocument and QPdfWriter are GUI objects); reading
the sheet (:func:`sync.services.job_sheet.job_sheet`) belongs on the database thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from sync.services.job_sheet import JobSheet, job_sheet_html

__all__ = ["headless_job_sheet_writer", "write_job_sheet"]


def write_job_sheet(sheet: JobSheet, images: dict[str, Path], target: Path) -> Path:
    """Write ``sheet`` to ``target`` (a PDF); ``images`` maps attachment ids to readable files."""
    doc = QTextDocument()
    for attachment_id, path in images.items():
        image = QImage(str(path))
        if not image.isNull():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"att:{attachment_id}"), image)
    doc.setHtml(job_sheet_html(sheet))
    writer = QPdfWriter(str(target))
    writer.setTitle(f"Job sheet {sheet.detail.display_number}: {sheet.detail.subject}")
    writer.setCreator("Outpost")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)
        )
    )
    writer.setResolution(96)
    layout = writer.pageLayout()
    page = layout.paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(page.width(), page.height()))
    doc.print_(writer)
    return target


def headless_job_sheet_writer(sheet: JobSheet, images: dict[str, Path], target: Path) -> Path:
    """:func:`write_job_sheet` from the command line: makes the Qt application it needs (offscreen
    when there is no display) if none exists yet."""
    import os

    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP.append(QGuiApplication(["outpost"]))
    return write_job_sheet(sheet, images, target)


_APP: list[object] = []  # keeps the command line's QGuiApplication alive until exit
