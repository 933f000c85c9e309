"""The server's SQLite database and its folder are private: on creation, and at open."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.server.db import migration
from sync.server.db.database import open_database
from sync.server.db.state_models import ServerState


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_server_database_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "outpost-server"
    path = data_dir / "server.db"
    db = open_database(f"sqlite:///{path}")
    try:
        migration.upgrade(db)
        with db.snapshot_session() as s:
            assert s.execute(select(ServerState.server_id)).scalar_one()
            files = [path, path.with_name("server.db-wal"), path.with_name("server.db-shm")]
            assert all(f.exists() for f in files)
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert _mode(data_dir) == 0o700
    finally:
        db.dispose()


def test_opening_tightens_an_existing_database_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "outpost-server"
    path = data_dir / "server.db"
    db = open_database(f"sqlite:///{path}")
    migration.upgrade(db)
    db.dispose()
    data_dir.chmod(0o755)
    path.chmod(0o644)
    caplog.set_level(logging.WARNING)
    db = open_database(f"sqlite:///{path}")
    try:
        with db.snapshot_session() as s:
            assert s.execute(select(ServerState.server_id)).scalar_one()
    finally:
        db.dispose()
    assert _mode(path) == 0o600 and _mode(data_dir) == 0o700
    assert str(path) in caplog.text and "tightened" in caplog.text
