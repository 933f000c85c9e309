"""Waiting on the server's change feed while caught up, so a colleague's change arrives in a second.

``ChangeWatcher(replica, scheduler)`` runs one daemon thread beside a
:class:`~sync.engine.scheduler.SyncScheduler`. After each successful round (the replica is
then caught up) it long-polls ``POST /v1/changes`` with the stored pull cursor; when the
server answers ``changed`` it asks the scheduler for a round at once and waits for that
round to succeed before it waits again (a failed round is retried by the scheduler's own
backoff, never hammered from here).

**Polling stays the fallback, and nothing is ever missed.** The watcher only *adds*
rounds; the scheduler's timer keeps running. A server without the feed (an older one:
``FEATURE_CHANGE_FEED`` missing from its hello, or the route unknown) is asked again
only every :data:`RECHECK` seconds. Any failure of the wait itself — connection dropped,
server restarting, 503, a proxy that cut or garbled the answer — asks for a round (so a
change made meanwhile is pulled) and then backs off before the next wait. A proxy that
buffers responses only delays a long-poll's answer: the answer is complete when sent. A
connection that dies silently (no reset arrives) is given up ``grace`` seconds after the
wait should have ended. A proxy that cuts long requests shortens the wait: each failed wait halves it (down to
:data:`MIN_WAIT`), and a clean answer lets it grow back.

Threading: the watcher has its own HTTP client (a long-poll occupies a connection) and
reads the cursor through its own short-lived replica connection; it touches nothing else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import httpx

from sync import protocol
from sync.engine.errors import SyncProtocolError
from sync.engine.replica_conn import get_setting, open_engine_connection
from sync.engine.scheduler import SyncScheduler
from sync.engine.session import open_engine
from sync.engine.sync_client import SyncClient, make_http_client
from sync.replica.replica import Replica

__all__ = ["MIN_WAIT", "RECHECK", "ChangeWatcher"]

log = logging.getLogger(__name__)

RECHECK = 600.0  # seconds before asking a server without the feed again
MIN_WAIT = 5.0


class ChangeWatcher:
    """Long-polls the change feed for ``replica`` and drives ``scheduler`` (see the module docstring)."""

    def __init__(
        self,
        replica: Replica,
        scheduler: SyncScheduler,
        *,
        wait: float = 25.0,
        grace: float = 15.0,
        retry_max: float = 30.0,
        make_client: Callable[[], SyncClient] | None = None,
    ) -> None:
        self.replica = replica
        self.scheduler = scheduler
        self.max_wait = self.wait = wait
        self.grace = grace
        self.retry_max = retry_max
        self._make_client = make_client or self._client_from_replica
        self._http: httpx.Client | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: how the last wait ended (for status and tests): "changed", "quiet", "failed", "unsupported"
        self.last_outcome: str | None = None
        self.signals = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outpost-change-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop waiting. A long-poll in flight is abandoned: the thread is a daemon and ends
        when its request does; this returns after at most ``timeout`` seconds."""
        self._stop.set()
        http, self._http = self._http, None
        if http is not None:
            http.close()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- the thread -------------------------------------------------------------------------
    def _client_from_replica(self) -> SyncClient:
        url = self.replica.get_setting("sync.server_url")
        if self._http is None and url:
            self._http = make_http_client(url)
        return open_engine(self.replica, http=self._http).client

    def _cursor(self) -> str | None:
        conn = open_engine_connection(self.replica.path, self.replica.db_key)
        try:
            if get_setting(conn, "resync") == "1":
                return None
            return get_setting(conn, "cursor")
        finally:
            conn.close()

    def _run(self) -> None:
        seen = 0
        delay = 1.0
        supported: bool | None = None
        while not self._stop.is_set():
            done = self.scheduler.wait_for_success(seen, timeout=1.0)
            if done is None:
                if self.scheduler.stopping:
                    return
                continue
            seen = done
            # Caught up: wait on the feed until it signals, fails, or we stop.
            while not self._stop.is_set():
                try:
                    client = self._make_client()
                    if supported is None:
                        supported = protocol.FEATURE_CHANGE_FEED in client.hello().features
                    if not supported:
                        self.last_outcome = "unsupported"
                        self._stop.wait(RECHECK)
                        supported = None
                        continue
                    cursor = self._cursor()
                    if cursor is None:
                        break  # not bootstrapped yet: the next round will make a cursor
                    changed = client.wait_for_changes(cursor, self.wait, grace=self.grace)
                except SyncProtocolError:
                    supported = False  # the route is unknown here: an older server
                    continue
                except Exception as exc:
                    if self._stop.is_set():
                        return  # stop() closed the client under the long-poll
                    log.info("change feed: wait failed (%s); syncing and polling meanwhile", exc)
                    self.last_outcome = "failed"
                    self.wait = max(MIN_WAIT, self.wait / 2)
                    self.scheduler.request_sync()  # whatever happened meanwhile is pulled
                    self._stop.wait(delay)
                    delay = min(delay * 2, self.retry_max)
                    break  # wait for that round before the next long-poll
                delay = 1.0
                self.wait = min(self.max_wait, self.wait * 2)
                if changed:
                    self.last_outcome = "changed"
                    self.signals += 1
                    self.scheduler.request_sync()
                    break
                self.last_outcome = "quiet"
