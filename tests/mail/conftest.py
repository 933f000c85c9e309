"""Mail fixtures: a migrated server database (SQLite, or PostgreSQL where a test asks), a queue
with its mailbox, and the corpus loader. The mail key lives in the test's own temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server.db import migration
from sync.server.db.database import Database, open_database
from sync.server.mail.mail_secrets import KEY_ENV


@pytest.fixture(autouse=True)
def _mail_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "keys" / "mail.key"
    monkeypatch.setenv(KEY_ENV, str(key))
    return key


def _migrated(url: str) -> Iterator[Database]:
    db = open_database(url, pool_size=8)
    migration.upgrade(db)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def mail_db(tmp_path: Path) -> Iterator[Database]:
    yield from _migrated(f"sqlite:///{tmp_path / 'server.db'}")


@pytest.fixture(params=["sqlite", "postgres"])
def any_mail_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
    else:
        url = request.getfixturevalue("postgres_db_url")
    yield from _migrated(url)


from support.dovecot_server import dovecot_server  # noqa: E402, F401  (the session's Dovecot)
from support.smtp_receiver import smtp_receiver  # noqa: E402, F401  (an in-process SMTP server)
