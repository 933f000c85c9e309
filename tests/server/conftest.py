"""Server fixtures: every server test runs against SQLite and against the real PostgreSQL.

``db_url`` is parametrized over both engines (``sqlite`` in ``tmp_path``; ``postgres`` a fresh
database in the throwaway cluster started by the test run). ``server`` is a migrated
database served by a real uvicorn on a free loopback port.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest, iter_server

from sync.server.admin.credentials import set_hash_cost


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> None:
    """argon2 at its production cost takes ~0.5 s per hash on a 2-core CI machine; the tests
    create and sign in hundreds of users, so they hash cheaply (same code path, lower cost)."""
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    url: str = request.getfixturevalue("postgres_db_url")
    return url


@pytest.fixture
def server(db_url: str) -> Iterator[ServerUnderTest]:
    yield from iter_server(db_url)
