"""The server's settings: one typed object, built from the command line and the environment.

The database URL comes from ``--db``, else ``OUTPOST_SERVER_DB``, else a SQLite file in the
server's data directory (``platformdirs``). Operational knobs that admins change at run time
(token lifetime, sign-in limits) live in the database (``server_settings``), so every server
process behind a load balancer uses the same values; these are their defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["DB_ENV", "SETTINGS_VERSION", "ServerSettings", "default_database_url", "resolve_database_url"]

SETTINGS_VERSION = 1
DB_ENV = "OUTPOST_SERVER_DB"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir("outpost-server", appauthor=False))
    return f"sqlite:///{data_dir / 'server.db'}"


def resolve_database_url(cli_value: str | None) -> str:
    """``--db`` wins, then ``OUTPOST_SERVER_DB``, then the default SQLite file."""
    return cli_value or os.environ.get(DB_ENV) or default_database_url()


@dataclass(frozen=True)
class ServerSettings:
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    certfile: Path | None = None
    keyfile: Path | None = None
    #: largest JSON request body; blob chunks have their own limit (protocol.MAX_UPLOAD_CHUNK_BYTES)
    max_request_bytes: int = 32 * 1024 * 1024
    token_lifetime_days: int = 30
    #: failed sign-ins allowed per user name / per address within one window
    signin_max_failures_per_user: int = 5
    signin_max_failures_per_address: int = 50
    signin_window_seconds: int = 15 * 60
    pool_size: int = 20
    gzip_level: int = 5
    version: int = SETTINGS_VERSION

    @property
    def tls(self) -> bool:
        return self.certfile is not None
