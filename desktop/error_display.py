"""Errors as readable messages: a title, what happened, and what the person can do.

:func:`describe_error` maps the core's error ``kind`` (an :class:`~sync.errors.ErrorKind`;
every member has words here) to a title and what to do;
an exception that is not an :class:`OutpostError` is a bug, described without its
traceback (the crash log keeps that). :func:`show_error` puts it in a window-modal
message box that does not block the event loop. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from sync.errors import ErrorKind, OutpostError

__all__ = ["ErrorInfo", "describe_error", "error_words", "show_error"]

_KEPT_AND_SENT = "Keep working; your changes are kept and sent when the connection is back."


@dataclass(frozen=True)
class ErrorInfo:
    title: str
    message: str
    action: str  # what the person can do next; "" when the message already says it
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning


_BY_KIND: dict[ErrorKind, tuple[str, str, QMessageBox.Icon]] = {
    ErrorKind.ERROR: ("Something went wrong", "", QMessageBox.Icon.Warning),
    ErrorKind.NOT_FOUND: (
        "Not found",
        "Check the number or name and try again.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.INVALID_INPUT: ("Please check what you entered", "", QMessageBox.Icon.Warning),
    ErrorKind.INVALID_TRANSITION: ("That change isn't allowed", "", QMessageBox.Icon.Warning),
    ErrorKind.FORBIDDEN: (
        "Not allowed",
        "Ask an administrator if you need to do this.",
        QMessageBox.Icon.Warning,
    ),
    ErrorKind.REPLICA: ("Problem with the local data file", "", QMessageBox.Icon.Critical),
    ErrorKind.UPGRADE_APP: (
        "A newer Outpost is needed",
        "Install the latest version of Outpost; your data is untouched.",
        QMessageBox.Icon.Critical,
    ),
    ErrorKind.CORRUPT: (
        "The local data file is damaged",
        "Restore the replica from a backup, or ask your administrator for help.",
        QMessageBox.Icon.Critical,
    ),
    ErrorKind.UNLOCK: ("The help desk is locked", "", QMessageBox.Icon.Warning),
    ErrorKind.DISK_FULL: ("The disk is full", "", QMessageBox.Icon.Critical),
    ErrorKind.RETRY_LATER: (
        "The server can't be reached",
        _KEPT_AND_SENT,
        QMessageBox.Icon.Information,
    ),
    ErrorKind.SIGN_IN: (
        "Please sign in again",
        "Your work on this computer is kept while you sign in.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.SERVER_RESTORED: (
        "The server's history changed",
        "Outpost fetches the server's copy again; your unsent changes are kept.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.SEQUENCE_GAP: (
        "The server missed some changes",
        "Outpost sends them again at the next sync; nothing was lost.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.CLIENT_MISMATCH: (
        "This computer's data belongs to another account",
        "Ask your administrator before connecting it to this server.",
        QMessageBox.Icon.Critical,
    ),
    ErrorKind.PROTOCOL: (
        "The server answered something unexpected",
        _KEPT_AND_SENT,
        QMessageBox.Icon.Warning,
    ),
    ErrorKind.UPLOAD_OFFSET: (
        "An attachment upload was interrupted",
        "Outpost resumes it at the next sync.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.NOT_CONNECTED: (
        "Not connected to a server",
        "Connect this help desk to your team's server from the sync menu.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.INSECURE_CONNECTION: ("This connection is not encrypted", "", QMessageBox.Icon.Warning),
    ErrorKind.DEVICE_REVOKED: (
        "This device was revoked",
        "Ask your administrator to set this computer up again.",
        QMessageBox.Icon.Critical,
    ),
    ErrorKind.ENCRYPTION_REQUIRED: ("Encryption is required", "", QMessageBox.Icon.Warning),
    ErrorKind.CANCELLED: (
        "Sync stopped",
        "Your changes are kept and sent at the next sync.",
        QMessageBox.Icon.Information,
    ),
    ErrorKind.NO_REPLICA: (
        "No help desk in this folder",
        "Choose the folder of an existing help desk, or set up a new one.",
        QMessageBox.Icon.Warning,
    ),
    ErrorKind.USAGE: ("That command isn't complete", "", QMessageBox.Icon.Warning),
    ErrorKind.DEMO_UNAVAILABLE: ("The demo isn't available", "", QMessageBox.Icon.Warning),
}


def error_words(kind: ErrorKind) -> tuple[str, str]:
    """The title and the suggested action the app shows for ``kind``."""
    title, action, _icon = _BY_KIND[kind]
    return title, action


def describe_error(error: BaseException) -> ErrorInfo:
    if isinstance(error, OutpostError):
        title, action, icon = _BY_KIND.get(error.kind, _BY_KIND[ErrorKind.ERROR])
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
