"""A real standalone replica whose device clock the test sets (it does not move by itself)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone


class DeviceClock:
    """The device's clock: stays where the test puts it. 2026-03-02 is a Monday."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: int, hour: int, minute: int = 0) -> datetime:
        self.now = datetime(2026, 3, day, hour, minute, tzinfo=UTC)
        return self.now


@pytest.fixture
def clock() -> DeviceClock:
    return DeviceClock()


@pytest.fixture
def replica(tmp_path: Path, clock: DeviceClock) -> Iterator[Replica]:
    r = open_replica(tmp_path / "data", clock=clock)
    set_up_standalone(r, name="Ana Admin", username="ana")
    yield r
    r.close()


@pytest.fixture
def it_queue(replica: Replica) -> str:
    return Directory(replica).queue_by_name("IT").id
