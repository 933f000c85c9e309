"""What the person needs to know about syncing, as plain data (``outpost status``, the status bar).

:func:`read_status` reads only the replica and the token store — no network — so it is
cheap enough to call after every write or round. ``pending_by_entity`` counts unsynced
mutations per entity type (``ticket``, ``article``, ``queue``, ``person``); per-record
badges use :func:`sync.services.journal.pending_entity_ids`.

``local_only`` counts records the server will never receive because they were never
journaled (a demo, or a standalone replica's records made before journaling existed):
they stay on this computer only, and the person should know.

Threading: safe from any thread (a read transaction on a pooled connection).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from sync.credentials import load_token
from sync.engine.server_url import is_insecure
from sync.protocol.ops import Op
from sync.replica.replica import Replica

__all__ = ["SyncStatus", "read_status"]


@dataclass(frozen=True)
class SyncStatus:
    mode: str  # standalone | connected
    server_url: str | None
    username: str | None
    signed_in: bool
    token_storage: str | None  # keyring | file | memory
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    last_error_kind: str | None
    blocked: str | None
    pending: int
    pending_by_entity: dict[str, int]
    open_conflicts: int
    rejected: int
    open_notices: int
    files_to_upload: int
    files_not_downloaded: int
    local_only: dict[str, int]
    resyncing: bool
    #: plain http:// to another computer, allowed by the person (the app warns about it)
    insecure_http: bool = False
    #: the server requires encrypted replicas and this one is plain: it still syncs, but the
    #: person should encrypt it (``outpost encrypt``)
    encryption_required: bool = False

    @property
    def needs_sign_in(self) -> bool:
        return self.mode == "connected" and (not self.signed_in or self.last_error_kind == "sign_in")


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def read_status(replica: Replica) -> SyncStatus:
    with replica.read() as s:
        settings = {k: v for k, v in s.execute(text("SELECT key, value FROM replica_settings")).all()}
        by_entity = {
            str(e): int(n)
            for e, n in s.execute(
                text("SELECT entity_type, count(*) FROM journal WHERE state = 'pending' GROUP BY entity_type")
            ).all()
        }
        conflicts: dict[str, int] = dict(
            s.execute(
                text("SELECT kind, count(*) FROM sync_conflicts WHERE resolved_at IS NULL GROUP BY kind")
            ).all()
        )
        notices = int(
            s.execute(text("SELECT count(*) FROM sync_notices WHERE dismissed_at IS NULL")).scalar_one()
        )
        uploads = int(
            s.execute(
                text("SELECT count(*) FROM journal WHERE state = 'pending' AND op = 'ticket.attach'")
            ).scalar_one()
        )
        remote_files = int(
            s.execute(text("SELECT count(*) FROM attachments WHERE is_local = 0")).scalar_one()
        )
        connected = settings.get("mode") == "connected"
        local_only = _local_only(s) if connected else {}
    url, username, kind = (
        settings.get("sync.server_url"),
        settings.get("sync.username"),
        settings.get("sync.token_store"),
    )
    account = settings.get("sync.keyring_account") or username  # see session.keyring_account
    signed_in = bool(url and account and load_token(url, account, kind))
    return SyncStatus(
        mode=settings.get("mode", "standalone"),
        server_url=url,
        username=username,
        signed_in=signed_in,
        token_storage=kind,
        last_success_at=_when(settings.get("sync.last_success_at")),
        last_attempt_at=_when(settings.get("sync.last_attempt_at")),
        last_error=settings.get("sync.last_error"),
        last_error_kind=settings.get("sync.last_error_kind"),
        blocked=settings.get("sync.blocked"),
        pending=sum(by_entity.values()),
        pending_by_entity=by_entity,
        open_conflicts=int(conflicts.get("conflict", 0)) + int(conflicts.get("rejected", 0)),
        rejected=int(conflicts.get("rejected", 0)),
        open_notices=notices,
        files_to_upload=uploads,
        files_not_downloaded=remote_files,
        local_only=local_only,
        resyncing=settings.get("sync.resync") == "1",
        insecure_http=bool(url) and connected and is_insecure(url or ""),
        encryption_required=connected
        and settings.get("sync.encryption_required") == "1"
        and not replica.encrypted,
    )


def _local_only(s: Session) -> dict[str, int]:
    out: dict[str, int] = {}
    for table, op in (
        ("tickets", Op.TICKET_CREATE),
        ("queues", Op.QUEUE_CREATE),
        ("articles", Op.ARTICLE_CREATE),
    ):
        n = s.execute(
            text(
                f"SELECT count(*) FROM {table} WHERE version = 0 AND id NOT IN "
                "(SELECT entity_id FROM journal WHERE op = :op)"
            ),
            {"op": op},
        ).scalar_one()
        if n:
            out[table] = int(n)
    people = s.execute(
        text(
            "SELECT count(*) FROM people WHERE version = 0 AND id NOT IN "
            "(SELECT entity_id FROM journal WHERE op = 'person.create')"
        )
    ).scalar_one()
    if people:
        out["people"] = int(people)
    return out
