"""Fixtures: a real replica file per test, set up standalone, with a clock the test controls."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from search_index.desk import Desk, FakeClock, build_desk

from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica
from sync.search.search_service import SearchService
from sync.services.standalone_setup import set_up_standalone


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def replica(tmp_path: Path, clock: FakeClock) -> Iterator[Replica]:
    r = open_replica(tmp_path / "data", clock=clock)
    set_up_standalone(r, name="Ana Admin", username="ana", email="ana@example.org")
    yield r
    r.close()


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Desk]:
    """The corpus is built once through the services; each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("desk-template")
    r = open_replica(folder, clock=FakeClock())
    set_up_standalone(r, name="Ana Admin", username="ana", email="ana@example.org")
    built = build_desk(r, r.clock)
    r.close()
    return folder, built


@pytest.fixture
def desk(desk_template: tuple[Path, Desk], tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    folder, built = desk_template
    target = tmp_path / "desk"
    target.mkdir()
    shutil.copy(folder / REPLICA_FILENAME, target / REPLICA_FILENAME)
    clock.now += timedelta(hours=2)  # after everything in the template
    r = open_replica(target, clock=clock)
    yield replace(built, replica=r, search=SearchService(r))
    r.close()
