"""Python's cyclic garbage collector runs on the GUI thread only.

Automatic collection runs on whichever thread happens to allocate when a threshold is
crossed — often a worker thread running a replica query. If that pass frees a cycle holding
a Qt object (a widget, a model, a signal connection's closure), the object is destroyed off
the GUI thread, which Qt does not allow and which can crash the process (seen as a
segmentation fault "Garbage-collecting" in a worker's stack).

:class:`MainThreadGc` turns automatic collection off and collects from a timer on the GUI
thread instead (young objects every tick, older generations less often, see
:meth:`MainThreadGc.collect_due`), so garbage cycles do not pile up. Reference counting,
which frees most objects, is unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["MainThreadGc"]


class MainThreadGc(QObject):
    """While installed, cyclic garbage is collected only by this object's timer (GUI thread)."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 250) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._ticks = 0
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.collect_due)

    def install(self) -> None:
        gc.disable()
        self._timer.start()

    def uninstall(self) -> None:
        """Stop the timer, collect once here, and give collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """One timer tick: collect the youngest generation, every tenth tick the middle one,
        and the oldest when the middle one's passes say so (the interpreter's own threshold).
        Returns the generation collected.

        Young garbage is collected every tick rather than when the allocation count says so,
        because that count falls again as objects are freed: a burst of allocation on a
        worker thread that would have triggered the interpreter leaves no trace by the tick.
        """
        self._ticks += 1
        generation = 0
        if self._ticks % 10 == 0:
            generation = 2 if gc.get_count()[2] >= gc.get_threshold()[2] else 1
        gc.collect(generation)
        return generation
