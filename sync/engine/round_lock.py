"""Serializing sync rounds on one replica: across threads and across processes.

The app's background sync and a command-line ``outpost sync`` may run at the same time.
Each round holds an in-process lock for its data dir and an advisory lock on
``<data dir>/sync.lock`` (``fcntl.flock``; released by the OS if the process dies, so a
killed round never blocks the next one). Where ``fcntl`` does not exist (Windows) only
the in-process lock applies; the cursor's compare-and-swap and the server's at-most-once
pushes still keep two concurrent rounds correct, just wasteful.

Waiting polls ``cancel`` so a cancelled round never hangs on another's lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.engine.errors import RetryLaterError
from sync.engine.progress import CancelToken
from sync.storage.file_modes import create_private_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["round_lock"]

_LOCKS: dict[Path, threading.Lock] = {}
_GUARD = threading.Lock()


@contextmanager
def round_lock(data_dir: Path, cancel: CancelToken, timeout: float = 600.0) -> Iterator[None]:
    key = data_dir.resolve()
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    deadline = time.monotonic() + timeout
    while not lock.acquire(timeout=0.1):
        cancel.check()
        if time.monotonic() > deadline:
            raise RetryLaterError("Another sync of this replica is still running; will retry.")
    try:
        with _file_lock(key / "sync.lock", cancel, deadline):
            yield
    finally:
        lock.release()


@contextmanager
def _file_lock(path: Path, cancel: CancelToken, deadline: float) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    create_private_file(path)  # 0600 like the replica beside it (open() would make it 0644)
    with path.open("a") as fh:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                cancel.check()
                if time.monotonic() > deadline:
                    raise RetryLaterError("Another program is syncing this replica; will retry.") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
