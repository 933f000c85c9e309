"""Running database work off the UI thread and delivering results back on it.

All replica work runs on ONE worker thread (so writes are serialised and the UI thread
never waits on SQLite). ``submit`` returns at once; ``on_done``/``on_error`` are called
later on the thread that owns the runner (the UI thread), via a queued Qt signal, unless the
runner was shut down meanwhile (then the callbacks' widgets are going away: results are
dropped and errors only logged).
Exceptions raised by the task are delivered to ``on_error`` (or, if none is given, to
the runner's ``failed`` signal, which the main window shows as a readable message).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["TaskRunner"]

log = logging.getLogger(__name__)
_OnDone = Callable[[Any], None]
_OnError = Callable[[BaseException], None]


class TaskRunner(QObject):
    #: (task id, result, error) — internal, crosses from the worker to the UI thread.
    _finished = Signal(int, object, object)
    #: An error that no ``on_error`` handled.
    failed = Signal(object)
    #: Emitted when the number of queued/running tasks changes.
    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None, *, thread_name: str = "outpost-db") -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=thread_name)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[_OnDone | None, _OnError | None]] = {}
        self._finished.connect(self._deliver)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self.busy_changed.emit(len(self._callbacks))

        def work() -> None:
            try:
                result = fn()
            except BaseException as exc:  # delivered to the UI thread, never lost
                log.debug("task %s failed", task_id, exc_info=True)
                self._finished.emit(task_id, None, exc)
            else:
                self._finished.emit(task_id, result, None)

        self._pool.submit(work)
        return task_id

    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(task_id, (None, None))
        self.busy_changed.emit(len(self._callbacks))
        if self._closed:
            # Shut down: the work itself finished (shutdown waits for it), but the widgets
            # that asked for it are being torn down (closing the window, switching replicas,
            # encrypting), so their callbacks must not run. An error is still logged.
            if error is not None:
                log.warning("task %s failed while the replica was closing: %r", task_id, error)
            return
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                self.failed.emit(error)
        elif on_done is not None:
            on_done(result)

    def shutdown(self, wait: bool = True) -> None:
        """Finish queued work (writes must not be dropped) and stop the worker."""
        self._closed = True
        self._pool.shutdown(wait=wait)
