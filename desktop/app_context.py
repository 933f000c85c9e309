"""What every window and model of one open replica shares: services, the runner, the change hub."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.task_runner import TaskRunner
from sync.replica.replica import Replica
from sync.services.article_service import ArticleService
from sync.services.changes import ChangeSet, WriteResult
from sync.services.directory import Directory
from sync.services.drafts import Drafts
from sync.services.ticket_queries import TicketQueries
from sync.services.ticket_service import TicketService
from sync.services.ticket_work import TicketWork

__all__ = ["AppContext", "ChangeHub"]


class ChangeHub(QObject):
    """One "what changed" notice after every write or sync; each view decides whether to refresh."""

    changed = Signal(object)  # ChangeSet


class AppContext(QObject):
    def __init__(self, replica: Replica, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replica = replica
        self.runner = TaskRunner(self)
        self.hub = ChangeHub(self)
        self.tickets = TicketService(replica)
        self.work = TicketWork(replica)
        self.queries = TicketQueries(replica)
        self.directory = Directory(replica)
        self.articles = ArticleService(replica)
        self.drafts = Drafts(replica)

    def read(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run a query on the database thread; ``on_done(result)`` runs on the UI thread.

        Once the context is closing, reads are dropped (returns -1): a view refreshing
        during shutdown has nothing to show. Writes are never dropped: ``write`` raises.
        """
        if self.runner.closed:
            return -1
        return self.runner.submit(fn, on_done, on_error)

    def write(
        self,
        fn: Callable[[], WriteResult | ChangeSet],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run a service write on the database thread, then broadcast what changed."""

        def done(result: WriteResult | ChangeSet) -> None:
            changes = result.changes if isinstance(result, WriteResult) else result
            if not changes.is_empty:
                self.hub.changed.emit(changes)
            if on_done is not None:
                on_done(result)

        return self.runner.submit(fn, done, on_error)

    def close(self) -> None:
        self.runner.shutdown(wait=True)
        self.replica.close()
