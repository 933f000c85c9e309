"""Every error kind of the core has words in the app, and every error class uses the enum.

The app shows an error by its ``kind`` (:func:`desktop.error_display.describe_error`); a
kind without an entry falls back to "Something went wrong" with no advice, which is what
``server_restored``, ``not_connected``, ``cancelled`` and seven other kinds got before
the kinds became :class:`sync.errors.ErrorKind`.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import desktop
import sync
from desktop.error_display import describe_error, error_words
from sync.errors import ErrorKind, OutpostError


def _all_error_classes() -> list[type[OutpostError]]:
    """Every OutpostError subclass defined in sync/ or desktop/ (their modules imported)."""
    for package in (sync, desktop):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)
    found: list[type[OutpostError]] = []
    pending: list[type[OutpostError]] = [OutpostError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.startswith(("sync.", "desktop."))]


ERROR_CLASSES = _all_error_classes()


@pytest.mark.parametrize("kind", list(ErrorKind), ids=str)
def test_every_kind_has_a_title_and_an_icon_in_the_app(kind: ErrorKind) -> None:
    title, _action = error_words(kind)
    assert title
    if kind is not ErrorKind.ERROR:
        assert title != error_words(ErrorKind.ERROR)[0], f"{kind} shows the generic title"


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_error_class_has_a_kind_from_the_enum_and_specific_words(cls: type[OutpostError]) -> None:
    assert isinstance(cls.kind, ErrorKind), f"{cls.__name__}.kind is {cls.kind!r}, not an ErrorKind"
    error = cls.__new__(cls)
    OutpostError.__init__(error, "what happened")
    info = describe_error(error)
    assert info.message == "what happened"
    if cls is not OutpostError:
        assert info.title != "Something went wrong", f"{cls.__name__} ({cls.kind}) has no words of its own"


def test_the_classes_found_include_the_engine_cli_and_app_errors() -> None:
    names = {c.__name__ for c in ERROR_CLASSES}
    expected = {"RetryLaterError", "DeviceRevokedError", "UsageError", "NoReplicaError"}
    expected.add("DemoUnavailableError")
    assert expected <= names
