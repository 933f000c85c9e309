"""One demo replica per test session for the report tests (built once: ~1 s)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import Replica, open_replica

#: The demo's "now": its tickets spread over the 90 days before it.
DEMO_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports-demo")
    build_demo_replica(path, DemoSpec(tickets=400, articles=12, seed=7, now=DEMO_NOW))
    return path


@pytest.fixture
def demo_replica(demo_dir: Path) -> Iterator[Replica]:
    replica = open_replica(demo_dir)
    yield replica
    replica.close()
