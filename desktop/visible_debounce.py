"""Running an action once a burst of input or change notices has paused — only while its widget is visible.

Search boxes, previews and "reload after a change" all wait for a short pause before they
query the database. A widget that is hidden (another screen is in front, the window is
closing) does not need the answer: the action is held back, and the owner calls
:meth:`VisibleDebounce.resume` from its ``showEvent`` to run it then. So hidden screens cost
nothing, and no held-back query reaches a database worker that was shut down at quit.

The debounce keeps no Python reference to its owner: the owner is its Qt parent, and the
action is reached through a signal connection. A Python attribute pointing back at the
owner makes a reference cycle between the two wrappers, and when the garbage collector
breaks it, PySide6 can touch the half-deleted child (seen here as segfaults during
collection). For the same reason it is not an event filter on its owner. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

__all__ = ["VisibleDebounce"]


class VisibleDebounce(QObject):
    _due_now = Signal()

    def __init__(self, owner: QWidget, action: Callable[[], None], pause_ms: int) -> None:
        super().__init__(owner)
        self._due_now.connect(action)
        self._held = False
        self._pause_ms = pause_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._due)

    def start(self) -> None:
        """(Re)start the pause; the action runs when it ends (or at :meth:`resume` if hidden then)."""
        self._timer.start(self._pause_ms)

    def cancel(self) -> None:
        """Forget a pending run (the caller is doing the work right now)."""
        self._timer.stop()
        self._held = False

    def resume(self) -> None:
        """The owner was shown: run an action that came due while it was hidden (soon, not now)."""
        if self._held and not self._timer.isActive():
            self._held = False
            self._timer.start(0)

    def _due(self) -> None:
        owner = self.parent()
        if isinstance(owner, QWidget) and owner.isVisible():
            self._held = False
            self._due_now.emit()
        else:
            self._held = True
