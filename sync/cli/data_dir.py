"""Where the replica lives: ``--data-dir``, else ``$OUTPOST_DATA_DIR``, else the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_data_dir", "demo_data_dir", "resolve_data_dir"]

APP_NAME = "Outpost"


def default_data_dir() -> Path:
    import platformdirs  # here, not at the top: `outpost --help` never needs it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_data_dir() -> Path:
    """The demo replica lives beside (never inside) the user's real one."""
    return default_data_dir().with_name(APP_NAME + "-demo")


def resolve_data_dir(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("OUTPOST_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()
