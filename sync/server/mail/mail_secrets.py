"""Mailbox passwords: sealed with a key that is never in the database, or kept by the admin.

The mail key is a Fernet key (AES-128-CBC + HMAC-SHA256, from ``cryptography``) in a file
*outside* the database: ``$OUTPOST_MAIL_KEY_FILE``, else ``mail.key`` in the server's data
directory, created 0600 on first use. A stolen database dump therefore holds no usable
mail password. Every server process must read the same key file (put it on each host).

Instead of a stored password an admin may name where it lives: ``env:NAME`` (an
environment variable) or ``file:/path`` (a file holding it); then nothing is sealed at all.

Passwords are never logged and never appear in an error message.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs
from cryptography.fernet import Fernet, InvalidToken

from sync.server.mail.mail_models import Mailbox
from sync.storage.file_modes import make_private_dir

__all__ = ["KEY_ENV", "MailSecretError", "mail_key_path", "open_secret", "resolve_password", "seal_secret"]

KEY_ENV = "OUTPOST_MAIL_KEY_FILE"
log = logging.getLogger(__name__)


class MailSecretError(ValueError):
    """The password cannot be had; the message says where to look (never the secret)."""


def mail_key_path() -> Path:
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("outpost-server", appauthor=False)) / "mail.key"


def _key(create: bool) -> Fernet:
    path = mail_key_path()
    if not path.exists():
        if not create:
            raise MailSecretError(
                f"the mail key file {path} is missing; stored mailbox passwords cannot be read"
            )
        if not path.parent.exists():  # an existing folder (even /tmp) is never re-moded
            make_private_dir(path.parent, log)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    return Fernet(path.read_bytes().strip())


def seal_secret(password: str) -> str:
    return _key(create=True).encrypt(password.encode()).decode("ascii")


def open_secret(sealed: str) -> str:
    try:
        return _key(create=False).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise MailSecretError(
            f"the stored mailbox password does not open with the mail key {mail_key_path()}; "
            "set the password again (mailbox add … --password-stdin)"
        ) from None


def resolve_password(sealed: str, ref: str) -> str:
    """The mailbox password from its sealed form or from the place ``ref`` names."""
    if ref.startswith("env:"):
        value = os.environ.get(ref[4:])
        if value is None:
            raise MailSecretError(
                f"the environment variable {ref[4:]} holding the mailbox password is not set"
            )
        return value
    if ref.startswith("file:"):
        try:
            return Path(ref[5:]).read_text(encoding="utf-8").strip("\r\n")
        except OSError as exc:
            raise MailSecretError(
                f"cannot read the mailbox password file {ref[5:]} ({exc.strerror})"
            ) from None
    if not sealed:
        return ""
    return open_secret(sealed)


def mailbox_password(mailbox: Mailbox) -> str:
    """The mailbox's password, unsealed or read from where the admin said (never logged)."""
    return resolve_password(mailbox.secret, mailbox.secret_ref)
