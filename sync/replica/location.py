"""Where a replica's file lives in its folder, and whether one is there — without opening it.

Standard library only, so the command line can tell "no replica here" before it imports
SQLAlchemy or creates anything.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["REPLICA_FILENAME", "replica_exists"]

REPLICA_FILENAME = "replica.db"


def replica_exists(data_dir: Path) -> bool:
    """True when ``data_dir`` holds a replica file (it may still need an upgrade or be damaged)."""
    return (data_dir / REPLICA_FILENAME).is_file()
