"""Where the server sign-in token lives: the system keyring, or this process's memory.

The token is stored with :mod:`keyring` under the service ``"Outpost sync <server URL>"``
and the user name — Windows Credential Vault, macOS Keychain, Secret Service on Linux. It
is never written to the replica, a settings file or a log.

Which backend:

- one the person configured explicitly (``PYTHON_KEYRING_BACKEND`` or keyring's config
  file) is used as they chose;
- otherwise the best *secure* backend keyring can find. Plaintext file backends from
  ``keyrings.alt`` are skipped, because merely having that package installed would make
  keyring store the token in a readable file; they are used only when the caller passes
  ``allow_file=True`` (``outpost connect --allow-file-keyring``);
- with none, the token is kept in memory for this process only and
  :attr:`StoredToken.message` says so: the app works until it closes, then asks to sign in
  again. A keyring that fails when asked (locked, D-Bus gone) falls back the same way.

Threading: functions may be called from any thread; the in-memory fallback is locked.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

import keyring
import keyring.backend
import keyring.core
import keyring.errors
from keyring.backends import chainer, fail

__all__ = [
    "StoredToken",
    "TokenKind",
    "delete_token",
    "load_token",
    "save_token",
    "secure_backend_name",
    "secure_keyring",
]

TokenKind = Literal["keyring", "file", "memory"]

_MEMORY: dict[tuple[str, str], str] = {}
_MEMORY_LOCK = threading.Lock()


@dataclass(frozen=True)
class StoredToken:
    kind: TokenKind
    message: str


def _service(server_url: str) -> str:
    return f"Outpost sync {server_url.rstrip('/')}"


def _is_plaintext(backend: keyring.backend.KeyringBackend) -> bool:
    return type(backend).__module__.startswith("keyrings.alt")


def _explicit_backend() -> keyring.backend.KeyringBackend | None:
    return keyring.core.load_env() or keyring.core.load_config()


def _secure_backend() -> keyring.backend.KeyringBackend | None:
    explicit = _explicit_backend()
    if explicit is not None:
        return None if isinstance(explicit, fail.Keyring) or _is_null(explicit) else explicit
    candidates = [
        b
        for b in keyring.backend.get_all_keyring()
        if not isinstance(b, (fail.Keyring, chainer.ChainerBackend))
        and not _is_plaintext(b)
        and not _is_null(b)
        and b.priority > 0
    ]
    return max(candidates, key=lambda b: b.priority) if candidates else None


def _is_null(backend: keyring.backend.KeyringBackend) -> bool:
    return type(backend).__module__ == "keyring.backends.null"


def _file_backend() -> keyring.backend.KeyringBackend | None:
    try:
        from keyrings.alt.file import PlaintextKeyring
    except ImportError:
        return None
    backend: keyring.backend.KeyringBackend = PlaintextKeyring()
    return backend


def secure_keyring() -> keyring.backend.KeyringBackend | None:
    """The secure keyring secrets go to (never a plain-text file one); None if there is none."""
    return _secure_backend()


def secure_backend_name() -> str | None:
    """The keyring a token would go to, for messages; None if there is none."""
    backend = _secure_backend()
    return None if backend is None else f"{type(backend).__module__}.{type(backend).__name__}"


def save_token(server_url: str, username: str, token: str, *, allow_file: bool = False) -> StoredToken:
    """Store ``token``; say where it went and, if not in a keyring, what that means."""
    service = _service(server_url)
    backend = _secure_backend()
    if backend is not None:
        try:
            backend.set_password(service, username, token)
            _forget_memory(service, username)
            return StoredToken(
                "keyring", f"Your sign-in is saved in the system keyring ({type(backend).__name__})."
            )
        except keyring.errors.KeyringError as exc:
            reason = f"The system keyring refused to store it ({type(exc).__name__})"
    else:
        reason = "No system keyring is available on this computer"
    if allow_file:
        file_backend = _file_backend()
        if file_backend is not None:
            file_backend.set_password(service, username, token)
            _forget_memory(service, username)
            return StoredToken(
                "file",
                f"{reason}; as you allowed, your sign-in is saved in a plain-text file keyring "
                "(keyrings.alt). Anyone who can read your files can use it; sign out to remove it.",
            )
        reason += ", and the file keyring (the keyrings.alt package) is not installed"
    with _MEMORY_LOCK:
        _MEMORY[(service, username)] = token
    return StoredToken(
        "memory",
        f"{reason}, so your sign-in is kept in memory only until this program exits; you will be asked "
        "to sign in again next time. Install or unlock a keyring (e.g. GNOME Keyring), or use "
        "--allow-file-keyring to accept a plain-text file.",
    )


def load_token(server_url: str, username: str, kind: str | None = None) -> str | None:
    """The stored token, looking where ``kind`` says it was saved (memory is always checked)."""
    service = _service(server_url)
    with _MEMORY_LOCK:
        remembered = _MEMORY.get((service, username))
    if remembered is not None:
        return remembered
    backend = _file_backend() if kind == "file" else _secure_backend()
    if backend is None or kind == "memory":
        return None
    try:
        return backend.get_password(service, username)
    except keyring.errors.KeyringError:
        return None


def delete_token(server_url: str, username: str) -> None:
    """Remove the token from memory, the keyring and the opt-in file keyring (wherever it is)."""
    service = _service(server_url)
    _forget_memory(service, username)
    for backend in (_secure_backend(), _file_backend()):
        if backend is None:
            continue
        try:
            backend.delete_password(service, username)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError:
            pass


def _forget_memory(service: str, username: str) -> None:
    with _MEMORY_LOCK:
        _MEMORY.pop((service, username), None)
