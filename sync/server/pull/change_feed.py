"""The change feed: a long-poll that answers "something in your scope changed, pull", and
the empty pull answered from memory.

``POST /v1/changes {"cursor": <the client's pull cursor>, "wait": seconds}`` answers
``{"changed": true}`` as soon as a commit after the cursor touches the caller's scope,
or ``{"changed": false}`` after ``wait`` seconds (at most :data:`MAX_WAIT`). The answer
says nothing else — no version, no record — so it reveals no more than the pull the
client is allowed to make anyway. Why long-poll and not SSE or WebSocket: see
``docs/change-feed.md``.

The cursor is checked exactly as a pull checks it (signed for this user, this server and
epoch, the scope the caller has now); one that does not pass answers ``changed: true`` at
once, so the client pulls and the pull gives the real error or the new scope.

**The empty pull** (:meth:`ChangeFeed.quick_pull`): when the board says nothing in the
caller's scope changed after the cursor, the page is built from memory — the new cursor
at the board's known version, no records. Besides the caller's authentication it costs
one primary-key read of the newest version: the board must have heard of every commit
up to it, because a commit acknowledged by *another* process a moment ago (its NOTIFY
still on the way) must never be hidden from a pull that follows it. No snapshot, no
change-log query, no record query. Otherwise the pull runs as before.

Engines: on PostgreSQL the board is kept live by :mod:`sync.server.pull.change_listener`
(``LISTEN/NOTIFY``, shared by every server process). A SQLite server has no channel
between processes, so its board is in-process only and is checked against the database's
newest version (one single-row read in the same process, microseconds) before it answers
anything; several worker processes on one SQLite file still get correct pulls, but a
waiter is only woken by commits of its own process — others reach it when its wait ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, NoResultFound
from starlette.concurrency import run_in_threadpool

from sync import protocol
from sync.server.core.access import Caller
from sync.server.core.change_scope import caller_keys
from sync.server.core.server_identity import server_info
from sync.server.core.server_secret import cursor_key
from sync.server.db.change_board import ChangeBoard
from sync.server.db.database import Database
from sync.server.db.state_models import ServerSetting, ServerState
from sync.server.errors import ApiError
from sync.server.pull.pull_cursor import ALL_QUEUES, Cursor, Scope, decode_cursor, encode_cursor
from sync.server.pull.pull_records import FAMILIES

__all__ = ["MAX_WAIT", "ChangeFeed"]

#: the longest a long-poll is held (below the idle timeout of common proxies, 60 s)
MAX_WAIT = 55.0
_ANY_VERSION = 2**62


@dataclass(frozen=True)
class _Newest:
    version: int
    server_id: str
    epoch: int
    encryption: str | None

    @property
    def stamp(self) -> tuple[str, int, str | None]:
        return self.server_id, self.epoch, self.encryption


@dataclass(frozen=True)
class _Identity:
    key: bytes
    server_id: str
    epoch: int
    server: dict[str, Any]
    stamp: tuple[str, int, str | None]


class FeedUnavailable(ApiError):
    """The board cannot answer (the notification channel is down): poll instead."""

    status = 503
    kind = "retry_later"

    def __init__(self) -> None:
        super().__init__(
            "The change feed is not available right now; sync on your usual schedule.",
            headers={"Retry-After": "5"},
        )


class ChangeFeed:
    """The feed and the quick empty pull over one database's board (thread-safe)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.board: ChangeBoard = db.board
        self._identity: _Identity | None = None
        self._lock = threading.Lock()
        #: off only for benchmarks (bench/bench_feed.py's same-run baseline: the old pull)
        self.quick_pulls = os.environ.get("OUTPOST_NO_QUICK_PULL") != "1"

    # -- identity ---------------------------------------------------------------------------
    def _newest(self) -> _Newest:
        """The database's newest version and identity: one round trip reading one row by
        primary key (and the one setting a pull page reports)."""
        encryption = (
            select(ServerSetting.value)
            .where(ServerSetting.key == "require_encrypted_replicas")
            .scalar_subquery()
        )
        with self.db.read_session() as s:
            row = s.execute(
                select(ServerState.last_version, ServerState.server_id, ServerState.epoch, encryption).where(
                    ServerState.id == 1
                )
            ).one()
        return _Newest(int(row[0]), str(row[1]), int(row[2]), row[3])

    def _identity_for(self, newest: _Newest) -> _Identity:
        """The cached identity if it still matches the database's, else a fresh one."""
        ident = self._identity
        if ident is not None and ident.stamp == newest.stamp:
            return ident
        with self.db.read_session() as s:
            fresh = _Identity(
                cursor_key(s),
                newest.server_id,
                newest.epoch,
                server_info(s).model_dump(mode="json"),
                newest.stamp,
            )
        if ident is not None and (ident.server_id, ident.epoch) != (fresh.server_id, fresh.epoch):
            self.board.rebase(newest.version)  # restored or replaced: nothing before is known
        self._identity = fresh
        return fresh

    def _align(self) -> tuple[_Newest, _Identity]:
        """The newest version and identity; on SQLite the board is rebased on the version
        when it differs (it has no other way to hear of another process's commits, see the
        module docstring)."""
        newest = self._newest()
        ident = self._identity_for(newest)
        if self.db.is_sqlite:
            with self._lock:
                if not self.board.live or self.board.known != newest.version:
                    self.board.rebase(newest.version)
        return newest, ident

    def _heard_of_everything(self) -> bool:
        """SQLite, after a quiet wait: did every commit up to the newest reach this board
        (False: another process committed, and the caller should pull to be sure)."""
        newest = self._newest()
        return self.board.live and self.board.known == newest.version

    def start_local(self) -> None:
        """SQLite: make the board live at startup (a database not yet migrated waits for the
        first pull instead)."""
        with contextlib.suppress(DBAPIError, NoResultFound):
            self._align()

    def _cursor(self, ident: _Identity, caller: Caller, text: str) -> Cursor | None:
        """The caller's cursor if it checks out under the caller's present scope, else None."""
        try:
            cursor = decode_cursor(
                text,
                key=ident.key,
                user_id=caller.user_id,
                server_id=ident.server_id,
                epoch=ident.epoch,
                # A cursor ahead of this board (another process's newer commit) is fine here;
                # the board answers None for it and the real pull checks it against the database.
                high_water=_ANY_VERSION,
            )
        except ApiError:
            return None
        return cursor if cursor.scope == _scope(caller) else None

    # -- the empty pull ---------------------------------------------------------------------
    def quick_pull(self, caller: Caller, request: protocol.PullRequest) -> dict[str, Any] | None:
        """The page for a pull that can find nothing new, or None (run the real pull)."""
        if request.cursor is None or request.only is not None or not self.quick_pulls:
            return None
        newest, ident = self._align()
        high = newest.version
        cursor = self._cursor(ident, caller, request.cursor)
        if cursor is None:
            return None
        answer = self.board.changed_since(cursor.version, caller_keys(caller))
        if answer is None or answer[0] or answer[1] != high:
            # PostgreSQL: a commit another process acknowledged may not have reached this
            # board yet (its NOTIFY is on the way); the real pull must not hide it.
            return None
        known = answer[1]
        return {
            "cursor": encode_cursor(
                Cursor(ident.server_id, ident.epoch, known, cursor.scope),
                key=ident.key,
                user_id=caller.user_id,
            ),
            "has_more": False,
            "records": {family: [] for family in FAMILIES},
            "deletions": [],
            "left_scope": [],
            "rescoped": False,
            "high_water": known,
            "server": ident.server,
        }

    # -- the long-poll ----------------------------------------------------------------------
    async def wait(self, caller: Caller, cursor_text: str, wait: float) -> bool:
        """True when the caller should pull now; False when ``wait`` passed with nothing."""
        _newest, ident = await run_in_threadpool(self._align)
        cursor = self._cursor(ident, caller, cursor_text)
        if cursor is None:
            return True
        if not self.board.live:
            raise FeedUnavailable()
        future = self.board.wait(cursor.version, caller_keys(caller), caller.client_id)
        try:
            changed = await asyncio.wait_for(future, timeout=min(max(wait, 0.0), MAX_WAIT))
        except TimeoutError:
            changed = False
        finally:
            self.board.forget(future)
        if changed is None:
            raise FeedUnavailable()
        if not changed and self.db.is_sqlite:
            # Another process on the same file may have committed: it cannot wake us.
            changed = not await run_in_threadpool(self._heard_of_everything)
        return changed


def _scope(caller: Caller) -> Scope:
    return ALL_QUEUES if caller.sees_all_queues else caller.queue_ids
