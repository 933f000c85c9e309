"""Signing in, checking bearer tokens, signing out.

Throttling (:mod:`sync.server.admin.signin_throttle`) charges each attempt per (user name,
address) and per address *before* the password is checked, so a parallel burst cannot
buy more argon2 checks than the allowance, and a guesser on one address never locks the
owner out on another. Tokens are stored hashed, expire, and are revoked on sign-out or
when the user is disabled (``admin_service``).

Devices: a ``client_id`` belongs to the first user who signed in with it. Signing in as
someone else with that id is **refused** (409 ``client_mismatch``) after the password
checked out, rather than handing out a fresh server-side device: the honest client never
reuses an id across accounts (it takes a new one when you switch), so only a copied
replica or a forged request gets here, and a refusal keeps the device's journal from ever
being touched or read under another name. The refusal is one fixed answer: it names no
user, sequence number, device name or date, so it is the same for every foreign device.
(Ids are not secret — tickets carry their creating device's id — so saying "not yours"
tells the caller nothing they could not read already.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol
from sync.domain.names import stored_username
from sync.server.admin.credentials import hash_token, new_token, verify_password
from sync.server.admin.signin_throttle import charge_attempt, refund_attempt
from sync.server.core.access import AGENT_ROLES, Caller, load_caller
from sync.server.core.runtime_settings import load_runtime_settings
from sync.server.core.server_identity import server_info
from sync.server.db.database import Database
from sync.server.db.models import Person
from sync.server.db.state_models import AuthToken, SyncClient
from sync.server.errors import Conflict, DeviceRevoked, Unauthorized

__all__ = ["authenticate", "refuse_revoked", "sign_in", "sign_out", "user_info"]

_WRONG = "The user name or password is wrong (or the account is disabled)."
_FOREIGN_DEVICE = (
    "This device id is registered to another account on this server, so it cannot be used "
    "for yours. Outpost takes a new id when you switch accounts; if this replica was copied "
    "from another computer, make a new replica and sign in from it."
)


def sign_in(db: Database, request: protocol.SignInRequest, address: str) -> protocol.SignInResponse:
    now = datetime.now(UTC)
    username = stored_username(request.username)
    with db.snapshot_session() as s:
        limits = load_runtime_settings(s)
    attempt = charge_attempt(db, username, address, limits, now)  # 429 before any argon2 work
    with db.snapshot_session() as s:
        person = s.execute(select(Person).where(Person.username == username)).scalar_one_or_none()
    ok = verify_password(person.password_hash if person else None, request.password)
    if ok:
        with db.snapshot_session() as s:
            refuse_revoked(s, request.client_id)
    if not ok or person is None or not person.active or person.role not in AGENT_ROLES:
        raise Unauthorized(_WRONG)  # the charged attempt stands as the failure
    token = new_token()
    expires = now + timedelta(days=limits.token_lifetime_days)
    with db.write_session() as s:
        refund_attempt(s, attempt)
        foreign = not _claim_device(s, request, person.id, now)
        if not foreign:
            s.add(
                AuthToken(
                    token_hash=hash_token(token),
                    person_id=person.id,
                    client_id=request.client_id,
                    created_at=now,
                    expires_at=expires,
                    revoked_at=None,
                )
            )
            caller = load_caller(s, person, request.client_id)
            info = server_info(s)
    if foreign:
        raise Conflict(_FOREIGN_DEVICE, kind="client_mismatch")
    return protocol.SignInResponse(token=token, expires_at=expires, user=user_info(caller), server=info)


def _claim_device(s: Session, request: protocol.SignInRequest, person_id: str, now: datetime) -> bool:
    """Register ``request.client_id`` to ``person_id`` if it is new; False if another user
    holds it (nothing about that device is read beyond its owner's id)."""
    owner = s.execute(
        select(SyncClient.person_id).where(SyncClient.client_id == request.client_id)
    ).scalar_one_or_none()
    if owner is None:
        try:
            with s.begin_nested():
                s.add(
                    SyncClient(
                        client_id=request.client_id,
                        person_id=person_id,
                        last_seq=0,
                        device_name=request.device_name,
                        created_at=now,
                    )
                )
            return True
        except IntegrityError:  # a concurrent sign-in with the same id registered it first
            owner = s.execute(
                select(SyncClient.person_id).where(SyncClient.client_id == request.client_id)
            ).scalar_one()
    return owner == person_id


def authenticate(session: Session, authorization: str | None) -> Caller:
    """The caller behind an ``Authorization: Bearer`` header, or :class:`Unauthorized`."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("Sign in first: this request has no bearer token.")
    token = authorization[7:].strip()
    row = session.execute(
        select(AuthToken, Person)
        .join(Person, Person.id == AuthToken.person_id)
        .where(AuthToken.token_hash == hash_token(token))
    ).first()
    now = datetime.now(UTC)
    if row is None:
        raise Unauthorized("This sign-in is not valid any more; sign in again (your work is kept).")
    tok, person = row
    refuse_revoked(session, tok.client_id)
    if tok.revoked_at is not None or tok.expires_at <= now or not person.active:
        raise Unauthorized("Your sign-in has expired or was ended; sign in again (your work is kept).")
    return load_caller(session, person, tok.client_id)


def refuse_revoked(session: Session, client_id: str) -> None:
    """Raise :class:`DeviceRevoked` if an admin revoked this replica's device."""
    client = session.get(SyncClient, client_id)
    if client is not None and client.revoked_at is not None:
        raise DeviceRevoked(
            "An administrator revoked this device. Its local copy of the help desk is deleted; "
            "nothing from it is accepted. Ask your administrator to set up this computer again."
        )


def sign_out(db: Database, authorization: str | None) -> None:
    """Revoke the presented token (idempotent)."""
    with db.write_session() as s:
        authenticate(s, authorization)
        token = (authorization or "")[7:].strip()
        s.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == hash_token(token))
            .values(revoked_at=datetime.now(UTC))
        )


def user_info(caller: Caller) -> protocol.UserInfo:
    role = caller.role if caller.role in AGENT_ROLES else "agent"
    return protocol.UserInfo(
        user_id=caller.user_id,
        username=caller.username,
        name=caller.name,
        role=role,  # type: ignore[arg-type]
        knowledge_manager=caller.curates_articles,
        queue_ids=sorted(caller.queue_ids),
        asset_manager=caller.manages_assets,
    )
