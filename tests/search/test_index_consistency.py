"""The index agrees with a full rebuild after writes, bulk pulls, deletes, moved rows and crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search.desk import Desk, index_snapshot
from sqlalchemy import text

from sync.demo.generator import DemoSpec, populate_demo
from sync.replica.replica import Replica, open_replica
from sync.search import index as index_module
from sync.search.index import IndexBusyError, IndexProgress, SearchIndex
from sync.services.article_service import ArticleService
from sync.services.ticket_service import TicketService
from sync.services.ticket_work import TicketWork

REPO = Path(__file__).resolve().parents[2]


def assert_matches_rebuild(replica: Replica) -> dict[str, tuple[str, ...]]:
    """Catch up, then check the index holds exactly what a rebuild from scratch holds."""
    index = SearchIndex(replica)
    index.catch_up()
    assert index.backlog() == 0
    index.check_integrity()
    caught_up = index_snapshot(replica)
    index.rebuild()
    index.catch_up()
    index.check_integrity()
    assert index_snapshot(replica) == caught_up
    return caught_up


def test_every_kind_of_write_is_indexed(desk: Desk) -> None:
    service, work, kb = TicketService(desk.replica), TicketWork(desk.replica), ArticleService(desk.replica)
    service.update_ticket(desk.tickets["projector"], {"subject": "Beamer shows no signal"})
    work.reply(desk.tickets["projector"], "Swapped the HDMI cable.")
    service.change_status(desk.tickets["heating"], "resolved", resolution="New thermostatic valve fitted.")
    service.merge(desk.tickets["vpn_home"], desk.tickets["vpn_drops"])
    kb.edit(desk.articles["heating_faq"], {"body": "Call **Estates** on 4455.", "tags": ["hvac", "estates"]})
    snapshot = assert_matches_rebuild(desk.replica)
    assert snapshot[desk.tickets["projector"]][0] == "Beamer shows no signal"
    assert "Swapped the HDMI cable." in snapshot[desk.tickets["projector"]][3]
    assert snapshot[desk.articles["heating_faq"]] == (
        "Heating FAQ",
        "Call Estates on 4455.",
        "estates hvac",
        "",
    )
    assert desk.find("thermostatic") == ["heating"]
    assert set(desk.find("merged")) == {"vpn_drops", "vpn_home"}  # the merge notes


def test_bulk_pull_of_new_rows_is_indexed_without_triggers(desk: Desk) -> None:
    """A pull inserts thousands of rows in one transaction; no trigger runs per row, and the
    catch-up finds them past the high-water marks."""
    ticket = desk.tickets["payroll"]
    with desk.replica.read() as s:
        template = s.execute(text("SELECT * FROM tickets WHERE id = :id"), {"id": ticket}).mappings().one()
    rows, comments = [], []
    for n in range(2000):
        row = dict(template)
        row.update(
            id=f"pulled-{n:05d}", number=None, local_number=10_000 + n, subject=f"Pulled ticket {n} kiosk"
        )
        rows.append(row)
        comments.append(
            dict(
                id=f"c-{n}",
                ticket_id=row["id"],
                kind="reply",
                author_id=None,
                from_requester=0,
                body=f"kiosk reply {n}",
                created_at=row["created_at"],
                version=3,
            )
        )
    cols = list(rows[0])
    with desk.replica.bulk_write() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO tickets ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(r[c] for c in cols) for r in rows],
        )
        ccols = list(comments[0])
        conn.exec_driver_sql(
            f"INSERT INTO comments ({', '.join(ccols)}) VALUES ({', '.join('?' * len(ccols))})",
            [tuple(c[k] for k in ccols) for c in comments],
        )
    with desk.replica.read() as s:
        assert s.execute(text("SELECT count(*) FROM search_queue")).scalar() == 0
    assert SearchIndex(desk.replica).backlog() == 4000
    snapshot = assert_matches_rebuild(desk.replica)
    assert snapshot["pulled-01999"][0] == "Pulled ticket 1999 kiosk"
    assert snapshot["pulled-01999"][3] == "kiosk reply 1999"
    assert len(desk.search.search("kiosk", limit=10).tickets) == 10


def test_bulk_deletes_leave_no_documents_behind(desk: Desk) -> None:
    gone = [desk.tickets["toner"], desk.tickets["projector"], desk.tickets["a_word"]]
    with desk.replica.bulk_write() as conn:
        for table, column in (
            ("comments", "ticket_id"),
            ("activity", "entity_id"),
            ("ticket_tags", "ticket_id"),
            ("journal", "entity_id"),
            ("tickets", "id"),
        ):
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE {column} IN (?, ?, ?)", tuple(gone))
        conn.exec_driver_sql(
            "DELETE FROM article_revisions WHERE article_id = ?", (desk.articles["vpn_mtu"],)
        )
        conn.exec_driver_sql("DELETE FROM articles WHERE id = ?", (desk.articles["vpn_mtu"],))
    snapshot = assert_matches_rebuild(desk.replica)
    assert not set(gone) & set(snapshot)
    assert desk.articles["vpn_mtu"] not in snapshot
    assert desk.find("toner") == [] and desk.find_articles("mtu") == []


def test_replaced_rows_and_reused_rowids_point_at_the_right_ticket(desk: Desk) -> None:
    ticket = desk.tickets["payroll"]
    with desk.replica.bulk_write() as conn:  # a pull that upserts with INSERT OR REPLACE
        conn.exec_driver_sql("INSERT OR REPLACE INTO tickets SELECT * FROM tickets WHERE id = ?", (ticket,))
        conn.exec_driver_sql(
            "UPDATE tickets SET subject = 'Payslip for March (reissued)' WHERE id = ?", (ticket,)
        )
    assert_matches_rebuild(desk.replica)
    assert desk.find("reissued") == ["payroll"]
    # delete the ticket holding the highest rowid, then insert: SQLite reuses that rowid
    with desk.replica.read() as s:
        top_rowid, top_id = s.execute(text("SELECT rowid, id FROM tickets ORDER BY rowid DESC LIMIT 1")).one()
    assert top_id == ticket
    with desk.replica.bulk_write() as conn:
        conn.exec_driver_sql("DELETE FROM comments WHERE ticket_id = ?", (ticket,))
        conn.exec_driver_sql("DELETE FROM ticket_tags WHERE ticket_id = ?", (ticket,))
        conn.exec_driver_sql("DELETE FROM tickets WHERE id = ?", (ticket,))
        conn.exec_driver_sql(
            "CREATE TEMP TABLE copy AS SELECT * FROM tickets WHERE id = ?", (desk.tickets["toner"],)
        )
        conn.exec_driver_sql(
            "UPDATE copy SET id = 'newcomer', number = NULL, local_number = 99999, "
            "subject = 'Newcomer needs a badge'"
        )
        conn.exec_driver_sql("INSERT INTO tickets SELECT * FROM copy")
        conn.exec_driver_sql("DROP TABLE copy")
        reused = conn.exec_driver_sql("SELECT rowid FROM tickets WHERE id = 'newcomer'").scalar()
    assert reused == top_rowid
    snapshot = assert_matches_rebuild(desk.replica)
    assert ticket not in snapshot and snapshot["newcomer"][0] == "Newcomer needs a badge"
    assert [h.id for h in desk.search.search("badge").tickets] == ["newcomer"]
    assert desk.find("reissued") == []


def test_renumbered_rowids_are_noticed_and_the_index_rebuilt(desk: Desk) -> None:
    """VACUUM may renumber the rowids of tables without an INTEGER PRIMARY KEY."""
    before = index_snapshot(desk.replica)
    with desk.replica.bulk_write() as conn:
        conn.exec_driver_sql("UPDATE tickets SET rowid = -rowid")
        conn.exec_driver_sql("UPDATE tickets SET rowid = -rowid - 1")  # every row one lower
    assert SearchIndex(desk.replica).catch_up().remaining == 0
    assert index_snapshot(desk.replica) == before
    assert desk.find("zurich") == ["zurich_printer"]
    proxy = desk.replica.engine.raw_connection()
    proxy.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
    proxy.close()
    assert_matches_rebuild(desk.replica)
    assert desk.find("zurich") == ["zurich_printer"]


def test_a_failing_batch_changes_nothing_and_the_next_run_completes(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex(desk.replica, batch_size=3)
    index.rebuild()
    calls = {"n": 0}
    real = index_module.ticket_document

    def flaky(*args: object) -> tuple[str, str, str, str]:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("power cut")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "ticket_document", flaky)
    with pytest.raises(RuntimeError):
        index.catch_up()
    partial = index_snapshot(desk.replica)
    assert len(partial) == 3  # the first batch committed, the second rolled back whole
    monkeypatch.setattr(index_module, "ticket_document", real)
    assert_matches_rebuild(desk.replica)


def test_progress_is_persisted_and_a_cancelled_run_resumes(desk: Desk) -> None:
    index = SearchIndex(desk.replica, batch_size=2)
    index.rebuild()
    seen: list[IndexProgress] = []
    result = index.catch_up(progress=seen.append, should_cancel=lambda: len(seen) >= 3)
    assert result.cancelled and result.remaining > 0 and result.done > 0
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    reopened = SearchIndex(desk.replica, batch_size=2).progress()
    assert (reopened.done, reopened.total) == (result.done, result.total)
    final = SearchIndex(desk.replica).catch_up()
    assert final.finished and final.done == final.total >= result.total
    assert SearchIndex(desk.replica).progress() == IndexProgress(0, 0, 0)


def test_a_busy_replica_is_reported_not_waited_on(desk: Desk) -> None:
    TicketWork(desk.replica).note(desk.tickets["payroll"], "waiting for the bureau")
    with desk.replica.bulk_write():  # another writer holds the lock
        with pytest.raises(IndexBusyError):
            SearchIndex(desk.replica).catch_up(busy_timeout_ms=0)
        results = desk.search.search("bureau")  # searches still answer, from the index as it is
        assert results.tickets == () and results.index_backlog == 1
    assert desk.find("bureau") == ["payroll"]


def test_demo_build_is_indexed_by_the_catch_up(tmp_path: Path) -> None:
    r = open_replica(tmp_path / "demo")
    populate_demo(r, DemoSpec(tickets=150, articles=10, seed=5, now=datetime(2026, 3, 1, tzinfo=UTC)))
    with r.read() as s:
        tickets, comments, articles = s.execute(
            text(
                "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM comments), "
                "(SELECT count(*) FROM articles)"
            )
        ).one()
        assert s.execute(text("SELECT count(*) FROM search_queue")).scalar() == 0
    assert SearchIndex(r).backlog() == tickets + comments + articles
    snapshot = assert_matches_rebuild(r)
    assert len(snapshot) == tickets + articles
    r.close()


_KILLABLE_INDEXER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {repo!r})
    from pathlib import Path
    from sync.replica.replica import open_replica
    from sync.search.index import SearchIndex, ticket_document
    import sync.search.index as module

    def slow(*args):
        time.sleep(0.002)  # long enough for the parent to kill us inside a batch
        return ticket_document(*args)

    module.ticket_document = slow
    index = SearchIndex(open_replica(Path({data!r})), batch_size=20)
    index.catch_up(progress=lambda p: print(p.done, flush=True))
    print("finished", flush=True)
    """
)


def test_killed_mid_batch_the_index_resumes_and_matches_a_rebuild(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    r = open_replica(data)
    populate_demo(r, DemoSpec(tickets=400, articles=20, seed=9, now=datetime(2026, 3, 1, tzinfo=UTC)))
    r.close()
    script = _KILLABLE_INDEXER.format(repo=str(REPO), data=str(data))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    progress = [int(child.stdout.readline())]
    progress.append(int(child.stdout.readline()))  # at least two batches committed
    time.sleep(0.01)  # and now somewhere inside the third
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    r = open_replica(data)
    with r.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    resumed = SearchIndex(r).progress()
    assert progress[-1] <= resumed.done < resumed.total  # what committed survived; work remains
    assert_matches_rebuild(r)
    r.close()


def test_background_indexer_reports_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    import threading

    from sync.search.index_worker import BackgroundIndexer

    r = open_replica(tmp_path / "demo")
    populate_demo(r, DemoSpec(tickets=200, articles=5, seed=2, now=datetime(2026, 3, 1, tzinfo=UTC)))
    index = SearchIndex(r, batch_size=10)
    gate, seen, done = threading.Event(), [], []

    def progress(p: IndexProgress) -> None:
        seen.append(p)
        if len(seen) == 2:
            worker.cancel()
            gate.set()

    worker = BackgroundIndexer(index, progress=progress, on_done=done.append)
    worker.start()
    assert gate.wait(30)
    result = worker.join(30)
    assert isinstance(result, IndexProgress) and result.cancelled and result.remaining > 0
    assert done == [result] and not worker.running
    finisher = BackgroundIndexer(SearchIndex(r))
    finisher.start()
    final = finisher.join(60)
    assert isinstance(final, IndexProgress) and final.finished and not final.cancelled
    with pytest.raises(RuntimeError):
        finisher.start()
    assert_matches_rebuild(r)
    r.close()
