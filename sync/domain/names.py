"""When two names are the same name: the rule for queue names and user names.

The product treats names that differ only in letter case or in Unicode representation
(``Équipe``, ``ÉQUIPE``, an ``E`` followed by a combining accent) as one name. Databases
cannot be trusted with that comparison — SQLite's ``lower()`` folds ASCII only — so the
comparison is made in Python on :func:`name_key`, the same on the replica and the server.
Names with different letters (``Equipe`` and ``Équipe``) stay distinct.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = ["find_same_name", "name_key", "stored_username"]


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC-normalised, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def stored_username(username: str) -> str:
    """How a user name is stored and looked up at sign-in: NFKC-normalised, trimmed, lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def find_same_name(name: str, existing: Iterable[Any]) -> str | None:
    """The id of the first ``(id, name)`` pair (tuple or row) in ``existing`` that is the same
    name as ``name``."""
    key = name_key(name)
    for record_id, other in existing:
        if name_key(other or "") == key:
            return str(record_id)
    return None
