"""A real standalone replica whose device clock the test sets (it does not move by itself)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.clocks import DeviceClock
from support.replicas import standalone_replica

from sync.replica.replica import Replica
from sync.services.directory import Directory


@pytest.fixture
def clock() -> DeviceClock:
    return DeviceClock()


@pytest.fixture
def replica(tmp_path: Path, clock: DeviceClock) -> Iterator[Replica]:
    with standalone_replica(tmp_path / "data", clock) as r:
        yield r


@pytest.fixture
def it_queue(replica: Replica) -> str:
    return Directory(replica).queue_by_name("IT").id
