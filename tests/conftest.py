"""Root test configuration: shared fixture plugins and marker behaviour only.

Area-specific fixtures belong in ``tests/<area>/conftest.py``.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Generator, Iterator

import pytest

# Throwaway XDG dirs, plaintext keyring and Qt offscreen for each test process (support.user_dirs).
# PostgreSQL fixtures: postgres_cluster, postgres_url, postgres_db_url (see the module docstring).
# replica_mode: plain / encrypted, for replica fixtures that run both ways (support.encrypted_replica).
pytest_plugins = ["support.user_dirs", "support.postgres_cluster", "support.encrypted_replica"]

#: The longest tests (``--durations``), started first under xdist so that no worker is left
#: running one of them alone at the end of the run. A scheduling hint only: a stale entry
#: costs nothing, a missing one a little idle time.
RUN_FIRST = (
    "tests/sync_engine/test_sync_convergence.py",
    "tests/server/test_server_convergence.py",
    "tests/server/test_server_cli.py::test_serve_with_several_worker_processes",
    "tests/replica_encryption/test_switch_kill.py",
    "tests/sync_engine/test_sync_cli.py::test_signout_through_the_console_script",
    "tests/bench/test_harness.py",
    "tests/sla/test_sla_calendar.py",
    "tests/sync_engine/test_sync_kill.py",
    "tests/sync_engine/test_sync_mine_first.py",
)

#: A test still running after this long is stuck where pytest-timeout (300 s) cannot reach it: a
#: deadlock in C code that holds the GIL stops its alarm handler too. faulthandler's watchdog is a
#: C thread that needs no GIL: it prints every thread's stack to the real stderr and ends the
#: process, so the run fails with the place of the hang instead of waiting for CI's limit.
HANG_SECONDS = float(os.environ.get("OUTPOST_TEST_HANG_SECONDS", "600"))


def _real_stderr_fd(config: pytest.Config) -> int:
    """The process's stderr from before pytest captured it (fd 2 is a capture file during tests)."""
    capman = config.pluginmanager.getplugin("capturemanager")
    saved = getattr(getattr(getattr(capman, "_global_capturing", None), "err", None), "targetfd_save", None)
    return saved if isinstance(saved, int) else 2


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=_real_stderr_fd(item.config))
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


_POSTGRES_FIXTURES = {"postgres_cluster", "postgres_url", "postgres_db_url"}
_GUI_FIXTURES = {"qtbot", "qapp", "qtmodeltester"}


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """GUI tests collect cyclic garbage on the GUI thread only, as the app does
    (desktop.main_thread_gc): a worker thread's collection could destroy a Qt object and crash."""
    if not set(request.fixturenames) & _GUI_FIXTURES:
        yield
        return
    from desktop.main_thread_gc import MainThreadGc

    guard = MainThreadGc()
    guard.install()
    try:
        yield
    finally:
        guard.uninstall()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use, so `-m "not postgres"` / `-m "not gui"` select correctly.

    Under ``pytest -n N --dist loadgroup`` (``scripts/test``), the tests of a module that share a
    module-scoped fixture (a seeded server, two server processes, a built template) go to one
    worker, so the fixture is built once rather than once per worker, and the longest tests
    (:data:`RUN_FIRST`) start first.
    """
    parallel = config.getoption("dist", None) == "loadgroup"
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if fixtures & _GUI_FIXTURES:
            item.add_marker(pytest.mark.gui)
        if parallel and _uses_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    if parallel:
        items.sort(key=lambda item: not item.nodeid.startswith(RUN_FIRST))  # stable: order kept


def _uses_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(d.scope in ("module", "class") for defs in info.name2fixturedefs.values() for d in defs)
