"""Root test configuration: shared fixture plugins and marker behaviour only.

Area-specific fixtures belong in ``tests/<area>/conftest.py``.
"""

from __future__ import annotations

import pytest

# PostgreSQL fixtures: postgres_cluster, postgres_url, postgres_db_url (see the module docstring).
# replica_mode: plain / encrypted, for replica fixtures that run both ways (support.encrypted_replica).
pytest_plugins = ["support.postgres_cluster", "support.encrypted_replica"]

_POSTGRES_FIXTURES = {"postgres_cluster", "postgres_url", "postgres_db_url"}
_GUI_FIXTURES = {"qtbot", "qapp", "qtmodeltester"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use, so `-m "not postgres"` / `-m "not gui"` select correctly."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _POSTGRES_FIXTURES:
            item.add_marker(pytest.mark.postgres)
        if fixtures & _GUI_FIXTURES:
            item.add_marker(pytest.mark.gui)
