"""Running replica tests on a plain and on an encrypted replica.

``replica_mode`` is a fixture parametrized ``plain`` / ``encrypted``; an area's ``replica``
fixture calls :func:`prepare_data_dir` before ``open_replica`` so each of its tests runs
both ways. The encrypted key goes to the test run's throwaway file keyring (the test
environment sets ``PYTHON_KEYRING_BACKEND``), exactly as it would go to a real keyring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.replica.encryption import create_encryption, write_info

REPLICA_MODES = ("plain", "encrypted")


@pytest.fixture(params=REPLICA_MODES)
def replica_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def prepare_data_dir(data_dir: Path, mode: str) -> Path:
    """Make ``data_dir`` so that the next ``open_replica`` creates a replica in ``mode``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if mode == "encrypted":
        info, _keys = create_encryption(None)
        write_info(data_dir, info)
    return data_dir


def raw_bytes_of(data_dir: Path) -> bytes:
    """Every byte of every file under ``data_dir`` (the replica, its WAL, attachments, backups)."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())
