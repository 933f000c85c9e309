"""The last line of defence: an unhandled exception becomes a crash log and a friendly dialog.

:class:`CrashHandler` is installed as ``sys.excepthook`` (PySide6 routes exceptions
raised in slots and virtual overrides there too). It writes
``<data dir>/logs/crash-<timestamp>.log`` with the traceback and versions, then shows a
dialog that says where the log is and that saved work is safe; the traceback never
appears in the UI. Writing the log must never raise: if the data dir is unusable it falls
back to the system temp dir. The dialog is only shown on the UI thread (exceptions on
worker threads reach the UI as task errors, not here).
"""

from __future__ import annotations

import logging
import platform
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox

__all__ = ["CrashHandler", "write_crash_log"]

log = logging.getLogger(__name__)
_ExcHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def write_crash_log(
    logs_dir: Path,
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    now: datetime | None = None,
) -> Path:
    """Write one crash report and return its path (never raises for an unwritable dir)."""
    now = now or datetime.now().astimezone()
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    text = "\n".join(
        [
            f"Outpost crash report, {now.isoformat()}",
            f"Python {sys.version.split()[0]} on {platform.platform()}",
            f"PySide6 {pyside_version}",
            f"Thread: {threading.current_thread().name}",
            "",
            "".join(traceback.format_exception(exc_type, exc, tb)),
        ]
    )
    for folder in (logs_dir, Path(tempfile.gettempdir()) / "outpost-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            log.exception("could not write a crash log in %s", folder)
    return logs_dir / f"crash-{stamp}.log"  # pragma: no cover - both locations unwritable


class CrashHandler:
    """``sys.excepthook`` replacement; ``logs_dir`` is asked at crash time (the data dir may change)."""

    def __init__(self, logs_dir: Callable[[], Path], *, show_dialog: bool = True) -> None:
        self._logs_dir = logs_dir
        self.show_dialog = show_dialog
        self.last_log: Path | None = None
        self.last_dialog: QMessageBox | None = None
        self._previous: _ExcHook | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        try:
            logs = self._logs_dir()
        except Exception:  # the crash may be in whatever knows the data dir
            logs = Path(tempfile.gettempdir()) / "outpost-logs"
        self.last_log = write_crash_log(logs, exc_type, exc, tb)
        log.error("unhandled exception, crash log at %s", self.last_log, exc_info=(exc_type, exc, tb))
        app = QApplication.instance()
        if self.show_dialog and app is not None and QThread.currentThread() is app.thread():
            self.last_dialog = self._dialog(self.last_log)

    def _dialog(self, path: Path) -> QMessageBox:
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Outpost hit a problem")
        box.setText("Something unexpected went wrong.")
        box.setInformativeText(
            "Everything you saved is safe: Outpost saves each change as you make it.\n\n"
            f"A report for support was written to:\n{path}\n\n"
            "If the app behaves oddly now, close and reopen it."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()
        return box
