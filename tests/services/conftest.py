"""A real replica file per test, set up standalone, with a clock the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.clocks import TickingClock as FakeClock
from support.replicas import standalone_replica

from sync.replica.replica import Replica
from sync.services.directory import Directory


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def replica(tmp_path: Path, clock: FakeClock, replica_mode: str) -> Iterator[Replica]:
    """Each test runs on a plain and on an encrypted replica (``replica_mode``)."""
    with standalone_replica(tmp_path / "data", clock, mode=replica_mode) as r:
        yield r


@pytest.fixture
def it_queue(replica: Replica) -> str:
    return Directory(replica).queue_by_name("IT").id
