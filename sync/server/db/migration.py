"""Alembic migrations of the server schema, driven from code (``outpost-server migrate``).

The revisions live in ``sync/server/db/migrations/versions``. ``upgrade`` brings a database
(empty or older) to the newest revision in one transaction per revision and makes sure the
``server_state`` row exists (a new database gets a fresh ``server_id``). ``current_status``
tells ``/healthz`` whether the database is at the code's head revision.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from sync.server.db.database import Database
from sync.server.db.state_models import ServerState

__all__ = ["MigrationStatus", "alembic_config", "current_status", "head_revision", "upgrade"]

_SCRIPT_LOCATION = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class MigrationStatus:
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPT_LOCATION))
    return config


@functools.cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("the server package has no migrations")
    return head


def upgrade(db: Database) -> MigrationStatus:
    """Migrate to the head revision and ensure the server identity row; return the status."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with db.write_session() as s:
        if s.get(ServerState, 1) is None:
            s.add(
                ServerState(id=1, server_id=str(uuid.uuid4()), epoch=1, last_version=0, last_ticket_number=0)
            )
    return current_status(db)


def current_status(db: Database) -> MigrationStatus:
    """The database's revision against the code's head (raises if the database is unreachable)."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None:
            connection.execute(select(ServerState.id)).first()
    return MigrationStatus(current=current, head=head_revision())
