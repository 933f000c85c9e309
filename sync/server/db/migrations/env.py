"""Alembic environment for the Outpost server: runs on the connection the caller passes in.

``sync.server.db.migration`` builds the Alembic config in code (no alembic.ini) and hands a
live connection through ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from sync.server.db import asset_models, state_models  # noqa: F401  (registers their tables)
from sync.server.db.models import Base
from sync.server.mail import mail_models  # noqa: F401  (registers the email channel's tables)
from sync.server.portal import portal_models  # noqa: F401  (registers its tables)

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
