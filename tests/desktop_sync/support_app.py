"""Shared values for the sync UI tests (fixtures live in this folder's conftest)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.main_window import MainWindow

__all__ = ["LONG", "OpenApp"]

LONG = 30_000  # ms: generous waits for a real server on a shared 2-core machine

OpenApp = Callable[..., MainWindow]
