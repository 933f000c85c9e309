"""Files the app ships with (today the application icon; see the README for what lives elsewhere).

Always reach them through :func:`resource_path`, which works from a source checkout, an
installed wheel and a PyInstaller bundle alike.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

__all__ = ["resource_path"]


def resource_path(*parts: str) -> Path:
    """The filesystem path of a shipped resource, e.g. ``resource_path("icons", "outpost.svg")``."""
    ref = files(__name__).joinpath(*parts)
    with as_file(ref) as path:  # a real path for every loader we ship with
        return Path(path)
