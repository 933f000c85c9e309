"""Throwaway per-user dirs for each test process: the whole run, or each pytest-xdist worker.

At ``pytest_configure`` (before any test or fixture runs) this plugin points, for the rest of
the process:

- ``XDG_DATA_HOME``, ``XDG_CONFIG_HOME``, ``XDG_CACHE_HOME`` and ``XDG_RUNTIME_DIR`` (0700, as
  Qt wants it) at fresh dirs under one temp dir of this process;
- ``PYTHON_KEYRING_BACKEND`` at the plaintext file keyring, whose file is under
  ``XDG_DATA_HOME``: secrets the tests store (tokens, replica keys) never reach a real keyring;
- ``QT_QPA_PLATFORM`` at ``offscreen``.

The dirs are always replaced, even when the environment already names some (a developer's
own, or ones inherited from the xdist controller): two processes must not share them. The
plaintext keyring rewrites its whole file on every change, so two workers sharing one file
would lose each other's keys. Tests that need a dir of their own still set it themselves
(``monkeypatch.setenv``). The dir is removed when the session finishes (an xdist worker
may be ended before ``pytest_unconfigure``), and the previous values are restored then.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

KEYRING_BACKEND = "keyrings.alt.file.PlaintextKeyring"
_XDG = {
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_RUNTIME_DIR": "runtime",
}
_ENV_KEYS = (*_XDG, "PYTHON_KEYRING_BACKEND", "QT_QPA_PLATFORM")

_state: dict[str, object] = {}


def _worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def make_user_dirs() -> tuple[Path, dict[str, str]]:
    """Create this process's dirs; return the temp dir and the environment that names them."""
    home = Path(tempfile.mkdtemp(prefix=f"outpost-test-XDG-{_worker_name()}-"))
    env: dict[str, str] = {}
    for key, name in _XDG.items():
        path = home / name
        path.mkdir(mode=0o700)
        env[key] = str(path)
    env["PYTHON_KEYRING_BACKEND"] = KEYRING_BACKEND
    env["QT_QPA_PLATFORM"] = "offscreen"
    return home, env


def pytest_configure(config: pytest.Config) -> None:
    if "home" in _state:
        return
    home, env = make_user_dirs()
    _state["home"] = home
    _state["saved"] = {key: os.environ.get(key) for key in _ENV_KEYS}
    os.environ.update(env)


@pytest.hookimpl(trylast=True)  # after session fixtures are torn down
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove the dirs here: an xdist worker may be ended right after its session finishes,
    before ``pytest_unconfigure`` runs."""
    home = _state.get("home")
    if isinstance(home, Path):
        shutil.rmtree(home, ignore_errors=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = _state.pop("home", None)
    saved = _state.pop("saved", {})
    assert isinstance(saved, dict)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if isinstance(home, Path):
        shutil.rmtree(home, ignore_errors=True)
