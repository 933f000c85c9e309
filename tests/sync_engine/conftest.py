"""Fixtures for the sync engine: a real server on loopback, real replicas, an isolated keyring.

- ``server``: a migrated SQLite-backed server (the server team's harness) on a free port,
  with queues ``IT`` and ``Facilities`` and agents ``alice``/``bob`` (IT), ``carol``
  (Facilities) and the admin ``root``. ``pg_server`` is the same on PostgreSQL.
- ``keyring_file`` (autouse): keyring is the plaintext file backend in ``tmp_path``, set
  per test, so no test touches a real keyring and tokens never outlive the test.
- passwords are hashed at test-grade argon2 cost (``_cheap_password_hashing``).
- ``desk``: makes :class:`support_sync.Desk` — one replica signed in as one agent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest, iter_server
from support.encrypted_replica import prepare_data_dir
from sync_engine.support_sync import Desk, seed_server


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """The in-process server hashes with argon2 at test-grade cost (same code, cheaper parameters).

    Production parameters cost ~0.6 s per hash and per sign-in; these tests sign in dozens
    of replicas. Hashes carry their parameters, so verification follows automatically.
    """
    from argon2 import PasswordHasher

    import sync.server.admin.credentials as server_credentials

    saved = server_credentials._HASHER
    server_credentials._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    server_credentials._HASHER = saved


@pytest.fixture(autouse=True)
def keyring_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    return xdg


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerUnderTest]:
    for srv in iter_server(f"sqlite:///{tmp_path / 'server.db'}"):
        seed_server(srv)
        yield srv


@pytest.fixture
def pg_server(postgres_db_url: str) -> Iterator[ServerUnderTest]:
    for srv in iter_server(postgres_db_url):
        seed_server(srv)
        yield srv


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    made: list[Desk] = []

    def make(
        srv: ServerUnderTest,
        username: str,
        *,
        name: str | None = None,
        connect: bool = True,
        url: str | None = None,
        mode: str = "plain",
    ) -> Desk:
        path = prepare_data_dir(tmp_path / (name or username), mode)
        d = Desk.create(path, srv, username, connect=connect, url=url)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
