"""``on_error`` callbacks for ``ctx.read``/``ctx.write`` that show the failure over a widget.

The message itself comes from :mod:`desktop.error_display` (the main window's readable
error box: the core's message, what to do, never a traceback); this only adapts
:func:`~desktop.error_display.show_error`, which returns its box, to the ``None``-returning
callback type the task runner takes. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop.error_display import show_error

__all__ = ["error_reporter"]


def error_reporter(parent: QWidget) -> Callable[[BaseException], None]:
    """A callback that shows the error it is given over ``parent``, without blocking."""

    def report(error: BaseException) -> None:
        show_error(parent, error)

    return report
