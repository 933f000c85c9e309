"""One sync round: check the server, push the journal, pull until caught up.

``SyncEngine(replica, client).run_round(progress, cancel)`` is the whole contract:

1. ``GET /v1/hello``: the protocol range must include ours, and a changed server identity
   (``server_id``/``epoch``) starts a re-bootstrap (:mod:`sync.engine.resync`).
2. On the first sync, pull first: a standalone replica's same-named queues and agents must
   become the server's before its journal is pushed. A server that offers
   ``pull.only_mine`` first sends the person's own open tickets (progress phase ``mine``,
   with a change notice), then the whole scope in commit order.
3. Push every pending mutation (:mod:`sync.engine.push`), uploading attachment files first.
4. Pull pages from the stored cursor until ``has_more`` is false, each applied in one
   transaction together with its cursor (:mod:`sync.engine.pull_apply`).
5. If mutations were journaled while the round ran, push and pull once more, so they
   never wait for the next edit or timer.

The server's rule that replicas be encrypted (``ServerInfo.require_encryption``, in the
hello and every pull page) is recorded on the replica for ``outpost status`` and the app.
A plain replica that is already connected keeps syncing: the rule binds new connections
(``connect`` refuses), and stopping would strand its unsynced work; the person is told
to encrypt it instead.

Errors leave everything committed so far in place (the journal is never lost or
reordered) and are recorded for ``outpost status`` before being raised; see
:mod:`sync.engine.errors` for what each asks of the person.

Threading: call ``run_round`` from a worker thread, never the UI thread. Rounds on one
replica are serialized — across threads by a lock, across processes (the app and a
command-line ``outpost sync``) by an advisory file lock — so a second caller waits.
``progress`` is called on the calling thread; ``cancel`` may be set from any thread.
"""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sync import protocol
from sync.engine.attachments_transfer import BlobUploader, download_blob
from sync.engine.device_wipe import wipe_revoked_replica
from sync.engine.errors import DeviceRevokedError, ServerRestoredError
from sync.engine.progress import CancelToken, ProgressFn, SyncProgress, no_progress
from sync.engine.pull_apply import PageApplier
from sync.engine.push import PushResult, push_journal
from sync.engine.replica_conn import get_setting, open_engine_connection, set_setting, transaction
from sync.engine.resync import finish_resync, start_resync
from sync.engine.round_lock import round_lock
from sync.engine.sync_client import PullPage, SyncClient
from sync.errors import OutpostError, ProtocolVersionError
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet

__all__ = ["SyncEngine", "SyncReport"]

_MAX_RESTARTS = 2


@dataclass
class SyncReport:
    """What one round did. ``changes`` tells views what to refresh."""

    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled_records: int = 0
    pages: int = 0
    left_scope: int = 0
    rebootstrapped: bool = False
    first_tickets: int = 0  # the person's own tickets received first (a first sync's preview)
    blocked: str | None = None
    missing_files: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)
    seconds: float = 0.0
    bytes_sent: int = 0
    bytes_received: int = 0


def _note_encryption_rule(conn: sqlite3.Connection, server: protocol.ServerInfo) -> None:
    """Record whether the server requires encrypted replicas (written only when it changes)."""
    value = "1" if server.require_encryption else None
    if get_setting(conn, "encryption_required") != value:
        set_setting(conn, "encryption_required", value)


def _now_text() -> str:
    return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class SyncEngine:
    """Runs sync rounds for one replica against one server (see the module docstring)."""

    def __init__(
        self, replica: Replica, client: SyncClient, *, push_batch: int = 500, pull_limit: int = 2000
    ) -> None:
        self.replica = replica
        self.client = client
        self.push_batch = min(push_batch, protocol.MAX_PUSH_MUTATIONS)
        self.pull_limit = min(pull_limit, protocol.MAX_PULL_LIMIT)

    def run_round(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> SyncReport:
        cancel = cancel or CancelToken()
        started = time.perf_counter()
        sent0, received0 = self.client.stats.bytes_sent, self.client.stats.bytes_received
        with round_lock(self.replica.data_dir, cancel):
            conn = open_engine_connection(self.replica.path, self.replica.db_key)
            try:
                with transaction(conn):
                    set_setting(conn, "last_attempt_at", _now_text())
                try:
                    report = self._round(conn, progress, cancel)
                except DeviceRevokedError as exc:
                    raise wipe_revoked_replica(self.replica, conn, exc.message) from exc
                except OutpostError as exc:
                    with transaction(conn):
                        set_setting(conn, "last_error", exc.message)
                        set_setting(conn, "last_error_kind", exc.kind)
                    raise
                with transaction(conn):
                    set_setting(conn, "last_success_at", _now_text())
                    set_setting(conn, "last_error", None)
                    set_setting(conn, "last_error_kind", None)
            finally:
                conn.close()
        report.seconds = time.perf_counter() - started
        report.bytes_sent = self.client.stats.bytes_sent - sent0
        report.bytes_received = self.client.stats.bytes_received - received0
        progress(SyncProgress("done", 1, 1, "Up to date"))
        return report

    def pull_only(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> SyncReport:
        """Pull until caught up without pushing (pending work stays queued and visible)."""
        cancel = cancel or CancelToken()
        report = SyncReport()
        with round_lock(self.replica.data_dir, cancel):
            conn = open_engine_connection(self.replica.path, self.replica.db_key)
            try:
                self._pull(conn, report, progress, cancel)
            finally:
                conn.close()
        return report

    def download_attachment(
        self, attachment_id: str, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
    ) -> Path:
        """Fetch one attachment's file on demand (resumable); safe to run beside a round."""
        conn = open_engine_connection(self.replica.path, self.replica.db_key)
        try:
            return download_blob(
                conn,
                self.client,
                self.replica.blobs,
                attachment_id,
                progress,
                cancel or CancelToken(),
            )
        finally:
            conn.close()

    # -- the round --------------------------------------------------------------------------
    def _round(self, conn: sqlite3.Connection, progress: ProgressFn, cancel: CancelToken) -> SyncReport:
        report = SyncReport()
        progress(SyncProgress("connect", 0, None, "Contacting the server"))
        server = self.client.hello()
        if not server.protocol_min <= protocol.PROTOCOL_VERSION <= server.protocol_max:
            raise ProtocolVersionError(
                f"The server speaks sync protocol {server.protocol_min}–{server.protocol_max}; this Outpost "
                f"speaks {protocol.PROTOCOL_VERSION}. Update the older one; your work is kept."
            )
        _note_encryption_rule(conn, server)
        if self._identity_changed(conn, server):
            start_resync(conn, server)
            report.rebootstrapped = True
        uploader = BlobUploader(self.client, self.replica.blobs, progress, cancel)
        if get_setting(conn, "cursor") is None and get_setting(conn, "resync") != "1":
            # First sync: a standalone replica's same-named queues and agents become the
            # server's (and its pending journal is rewritten) before anything is pushed.
            # (A re-bootstrap pushes first instead: what the server lost is re-sent before
            # the end-of-bootstrap sweep looks for records the server no longer has.)
            mine_first = protocol.FEATURE_PULL_ONLY_MINE in server.features
            self._pull(conn, report, progress, cancel, mine_first=mine_first)
        for _ in range(2):
            pushed = self._push(conn, uploader, progress, cancel)
            report.pushed += pushed.sent
            report.applied += pushed.counts.applied
            report.conflicts += pushed.counts.conflicts
            report.rejected += pushed.counts.rejected
            report.blocked = pushed.blocked
            if pushed.rewound and get_setting(conn, "resync") != "1":
                start_resync(conn, server)  # the server lost history: what we hold may be gone too
                report.rebootstrapped = True
            self._pull(conn, report, progress, cancel)
            if (
                pushed.blocked
                or not conn.execute("SELECT 1 FROM journal WHERE state = 'pending' LIMIT 1").fetchone()
            ):
                break
        report.missing_files = uploader.missing
        report.changes = (
            ChangeSet(everything=True, journal=True)
            if (report.pulled_records or report.pushed or report.left_scope)
            else ChangeSet()
        )
        return report

    def _push(
        self, conn: sqlite3.Connection, uploader: BlobUploader, progress: ProgressFn, cancel: CancelToken
    ) -> PushResult:
        return push_journal(
            conn,
            self.client,
            client_id=get_setting(conn, "client_id") or self.replica.client_id,
            seq_base=int(get_setting(conn, "seq_base") or 0),
            batch_size=self.push_batch,
            upload=uploader,
            progress=progress,
            cancel=cancel,
            now=_now_text,
        )

    def _identity_changed(self, conn: sqlite3.Connection, server: protocol.ServerInfo) -> bool:
        stored_id, stored_epoch = get_setting(conn, "server_id"), get_setting(conn, "epoch")
        if stored_id is None:
            return False
        return stored_id != server.server_id or stored_epoch != str(server.epoch)

    def _pull(
        self,
        conn: sqlite3.Connection,
        report: SyncReport,
        progress: ProgressFn,
        cancel: CancelToken,
        *,
        mine_first: bool = False,
    ) -> None:
        if mine_first and get_setting(conn, "cursor") is None and get_setting(conn, "resync") != "1":
            self._pull_mine(conn, report, progress, cancel)
        restarts = 0
        while True:
            try:
                self._pull_pages(conn, report, progress, cancel)
                break
            except ServerRestoredError:
                restarts += 1
                if restarts > _MAX_RESTARTS:
                    raise
                start_resync(conn, self.client.hello())
                report.rebootstrapped = True
        if get_setting(conn, "resync") == "1":
            finish_resync(conn)

    def _pull_mine(
        self, conn: sqlite3.Connection, report: SyncReport, progress: ProgressFn, cancel: CancelToken
    ) -> None:
        """Before a first bootstrap: the person's own open tickets, so they can start work.

        Applied like a page (pending work rebased on top) but without moving the cursor or
        the watermark; the bootstrap that follows sends the same records again. Progress
        then carries a change notice so views show them before the rest arrives.
        """
        cancel.check()
        progress(SyncProgress("mine", 0, None, "Your tickets first…"))
        page = self.client.pull(None, self.pull_limit, only="mine")
        cancel.check()
        applier = PageApplier(conn, self.replica.attachments_dir, resync=False, now=_now_text())
        result = applier.apply_first_tickets(page)
        if result is None:  # another round started the stream meanwhile
            return
        count = report.first_tickets = len(result.tickets)
        if not count:
            progress(SyncProgress("mine", 0, 0, "No open tickets of yours; receiving the rest…"))
            return
        message = f"Your {count} open ticket{'s' if count != 1 else ''} arrived; receiving the rest…"
        changes = ChangeSet(everything=True, journal=True)  # views may show them now
        progress(SyncProgress("mine", count, count, message, changes=changes))

    def _pull_pages(
        self, conn: sqlite3.Connection, report: SyncReport, progress: ProgressFn, cancel: CancelToken
    ) -> None:
        """Pull until caught up. The next page is fetched while this one is written (its cursor
        is known on arrival), so the server's time and the disk's overlap; pages are still
        applied strictly in order, each with its compare-and-swap on the stored cursor."""
        resync = get_setting(conn, "resync") == "1"
        applier = PageApplier(conn, self.replica.attachments_dir, resync=resync, now=_now_text())
        cursor = get_setting(conn, "cursor")
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outpost-pull")
        try:
            ahead: Future[PullPage] = pool.submit(self.client.pull, cursor, self.pull_limit)
            while True:
                cancel.check()
                page = ahead.result()
                if page.has_more:
                    ahead = pool.submit(self.client.pull, page.cursor, self.pull_limit)
                stored_id, stored_epoch = get_setting(conn, "server_id"), get_setting(conn, "epoch")
                if stored_id is not None and (
                    stored_id != page.server.server_id or stored_epoch != str(page.server.epoch)
                ):
                    raise ServerRestoredError("The server's identity changed during the pull.")
                _note_encryption_rule(conn, page.server)
                if not resync and page.high_water < int(get_setting(conn, "watermark") or 0):
                    raise ServerRestoredError("The server's history went backwards (restored from a backup).")
                result = applier.apply(page, cursor)
                if result is None:  # another round moved the cursor: continue from there
                    cursor = get_setting(conn, "cursor")
                    ahead.cancel()
                    ahead = pool.submit(self.client.pull, cursor, self.pull_limit)
                    continue
                cursor = page.cursor
                report.pages += 1
                report.pulled_records += result.records
                report.left_scope += len(result.left_scope)
                progress(
                    SyncProgress(
                        "pull", report.pulled_records, None, f"Received {report.pulled_records} records"
                    )
                )
                if not page.has_more:
                    return
        finally:
            pool.shutdown(wait=False, cancel_futures=True)  # a prefetch in flight is simply dropped
