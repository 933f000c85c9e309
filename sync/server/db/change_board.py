"""What changed, where, as far as this process knows: the in-memory half of the change feed.

A committed write transaction has one version (:mod:`sync.server.core.versioning`) and a set of
*scope keys* saying whose pull it may affect (:mod:`sync.server.core.change_scope`):
``"*"`` (everyone: queues, people, articles…), ``"q:<queue id>"`` and ``"u:<person id>"``
(a ticket in, or moved out of, that queue; assigned to, or taken from, that person).

:class:`ChangeBoard` keeps, per key, the newest version that touched it, and answers two
questions without the database:

- :meth:`changed_since` — could a pull with cursor ``v`` under these keys find anything?
  ``None`` when the board cannot tell (not live, or ``v`` older than what it knows);
- :meth:`wait` — a future resolved as soon as one of these keys changes after ``v``.

**Why it is never wrong, only conservative.** Versions are handed out in commit order and
without gaps (a rolled-back stamp rolls back its number too). The board only trusts a
*contiguous* run ``(floor, known]``: a version noted out of order (this process's own
commit arriving before another process's earlier one) waits in ``pending`` until the gap
is filled. Below ``floor`` it knows nothing (every key counts as changed at ``floor``).
:meth:`rebase` restarts it from the database's newest version — at start, after the
notification channel was lost and re-established, and when a gap stays open too long (a
writer that does not notify). Nothing older than ``floor`` is ever answered from memory.

Threading: notes arrive on request threads and the listener thread; waiters are asyncio
futures of the server's event loop, resolved with ``call_soon_threadsafe``. One lock.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["EVERYONE", "ORIGIN_INFO", "STAMPS_INFO", "ChangeBoard", "Keys", "queue_key", "user_key"]

EVERYONE = "*"
#: ``session.info`` key: the (version, scope keys, origin) stamped in a write session, noted
#: on the process's board once the transaction commits (``Database.write_session``)
STAMPS_INFO = "outpost_stamps"
#: ``session.info`` key: the client id of the device whose push this session applies
ORIGIN_INFO = "outpost_origin"

#: the keys a caller watches; ``None`` means every key (an admin sees every queue)
Keys = frozenset[str] | None


def queue_key(queue_id: str) -> str:
    return f"q:{queue_id}"


def user_key(person_id: str) -> str:
    return f"u:{person_id}"


@dataclass(eq=False)
class _Waiter:
    keys: Keys
    after: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[bool | None]
    client_id: str | None = None


class ChangeBoard:
    """Newest version per scope key, plus waiters (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live = False
        self._floor = 0
        self._known = 0
        self._last: dict[str, int] = {}
        self._pending: dict[int, tuple[frozenset[str], str | None]] = {}
        self._gap_since: float | None = None
        self._waiters: set[_Waiter] = set()
        self._closed = False

    # -- state ------------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        return self._live

    @property
    def known(self) -> int:
        """The newest version up to which every commit is known."""
        return self._known

    def gap_age(self) -> float:
        """Seconds a version has been waiting for an earlier one (0 when none is)."""
        with self._lock:
            return 0.0 if self._gap_since is None else time.monotonic() - self._gap_since

    def rebase(self, high: int) -> None:
        """Trust the board from ``high`` (the database's newest committed version) on.

        Waiters behind ``high`` are woken: what happened before is unknown, so they pull.
        """
        with self._lock:
            self._live = True
            self._floor = self._known = high
            self._last.clear()
            self._pending = {v: k for v, k in self._pending.items() if v > high}
            self._gap_since = None
            woken = [w for w in self._waiters if w.after < high]
            woken += self._drain()
        self._wake(woken, True)

    def close(self) -> None:
        """The server is shutting down: wake every waiter (with None, "poll instead") now,
        rather than holding the shutdown until their waits end, and take no new ones."""
        with self._lock:
            self._closed = True
            woken = list(self._waiters)
        self._wake(woken, None)

    def reopen(self) -> None:
        """A server (re)starts on this board: take waiters again."""
        with self._lock:
            self._closed = False

    def lose(self) -> None:
        """The notification channel is gone: answer nothing from memory until :meth:`rebase`.
        Waiters are woken with "unknown" (False) so their clients fall back to polling."""
        with self._lock:
            self._live = False
            woken = list(self._waiters)
        self._wake(woken, None)

    def note(self, version: int, keys: Iterable[str], origin: str | None = None) -> None:
        """Version ``version`` committed, touching ``keys`` (idempotent, any order).
        ``origin``: the device whose push made it — its own waiter is not woken by it (the
        round that pushed pulls it anyway; waking it would only cost another round)."""
        with self._lock:
            if not self._live or version <= self._known:
                return
            self._pending[version] = (frozenset(keys), origin)
            woken = self._drain()
            if self._pending and self._gap_since is None:
                self._gap_since = time.monotonic()
        self._wake(woken, True)

    def _drain(self) -> list[_Waiter]:
        """Move contiguous pending versions into the known run; the waiters they wake."""
        woken: list[_Waiter] = []
        while self._known + 1 in self._pending:
            keys, origin = self._pending.pop(self._known + 1)
            self._known += 1
            for key in keys:
                self._last[key] = self._known
            woken += [
                w
                for w in self._waiters
                if w.after < self._known
                and _touches(w.keys, keys)
                and (origin is None or origin != w.client_id)
            ]
        if not self._pending:
            self._gap_since = None
        return woken

    # -- questions --------------------------------------------------------------------------
    def changed_since(self, after: int, keys: Keys) -> tuple[bool, int] | None:
        """``(changed, known)``: whether any of ``keys`` changed in ``(after, known]``; or
        ``None`` when the board cannot tell (not live, or ``after`` outside what it knows)."""
        with self._lock:
            return self._changed(after, keys)

    def _changed(self, after: int, keys: Keys) -> tuple[bool, int] | None:
        if not self._live or after < self._floor or after > self._known:
            return None
        if keys is None:
            return self._known > after, self._known
        return any(self._last.get(k, 0) > after for k in keys), self._known

    def wait(self, after: int, keys: Keys, client_id: str | None = None) -> asyncio.Future[bool | None]:
        """A future (of the running loop) resolved with True when one of ``keys`` changes
        after ``after`` (at once if it already has or the board cannot tell), or None when
        the board stops being live. The caller cancels it (e.g. on timeout) with :meth:`forget`."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool | None] = loop.create_future()
        with self._lock:
            answer = self._changed(after, keys)
            if answer is None and self._live and after > self._known:
                answer = (False, self._known)  # a cursor from another process, ahead of us: wait
            if self._closed:
                future.set_result(None)
            elif answer is None:
                future.set_result(None if not self._live else True)
            elif answer[0]:
                future.set_result(True)
            else:
                self._waiters.add(_Waiter(keys, after, loop, future, client_id))
        return future

    def forget(self, future: asyncio.Future[bool | None]) -> None:
        with self._lock:
            self._waiters = {w for w in self._waiters if w.future is not future}

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def _wake(self, waiters: list[_Waiter], value: bool | None) -> None:
        if not waiters:
            return
        with self._lock:
            for w in waiters:
                self._waiters.discard(w)
        for w in waiters:
            w.loop.call_soon_threadsafe(_resolve, w.future, value)


def _touches(watched: Keys, changed: frozenset[str]) -> bool:
    return watched is None or not watched.isdisjoint(changed)


def _resolve(future: asyncio.Future[bool | None], value: bool | None) -> None:
    if not future.done():
        future.set_result(value)
