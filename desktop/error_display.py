"""Errors as readable messages: a title, what happened, and what the person can do.

:func:`describe_error` maps the core's error ``kind`` (see :mod:`sync.errors`) to words;
an exception that is not an :class:`OutpostError` is a bug, described without its
traceback (the crash log keeps that). :func:`show_error` puts it in a window-modal
message box that does not block the event loop. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from sync.errors import OutpostError

__all__ = ["ErrorInfo", "describe_error", "show_error"]


@dataclass(frozen=True)
class ErrorInfo:
    title: str
    message: str
    action: str  # what the person can do next; "" when the message already says it
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning


_BY_KIND: dict[str, tuple[str, str, QMessageBox.Icon]] = {
    "not_found": ("Not found", "Check the number or name and try again.", QMessageBox.Icon.Information),
    "invalid_input": ("Please check what you entered", "", QMessageBox.Icon.Warning),
    "invalid_transition": ("That change isn't allowed", "", QMessageBox.Icon.Warning),
    "forbidden": ("Not allowed", "Ask an administrator if you need to do this.", QMessageBox.Icon.Warning),
    "replica": ("Problem with the local data file", "", QMessageBox.Icon.Critical),
    "upgrade_app": (
        "A newer Outpost is needed",
        "Install the latest version of Outpost; your data is untouched.",
        QMessageBox.Icon.Critical,
    ),
    "corrupt": (
        "The local data file is damaged",
        "Restore the replica from a backup, or ask your administrator for help.",
        QMessageBox.Icon.Critical,
    ),
    "disk_full": ("The disk is full", "", QMessageBox.Icon.Critical),
    "retry_later": (
        "The server can't be reached",
        "Keep working; your changes are kept and sent when the connection is back.",
        QMessageBox.Icon.Information,
    ),
    "demo_unavailable": ("The demo isn't available", "", QMessageBox.Icon.Warning),
    "insecure_connection": ("This connection is not encrypted", "", QMessageBox.Icon.Warning),
    "unlock": ("The help desk is locked", "", QMessageBox.Icon.Warning),
    "device_revoked": (
        "This device was revoked",
        "Ask your administrator to set this computer up again.",
        QMessageBox.Icon.Critical,
    ),
    "encryption_required": ("Encryption is required", "", QMessageBox.Icon.Warning),
    "sign_in": (
        "Please sign in again",
        "Your work on this computer is kept while you sign in.",
        QMessageBox.Icon.Information,
    ),
}


def describe_error(error: BaseException) -> ErrorInfo:
    if isinstance(error, OutpostError):
        title, action, icon = _BY_KIND.get(error.kind, ("Something went wrong", "", QMessageBox.Icon.Warning))
        return ErrorInfo(title, error.message, action, icon)
    if isinstance(error, MemoryError):
        return ErrorInfo(
            "Out of memory",
            "The computer ran out of memory while doing that.",
            "Close other programs and try again.",
            QMessageBox.Icon.Critical,
        )
    if isinstance(error, OSError):
        return ErrorInfo(
            "Couldn't read or write a file",
            error.strerror or "The operating system refused a file operation.",
            "Check that the disk is available and that you may write to the data folder.",
            QMessageBox.Icon.Critical,
        )
    return ErrorInfo(
        "Something went wrong",
        f"Outpost hit an unexpected problem ({type(error).__name__}). Nothing you saved was lost.",
        "Try again; if it keeps happening, send the crash log in the data folder's logs/ to support.",
        QMessageBox.Icon.Critical,
    )


def show_error(parent: QWidget | None, error: BaseException) -> QMessageBox:
    """Show ``error`` without blocking; returns the (already open) message box."""
    info = describe_error(error)
    box = QMessageBox(parent)
    box.setIcon(info.icon)
    box.setWindowTitle(info.title)
    box.setText(info.title)
    box.setInformativeText(f"{info.message}\n\n{info.action}".strip())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
    box.open()
    return box
