"""The DB-API driver under a replica: CPython's ``sqlite3`` for a plain file, SQLCipher's
``sqlcipher3`` (the same API, SQLite built with the SQLCipher codec) for an encrypted one.

A plain replica never loads SQLCipher, so a machine without it still opens plain files. An
encrypted file is opened with a *raw* 256-bit key (``PRAGMA key = "x'…'"``): SQLCipher then
skips its own PBKDF2, so a connection opens in microseconds; the key was already derived
once (see :mod:`sync.replica.encryption`).

The two drivers have distinct exception classes, so code that catches a driver error uses the
tuples here (:data:`Error`, :data:`DatabaseError`, :data:`OperationalError`), never
``sqlite3.X`` alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from urllib.parse import quote

__all__ = [
    "DatabaseError",
    "Error",
    "OperationalError",
    "connect",
    "is_connection",
    "key_pragma",
    "sqlcipher_module",
]


def sqlcipher_module() -> ModuleType | None:
    """``sqlcipher3.dbapi2``, or None when SQLCipher is not installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:  # pragma: no cover - the package is a dependency
        return None
    return cast(ModuleType, dbapi2)


def _required_sqlcipher() -> ModuleType:
    module = sqlcipher_module()
    if module is None:  # pragma: no cover - the package is a dependency
        from sync.errors import ReplicaError

        raise ReplicaError(
            "This replica is encrypted, but SQLCipher (the Python package sqlcipher3) is not "
            "installed. Reinstall Outpost to open it."
        )
    return module


def _errors(name: str) -> tuple[type[Exception], ...]:
    module = sqlcipher_module()
    found: list[type[Exception]] = [getattr(sqlite3, name)]
    if module is not None:
        found.append(getattr(module, name))
    return tuple(found)


#: Catch these instead of ``sqlite3.Error`` / ``DatabaseError`` / ``OperationalError``.
Error: tuple[type[Exception], ...] = _errors("Error")
DatabaseError: tuple[type[Exception], ...] = _errors("DatabaseError")
OperationalError: tuple[type[Exception], ...] = _errors("OperationalError")


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 32-byte key (hex only: nothing to escape)."""
    if len(key) != 32:
        raise ValueError("a replica key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path | str, key: bytes | None, *, create: bool = True, **kwargs: Any) -> sqlite3.Connection:
    """Open ``path`` with ``sqlite3`` (no key) or SQLCipher keyed with ``key``.

    The key is applied before anything reads the file; a wrong key shows only at the first
    read (``file is not a database``), which never writes to the file. With ``create=False``
    a missing file raises the driver's ``OperationalError`` instead of being created empty
    (a connection that outlives a deleted replica must not bring back an empty one). The
    returned object is typed as ``sqlite3.Connection``: SQLCipher's has the same methods.
    """
    target: str | Path = path
    if not create:
        target, kwargs = "file:" + quote(str(path)) + "?mode=rw", {**kwargs, "uri": True}
    if key is None:
        return sqlite3.connect(target, **kwargs)  # type: ignore[no-any-return]
    module = _required_sqlcipher()
    conn = cast(sqlite3.Connection, module.connect(str(target), **kwargs))
    conn.execute(key_pragma(key))
    return conn


def is_connection(obj: object) -> bool:
    """Whether ``obj`` is a connection of either driver."""
    if isinstance(obj, sqlite3.Connection):
        return True
    module = sqlcipher_module()
    return module is not None and isinstance(obj, module.Connection)
