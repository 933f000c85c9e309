"""Fixtures: a real replica file per test, set up standalone, with a clock the test controls."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from search.desk import Desk, build_desk
from support.clocks import TickingClock as FakeClock
from support.encrypted_replica import REPLICA_MODES, prepare_data_dir
from support.replicas import standalone_replica

from sync.replica.encryption import INFO_FILENAME
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica
from sync.search.search_service import SearchService
from sync.services.standalone_setup import set_up_standalone


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def replica(tmp_path: Path, clock: FakeClock, replica_mode: str) -> Iterator[Replica]:
    """Each test runs on a plain and on an encrypted replica (``replica_mode``)."""
    with standalone_replica(tmp_path / "data", clock, mode=replica_mode, email="ana@example.org") as r:
        yield r


@pytest.fixture(scope="session", params=REPLICA_MODES)
def desk_template(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, Desk]:
    """The corpus is built once per mode (plain, encrypted) through the services; each test
    gets a copy of the file (and of encryption.json: the copy shares the template's key)."""
    folder = prepare_data_dir(tmp_path_factory.mktemp("desk-template"), str(request.param))
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
    for name in (REPLICA_FILENAME, INFO_FILENAME):
        if (folder / name).exists():
            shutil.copy(folder / name, target / name)
    clock.now += timedelta(hours=2)  # after everything in the template
    r = open_replica(target, clock=clock)
    yield replace(built, replica=r, search=SearchService(r))
    r.close()
