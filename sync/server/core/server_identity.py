"""The server's identity as clients see it (``ServerInfo``): which database, which epoch.

``server_id`` is made once, when the database is first migrated. ``epoch`` is bumped by
``outpost-server mark-restored`` after restoring a backup, so every client's cursor is
refused and they re-bootstrap (keeping their unsynced journal) instead of trusting
versions the restored database no longer has.
"""

from __future__ import annotations

import functools
from importlib import metadata

from sqlalchemy import update
from sqlalchemy.orm import Session

from sync import protocol
from sync.server.core.runtime_settings import load_runtime_settings
from sync.server.db.state_models import ServerState

__all__ = ["bump_epoch", "server_info", "server_version"]


@functools.cache
def server_version() -> str:
    try:
        return metadata.version("outpost")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def server_info(session: Session) -> protocol.ServerInfo:
    state = session.get(ServerState, 1)
    if state is None:
        raise RuntimeError("the database has not been migrated (run `outpost-server migrate`)")
    return protocol.ServerInfo(
        server_id=state.server_id,
        epoch=state.epoch,
        protocol_min=protocol.MIN_PROTOCOL_VERSION,
        protocol_max=protocol.PROTOCOL_VERSION,
        server_version=server_version(),
        features=list(protocol.SERVER_FEATURES),
        require_encryption=load_runtime_settings(session).require_encrypted_replicas == 1,
    )


def bump_epoch(session: Session) -> int:
    """Start a new epoch (after a restore); return it."""
    return int(
        session.execute(
            update(ServerState)
            .where(ServerState.id == 1)
            .values(epoch=ServerState.epoch + 1)
            .returning(ServerState.epoch)
        ).scalar_one()
    )
