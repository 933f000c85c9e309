"""Revoking a device (a lost or stolen laptop): its sessions end and it may not sync again.

A revoked client id is refused on every request and sign-in with the error kind
``device_revoked`` (:func:`sync.server.admin.auth_service.refuse_revoked`). The client, on seeing
it, deletes its replica without pushing: whoever holds the device now is not trusted to
add work in the owner's name. Its unsynced changes are therefore lost by design; the admin
is told so when revoking (see docs/encryption.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from sync.server.db.database import Database
from sync.server.db.state_models import AuthToken, SyncClient
from sync.server.errors import NotFound

__all__ = ["RevokedDevice", "revoke_device"]


@dataclass(frozen=True)
class RevokedDevice:
    client_id: str
    device_name: str
    sessions_ended: int


def revoke_device(db: Database, client_id: str) -> RevokedDevice:
    """Mark ``client_id`` revoked and end its sessions (idempotent); NotFound if unknown."""
    now = datetime.now(UTC)
    with db.write_session() as s:
        client = s.get(SyncClient, client_id.strip(), with_for_update=True)
        if client is None:
            raise NotFound(f"No device with client id {client_id!r}.")
        if client.revoked_at is None:
            client.revoked_at = now
        ended = s.scalars(
            update(AuthToken)
            .where(AuthToken.client_id == client.client_id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(AuthToken.token_hash)
        ).all()
        return RevokedDevice(client.client_id, client.device_name, len(ended))
