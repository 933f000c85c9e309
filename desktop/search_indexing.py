"""Keeping the search index caught up in the background while the app is open.

Searches index a small backlog inline (see ``SearchService._catch_up``), but a large one —
a fresh demo, a replica upgraded from schema 1, a big pull from the server — would leave
them returning partial results. :class:`SearchIndexing` runs a
:class:`~sync.search.index_worker.BackgroundIndexer` (its own thread, one short write
transaction per batch, so user actions interleave) when the window opens and again shortly
after any change notice, until nothing is left.

* Progress is reported through :attr:`progress` (a percentage and a message for the status
  bar) only when a run is large enough to be worth showing.
* When a large run ends, one ``ChangeSet(everything=True)`` goes out on the change hub so a
  list showing partial search results re-reads them.
* :meth:`shutdown` cancels the run after its current batch and waits briefly; what was
  indexed stays indexed and the next start continues (the index is crash-safe per batch).

UI thread only; the worker's callbacks reach the UI thread through queued signals.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.app_context import AppContext
from sync.search.index import IndexProgress, SearchIndex
from sync.search.index_worker import BackgroundIndexer
from sync.services.changes import ChangeSet

__all__ = ["SHOW_PROGRESS_FROM", "SearchIndexing"]

log = logging.getLogger(__name__)

#: Runs with fewer changes than this finish unnoticed (well under a second).
SHOW_PROGRESS_FROM = 2_000


class SearchIndexing(QObject):
    #: (percent done, message) while a large run goes on; (100, "") when it ends.
    progress = Signal(int, str)
    #: The final IndexProgress of a run, or the exception that ended it.
    finished = Signal(object)
    _worker_progress = Signal(object)
    _worker_done = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        *,
        settle_ms: int = 1_500,
        show_progress_from: int = SHOW_PROGRESS_FROM,
        batch_size: int = 500,
    ) -> None:
        super().__init__(parent)
        self._show_from = show_progress_from
        self._ctx = ctx
        self._index = SearchIndex(ctx.replica, batch_size=batch_size)
        self._indexer: BackgroundIndexer | None = None
        self._again = False
        self._shown = False
        self._closed = False
        self._settle = QTimer(self, singleShot=True, interval=settle_ms)
        self._settle.timeout.connect(self.start)
        self._worker_progress.connect(self._on_progress)
        self._worker_done.connect(self._on_done)
        ctx.hub.changed.connect(self._changed)

    @property
    def running(self) -> bool:
        return self._indexer is not None and self._indexer.running

    def start(self) -> None:
        """Catch up now (a no-op batch when nothing is pending); queued if a run is going on."""
        if self._closed:
            return
        if self._indexer is not None:
            self._again = True
            return
        self._again = False
        self._indexer = BackgroundIndexer(
            self._index, progress=self._worker_progress.emit, on_done=self._worker_done.emit
        )
        self._indexer.start()

    def shutdown(self, wait_seconds: float = 2.0) -> None:
        """Stop after the current batch (what was indexed stays); wait at most ``wait_seconds``."""
        self._closed = True
        self._settle.stop()
        if self._indexer is not None:
            self._indexer.cancel()
            self._indexer.join(wait_seconds)

    # -- reactions --------------------------------------------------------------------------
    def _changed(self, changes: ChangeSet) -> None:
        if changes.tickets or changes.articles or changes.everything:
            self._settle.start()

    def _on_progress(self, p: IndexProgress) -> None:
        if self._closed or p.total < self._show_from or p.finished:
            return
        self._shown = True
        percent = int(100 * p.done / p.total) if p.total else 0
        self.progress.emit(percent, f"Indexing for search… {p.done:,} of {p.total:,}")

    def _on_done(self, result: IndexProgress | BaseException) -> None:
        self._indexer = None
        if isinstance(result, BaseException):
            # Searches still work on what is indexed and retry inline; the next change retries here.
            log.warning("background search indexing failed: %s", result)
        was_shown, self._shown = self._shown, False
        if was_shown:
            self.progress.emit(100, "")
        self.finished.emit(result)
        if self._closed:
            return
        if isinstance(result, IndexProgress) and result.total >= self._show_from:
            self._ctx.hub.changed.emit(ChangeSet(everything=True))
        if self._again:
            self.start()
