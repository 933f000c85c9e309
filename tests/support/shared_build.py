"""Build an expensive session fixture's folder once per test run, even with pytest-xdist workers.

A session-scoped fixture runs once per process: under ``pytest -n 2`` each worker would build
the same template (the desktop tests' 1000-ticket replica takes tens of seconds). With
:func:`build_once`, the first worker to need it builds it under a file lock in the folder the
workers of one run share (the parent of each worker's base temp dir); the others wait for
the lock and reuse the result. Without xdist it simply builds in a fresh temp dir.

The built folder must be used read-only (copy it per test), since every worker reads it.
Locking uses ``fcntl`` (POSIX); where it is missing, each process builds its own copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

__all__ = ["build_once"]


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``lock_path``; yields False when this platform cannot lock."""
    try:
        import fcntl
    except ImportError:  # Windows: no shared build
        yield False
        return
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name`` made by ``build(folder)``, built once for the whole run.

    ``build`` gets an empty, existing folder and fills it. A build that raises leaves nothing
    behind, so the next worker tries again (and fails the same way, with its own traceback).
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    done = shared / f"{name}.built"
    with _locked(shared / f"{name}.lock") as locked:
        if not locked:
            folder = tmp_path_factory.mktemp(name)
            build(folder)
            return folder
        if not done.is_dir():
            partial = shared / f"{name}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            try:
                build(partial)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            partial.rename(done)
    return done
