"""Passwords (argon2id) and bearer tokens (random, stored as SHA-256 only).

A token is 32 random bytes, URL-safe, prefixed ``otk_`` so it is recognisable in a leak
scan. The database keeps only its SHA-256: a stolen database yields no usable token, and
hashing is cheap enough to run on every request (unlike a password hash, which is slow on
purpose). ``verify_password`` spends the same time for an unknown user as for a wrong
password, so response times do not reveal which user names exist.
:func:`password_verifications` counts argon2 verifications made by this process (a
metric, and how tests prove throttling happens before the expensive check).
"""

from __future__ import annotations

import hashlib
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "hash_password",
    "hash_token",
    "new_token",
    "password_verifications",
    "set_hash_cost",
    "verify_password",
]

_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, 3 passes)
_DUMMY_HASH = _HASHER.hash("not a real password")
MIN_PASSWORD_CHARS = 8
_verifications = 0
_verifications_lock = threading.Lock()


def set_hash_cost(*, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
    """Change the cost of *new* hashes (existing hashes carry their own parameters and keep
    verifying). For tests and very small machines; the default is the recommended one."""
    global _HASHER, _DUMMY_HASH
    _HASHER = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)
    _DUMMY_HASH = _HASHER.hash("not a real password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; a missing hash still costs one verification."""
    global _verifications
    with _verifications_lock:
        _verifications += 1
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_verifications() -> int:
    """How many passwords this process has verified with argon2 since it started."""
    with _verifications_lock:
        return _verifications


def new_token() -> str:
    return "otk_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
