"""Showing a failed operation to the person as a readable message, never a traceback.

Used by the ticket pane, the new-ticket dialog and the knowledge base until the main
window's ``desktop/error_display.py`` takes over the same job. UI thread only.

The box is window-modal and opened with ``open()``, not ``exec()``: it never starts a
nested event loop, so a queued database result can still arrive behind it, and tests can
find it with ``parent.findChildren(QMessageBox)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from sync.errors import OutpostError, PermissionDeniedError

__all__ = ["error_reporter", "error_text", "show_error"]

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """What to tell the person: the core's message, or a plain sentence for anything unexpected."""
    if isinstance(error, OutpostError):
        return error.message
    return f"Something went wrong ({type(error).__name__}). Nothing you entered was lost; please try again."


def show_error(parent: QWidget, error: BaseException, title: str = "Outpost") -> QMessageBox:
    """Show ``error`` over ``parent`` without blocking; unexpected errors are also logged."""
    if not isinstance(error, OutpostError):
        log.error("unexpected error", exc_info=error)
    box = QMessageBox(parent)
    denied = isinstance(error, PermissionDeniedError)
    box.setIcon(QMessageBox.Icon.Information if denied else QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(error_text(error))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def error_reporter(parent: QWidget) -> Callable[[BaseException], None]:
    """An ``on_error`` callback for ``ctx.read``/``ctx.write`` that shows the error over ``parent``."""

    def report(error: BaseException) -> None:
        show_error(parent, error)

    return report
