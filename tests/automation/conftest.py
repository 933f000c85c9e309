"""A real standalone replica with three agents in the IT queue and a clock the test sets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.ids import new_id
from sync.replica.models import Person, QueueMember
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


@pytest.fixture
def agents(replica: Replica, it_queue: str) -> dict[str, str]:
    """Ana (the admin, already in every queue), Bob and Cleo: agents in IT. Name -> id."""
    ids = {"ana": replica.current_user_id or ""}
    with replica.write() as s:
        for name in ("Bob Builder", "Cleo Coder"):
            pid = new_id()
            s.add(
                Person(id=pid, name=name, username=name.split()[0].lower(), role="agent", tier=1, active=True)
            )
            s.add(QueueMember(queue_id=it_queue, person_id=pid))
            ids[name.split()[0].lower()] = pid
    return ids
