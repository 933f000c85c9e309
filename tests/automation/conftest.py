"""A real standalone replica with three agents in the IT queue and a clock the test sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.clocks import DeviceClock
from support.replicas import standalone_replica

from sync.ids import new_id
from sync.replica.models import Person, QueueMember
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
