"""The window keeps the search index caught up in the background (real replica, real threads)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.search_indexing import SearchIndexing
from sync.search.index import IndexProgress, SearchIndex
from sync.search.search_service import SearchService
from sync.services.changes import ChangeSet
from sync.services.ticket_service import NewTicket


def test_a_backlog_is_indexed_in_the_background_with_progress(qtbot: QtBot, ctx: AppContext) -> None:
    index = SearchIndex(ctx.replica)
    assert index.backlog() > 500  # the template's tickets were written by the services, not indexed
    indexing = SearchIndexing(ctx, show_progress_from=100, batch_size=100)
    progress: list[int] = []
    indexing.progress.connect(lambda percent, _message: progress.append(percent))
    refreshes: list[ChangeSet] = []
    ctx.hub.changed.connect(refreshes.append)
    with qtbot.waitSignal(indexing.finished, timeout=60_000) as done:
        indexing.start()
    assert isinstance(done.args[0], IndexProgress) and done.args[0].finished
    assert index.backlog() == 0
    assert progress and progress[-1] == 100 and progress == sorted(progress)
    assert any(c.everything for c in refreshes)  # lists showing partial results re-read them
    hits = SearchService(ctx.replica).search("projector", catch_up=False)
    assert hits.tickets and hits.index_backlog == 0
    indexing.shutdown()


def test_a_new_ticket_is_indexed_soon_after_the_change_notice(qtbot: QtBot, ctx: AppContext) -> None:
    indexing = SearchIndexing(ctx, settle_ms=50)
    with qtbot.waitSignal(indexing.finished, timeout=60_000):
        indexing.start()
    queue = ctx.directory.queues()[0].id
    with qtbot.waitSignal(indexing.finished, timeout=30_000):
        ctx.write(
            lambda: ctx.tickets.create_ticket(NewTicket(subject="Zebra crossing light out", queue_id=queue))
        )
    hits = SearchService(ctx.replica).search("zebra", catch_up=False)
    assert ["".join(span.text for span in t.subject) for t in hits.tickets] == ["Zebra crossing light out"]
    indexing.shutdown()


def test_shutdown_mid_run_keeps_what_was_indexed(qtbot: QtBot, ctx: AppContext) -> None:
    index = SearchIndex(ctx.replica)
    before = index.backlog()
    indexing = SearchIndexing(ctx, batch_size=10)
    first_batch = qtbot.waitSignal(indexing._worker_progress, timeout=30_000)
    indexing.start()
    first_batch.wait()
    indexing.shutdown(wait_seconds=10)
    assert not indexing.running
    left = index.backlog()
    assert 0 < left < before
    again = SearchIndexing(ctx)
    with qtbot.waitSignal(again.finished, timeout=60_000):
        again.start()
    assert index.backlog() == 0
    again.shutdown()
