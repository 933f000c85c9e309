"""A real replica file per test, set up standalone (the admin is a knowledge curator), with a
ticket and an article to link, and a clock the test controls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sync.replica.models import Mutation
from sync.replica.replica import Replica, open_replica
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    r = open_replica(tmp_path / "data", clock=FakeClock())
    set_up_standalone(r, name="Ana Admin", username="ana")
    yield r
    r.close()


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
