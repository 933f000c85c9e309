"""Sign-in throttling: each attempt is charged *before* its password is checked.

Two allowances, kept in the database (``signin_throttle``) so every server process counts
the same attempts:

- **per (user name, address)**: ``signin_max_failures_per_user`` attempts per window. When
  they are spent the pair is locked out for one window, then two, four... (``strikes``;
  at most 64 windows). A success clears the pair.
- **per address**: ``signin_max_failures_per_address`` attempts per window, whatever the
  user name; spent, the address waits for the window to end.

There is deliberately no allowance per user name alone: anyone could spend it and keep
the owner out. A guesser on one address cannot affect the owner signing in from another.

Atomicity: :func:`charge_attempt` takes both rows in one write transaction (SQLite: the
write lock, ``BEGIN IMMEDIATE``; PostgreSQL: ``INSERT .. ON CONFLICT DO NOTHING`` then row
locks, in key order so two attempts never deadlock), checks and increments them, and
commits before the caller may check the password. A burst of parallel attempts is thus
serialized on the rows: at most the allowance reaches argon2, the rest are answered 429
at the cost of one small transaction. After a correct password the caller calls
:func:`refund_attempt`, which clears the pair and gives the address its attempt back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync.server.core.runtime_settings import RuntimeSettings
from sync.server.db.database import Database
from sync.server.db.state_models import SignInThrottle
from sync.server.errors import RateLimited

__all__ = ["Attempt", "charge_attempt", "refund_attempt"]

_MAX_DOUBLINGS = 6


@dataclass(frozen=True)
class Attempt:
    """One charged sign-in attempt: the rows it counted on."""

    pair_key: str
    address_key: str


def charge_attempt(
    db: Database, username: str, address: str, limits: RuntimeSettings, now: datetime
) -> Attempt:
    """Count one attempt for (``username``, ``address``) and ``address``; raise
    :class:`RateLimited` (after committing any new lockout) if either allowance is spent."""
    attempt = Attempt(pair_key=f"pair:{username}|{address}"[:200], address_key=f"addr:{address}"[:200])
    window = timedelta(seconds=limits.signin_window_seconds)
    refused_for: int | None = None
    with db.write_session() as s:
        rows = _locked_rows(s, sorted((attempt.pair_key, attempt.address_key)), now)
        pair, addr = rows[attempt.pair_key], rows[attempt.address_key]
        for row in (pair, addr):
            if row.window_start + window <= now:
                row.window_start, row.failures = now, 0
        if pair.blocked_until is not None and pair.blocked_until > now:
            refused_for = _seconds(pair.blocked_until - now)
        elif pair.failures >= limits.signin_max_failures_per_user:
            pair.blocked_until = now + window * 2 ** min(pair.strikes, _MAX_DOUBLINGS)
            pair.strikes += 1
            pair.window_start, pair.failures = now, 0
            refused_for = _seconds(pair.blocked_until - now)
        elif addr.failures >= limits.signin_max_failures_per_address:
            refused_for = _seconds(addr.window_start + window - now)
        else:
            pair.failures += 1
            addr.failures += 1
    if refused_for is not None:
        raise RateLimited(
            f"Too many sign-in attempts from this address; try again in {refused_for} seconds.",
            retry_after=refused_for,
        )
    return attempt


def refund_attempt(session: Session, attempt: Attempt) -> None:
    """After a correct password: clear the pair's count and lockouts, give the address its
    attempt back. Runs in the caller's write transaction."""
    rows = _locked_rows(session, sorted((attempt.pair_key, attempt.address_key)), None)
    for key, row in rows.items():
        if key == attempt.pair_key:
            row.failures, row.strikes, row.blocked_until = 0, 0, None
        else:
            row.failures = max(0, row.failures - 1)


def _locked_rows(s: Session, keys: list[str], now: datetime | None) -> dict[str, SignInThrottle]:
    """The rows for ``keys``, locked, in key order; created first when ``now`` is given."""
    if now is not None:
        for key in keys:
            s.execute(_insert_if_missing(s, key, now))
    found = s.execute(
        select(SignInThrottle)
        .where(SignInThrottle.key.in_(keys))
        .order_by(SignInThrottle.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars()
    return {row.key: row for row in found}


def _insert_if_missing(s: Session, key: str, now: datetime) -> Any:
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(SignInThrottle)
        .values(key=key, window_start=now, failures=0, strikes=0, blocked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds()) + 1)
