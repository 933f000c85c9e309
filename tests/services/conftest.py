"""A real replica file per test, set up standalone, with a clock the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support.encrypted_replica import prepare_data_dir

from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone


class FakeClock:
    """Device time under the test's control; advances a second per reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def replica(tmp_path: Path, clock: FakeClock, replica_mode: str) -> Iterator[Replica]:
    """Each test runs on a plain and on an encrypted replica (``replica_mode``)."""
    r = open_replica(prepare_data_dir(tmp_path / "data", replica_mode), clock=clock)
    set_up_standalone(r, name="Ana Admin", username="ana")
    yield r
    r.close()


@pytest.fixture
def it_queue(replica: Replica) -> str:
    return Directory(replica).queue_by_name("IT").id
