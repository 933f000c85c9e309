"""Signing in, checking bearer tokens, signing out, and throttling failed sign-ins.

Throttling is kept in the database (``signin_throttle``), so every server process behind a
load balancer counts the same failures: per user name and per client address, within a
window. Past the limit a sign-in is answered 429 *before* the password is checked, so
guessing costs the attacker time, not the server argon2 work. A success clears the user's
count. Tokens are stored hashed, expire, and are revoked on sign-out or when the user is
disabled (``admin_service``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol
from sync.server.access import AGENT_ROLES, Caller, load_caller
from sync.server.credentials import hash_token, new_token, verify_password
from sync.server.database import Database
from sync.server.errors import DeviceRevoked, RateLimited, Unauthorized
from sync.server.models import Person
from sync.server.runtime_settings import RuntimeSettings, load_runtime_settings
from sync.server.server_identity import server_info
from sync.server.state_models import AuthToken, SignInThrottle, SyncClient

__all__ = ["authenticate", "refuse_revoked", "sign_in", "sign_out", "user_info"]

_WRONG = "The user name or password is wrong (or the account is disabled)."


def sign_in(db: Database, request: protocol.SignInRequest, address: str) -> protocol.SignInResponse:
    now = datetime.now(UTC)
    username = request.username.strip().lower()
    keys = (f"user:{username}", f"addr:{address}")
    with db.snapshot_session() as s:
        limits = load_runtime_settings(s)
        _refuse_if_throttled(s, keys, limits, now)
        person = s.execute(select(Person).where(Person.username == username)).scalar_one_or_none()
    ok = verify_password(person.password_hash if person else None, request.password)
    if ok:
        with db.snapshot_session() as s:
            refuse_revoked(s, request.client_id)
    if not ok or person is None or not person.active or person.role not in AGENT_ROLES:
        _record_failure(db, keys, limits, now)
        raise Unauthorized(_WRONG)
    token = new_token()
    expires = now + timedelta(days=limits.token_lifetime_days)
    with db.write_session() as s:
        s.execute(update(SignInThrottle).where(SignInThrottle.key == keys[0]).values(failures=0))
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
        if s.get(SyncClient, request.client_id) is None:
            try:
                with s.begin_nested():
                    s.add(
                        SyncClient(
                            client_id=request.client_id,
                            person_id=person.id,
                            last_seq=0,
                            device_name=request.device_name,
                            created_at=now,
                        )
                    )
            except IntegrityError:
                pass  # a concurrent sign-in from the same replica created it
        caller = load_caller(s, person, request.client_id)
        info = server_info(s)
    return protocol.SignInResponse(token=token, expires_at=expires, user=user_info(caller), server=info)


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
    )


def _refuse_if_throttled(s: Session, keys: tuple[str, str], limits: RuntimeSettings, now: datetime) -> None:
    window = timedelta(seconds=limits.signin_window_seconds)
    caps = (limits.signin_max_failures_per_user, limits.signin_max_failures_per_address)
    for key, cap in zip(keys, caps, strict=True):
        row = s.get(SignInThrottle, key)
        if row is not None and row.window_start + window > now and row.failures >= cap:
            wait = int((row.window_start + window - now).total_seconds()) + 1
            raise RateLimited(f"Too many failed sign-ins; try again in {wait} seconds.", retry_after=wait)


def _record_failure(db: Database, keys: tuple[str, str], limits: RuntimeSettings, now: datetime) -> None:
    window = timedelta(seconds=limits.signin_window_seconds)
    with db.write_session() as s:
        for key in keys:
            # Row lock (PostgreSQL) / write lock (SQLite): concurrent failures all count.
            row = s.get(SignInThrottle, key, with_for_update=True)
            if row is None:
                try:
                    with s.begin_nested():
                        s.add(SignInThrottle(key=key, window_start=now, failures=1))
                    continue
                except IntegrityError:
                    row = s.get(SignInThrottle, key, with_for_update=True, populate_existing=True)
                    assert row is not None
            if row.window_start + window <= now:
                row.window_start, row.failures = now, 1
            else:
                row.failures += 1
