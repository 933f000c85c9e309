"""Callbacks from the database thread that only run while their widget still exists.

A result can arrive after the widget that asked for it was deleted (a pane closed, a dialog
dismissed, an app start in a test): calling into it then raises "Internal C++ object already
deleted". :func:`while_alive` wraps a callback so that it is skipped once ``owner`` is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject
from shiboken6 import isValid

__all__ = ["while_alive"]

_T = TypeVar("_T")


def while_alive(owner: QObject, fn: Callable[[_T], Any]) -> Callable[[_T], None]:
    def call(value: _T) -> None:
        if isValid(owner):
            fn(value)

    return call
