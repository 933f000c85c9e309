"""A real replica file per test, set up standalone (the admin is a knowledge curator), with a
ticket and an article to link, and a clock the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from support.clocks import TickingClock
from support.replicas import standalone_replica

from sync.replica.models import Mutation
from sync.replica.replica import Replica
from sync.services.directory import Directory


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    with standalone_replica(tmp_path / "data", TickingClock()) as r:
        yield r


@pytest.fixture
def it_queue(replica: Replica) -> str:
    return Directory(replica).queue_by_name("IT").id


def journal(replica: Replica, op: str) -> list[dict[str, Any]]:
    """Payloads of the pending journal entries with this op, oldest first."""
    with replica.read() as s:
        return [
            m.payload
            for m in s.execute(select(Mutation).where(Mutation.op == op).order_by(Mutation.seq)).scalars()
        ]
