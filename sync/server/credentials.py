"""Passwords (argon2id) and bearer tokens (random, stored as SHA-256 only).

A token is 32 random bytes, URL-safe, prefixed ``otk_`` so it is recognisable in a leak
scan. The database keeps only its SHA-256: a stolen database yields no usable token, and
hashing is cheap enough to run on every request (unlike a password hash, which is slow on
purpose). ``verify_password`` spends the same time for an unknown user as for a wrong
password, so response times do not reveal which user names exist.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "hash_token", "new_token", "verify_password"]

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a real password")
MIN_PASSWORD_CHARS = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; a missing hash still costs one verification."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return "otk_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
