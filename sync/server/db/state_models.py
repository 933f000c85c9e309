"""The server's own bookkeeping tables: versions, the change log, clients, tokens, blobs.

Everything a server process needs to be correct lives here, in the database: several
processes behind a load balancer share it and keep no state of their own.

- ``ServerState`` (one row): the server's identity and the two counters — the commit
  version and the last ticket number. Its row lock orders commits (see ``versioning``).
- ``ChangeLog``: one row per record, holding the version of the record's last change,
  and the ticket whose scope governs who may see it (null: visible to every agent).
- ``ScopeLog``: where a ticket was before each move, so a pull can say it left your scope.
- ``SyncClient``/``AppliedMutation``: per-device journal position and stored outcomes.
- ``Blob``/``BlobChunk``: verified attachment bytes; ``BlobUpload``/``BlobUploadChunk``: one
  user's upload in progress (private until verified; see ``blob_service``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.db.models import Base

__all__ = [
    "AppliedMutation",
    "AuthToken",
    "Blob",
    "BlobChunk",
    "BlobUpload",
    "BlobUploadChunk",
    "ChangeLog",
    "ScopeLog",
    "ServerSecret",
    "ServerSetting",
    "ServerState",
    "SignInThrottle",
    "SyncClient",
]


class ServerState(Base):
    __tablename__ = "server_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    server_id: Mapped[str] = mapped_column(String(36))
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    last_version: Mapped[int] = mapped_column(BigInteger, default=0)
    last_ticket_number: Mapped[int] = mapped_column(BigInteger, default=0)


class ServerSetting(Base):
    __tablename__ = "server_settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ServerSecret(Base):
    """A random key the server made for itself (``cursor``: the pull cursors' HMAC key).

    Kept in the database so every server process on it shares the key and it survives
    restarts; see :mod:`sync.server.core.server_secret` for why not a file.
    """

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class ChangeLog(Base):
    """``entity_type`` is the pull's record family (``tickets``, ``comments``...)."""

    __tablename__ = "change_log"
    entity_type: Mapped[str] = mapped_column(String(24), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[str | None] = mapped_column(String(36))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_change_log_version", "version"),
        Index("ix_change_log_ticket", "ticket_id"),
        Index("ix_change_log_family_version", "entity_type", "version"),
    )


class ScopeLog(Base):
    """A ticket's queue and assignee *before* the change stamped ``version`` moved it."""

    __tablename__ = "scope_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[str] = mapped_column(String(36))
    old_queue_id: Mapped[str | None] = mapped_column(String(36))
    old_assignee_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_scope_log_version", "version"),)


class SyncClient(Base):
    """One replica (its ``client_id``), bound to the first user who signed in with it."""

    __tablename__ = "sync_clients"
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    device_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]
    #: Set when an admin revokes the device (lost laptop): it may not sign in or sync again.
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class AppliedMutation(Base):
    """The decided outcome of one ``(client_id, seq)``, returned again on every replay."""

    __tablename__ = "applied_mutations"
    client_id: Mapped[str] = mapped_column(ForeignKey("sync_clients.client_id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON)
    decided_at: Mapped[datetime]


class AuthToken(Base):
    """A bearer token, stored as its SHA-256 only. Valid until ``expires_at`` unless revoked."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    client_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_auth_tokens_person", "person_id"),)


class SignInThrottle(Base):
    """Sign-in attempts per key (``pair:<name>|<ip>`` or ``addr:<ip>``) in the current window.

    ``failures`` counts attempts charged before their password check (see
    :mod:`sync.server.admin.signin_throttle`); ``blocked_until`` ends the current lockout and
    ``strikes`` counts lockouts in a row (each doubles the next one).
    """

    __tablename__ = "signin_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None]
    strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Blob(Base):
    """An attachment's bytes, content-addressed, verified against the SHA-256 (see ``blob_service``).

    A row exists only for complete, verified content. Holding (or knowing) a blob gives no
    access to it: downloads are authorized by a visible record that references it.
    ``uploaded_by_id`` records who stored it first (bookkeeping only, never authorization).
    """

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime]


class BlobChunk(Base):
    __tablename__ = "blob_chunks"
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BlobUpload(Base):
    """One user's upload of one blob: private progress and, once ``complete``, the right to attach.

    Until complete its bytes are staged in ``BlobUploadChunk`` rows of this upload only, so
    nothing another user stored can influence its answers. ``touched_at`` (the last chunk,
    or completion) is the expiry clock: an upload older than the server's
    ``blob_upload_expiry_hours`` is deleted with its staged bytes.
    """

    __tablename__ = "blob_uploads"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    touched_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("user_id", "sha256", name="uq_blob_uploads_user_sha"),
        Index("ix_blob_uploads_sha", "sha256"),
        Index("ix_blob_uploads_touched", "touched_at"),
    )


class BlobUploadChunk(Base):
    """Bytes of an unfinished upload, at ``offset`` of the file (see ``BlobUpload``)."""

    __tablename__ = "blob_upload_chunks"
    upload_id: Mapped[str] = mapped_column(ForeignKey("blob_uploads.id"), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
