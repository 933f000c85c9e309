"""Catching the search index up on a background thread, cancellable, with progress.

The desktop starts one after a pull, after opening a replica with a backlog (a fresh demo,
an upgrade from schema 1) or after "Rebuild search index". It is Qt-free: callbacks run on
the worker thread, so a Qt caller forwards them with a queued signal.

Cancelling is checked between batches (each a few tens of milliseconds), and what was
indexed stays indexed: the next worker, in this run of the app or the next, continues.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sync.search.index import IndexBusyError, IndexProgress, ProgressCallback, SearchIndex

__all__ = ["BackgroundIndexer"]

#: Called once when the worker ends: with the final progress, or with the exception.
DoneCallback = Callable[[IndexProgress | BaseException], None]


class BackgroundIndexer:
    def __init__(
        self,
        index: SearchIndex,
        *,
        progress: ProgressCallback | None = None,
        on_done: DoneCallback | None = None,
        busy_retry_seconds: float = 0.2,
    ) -> None:
        self.index = index
        self._progress = progress
        self._on_done = on_done
        self._retry = busy_retry_seconds
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.result: IndexProgress | BaseException | None = None

    def start(self) -> None:
        """Start the worker (once)."""
        if self._thread is not None:
            raise RuntimeError("This indexer was already started; make a new one.")
        self._thread = threading.Thread(target=self._run, name="outpost-search-index", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the worker to stop after its current batch."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> IndexProgress | BaseException | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        result: IndexProgress | BaseException
        try:
            while True:
                try:
                    result = self.index.catch_up(
                        progress=self._progress, should_cancel=self._cancel.is_set, busy_timeout_ms=2_000
                    )
                    break
                except IndexBusyError:
                    # A long write (a pull) holds the lock; wait for it, unless cancelled.
                    if self._cancel.wait(self._retry):
                        result = self.index.progress()
                        result = IndexProgress(result.done, result.total, result.remaining, cancelled=True)
                        break
        except BaseException as exc:  # reported to the caller, never lost on a thread
            result = exc
        self.result = result
        if self._on_done is not None:
            self._on_done(result)
