"""Where a mailbox lives: ``imaps://``, ``imap://``, ``smtps://``, ``smtp://`` URLs.

::

    imaps://mail.example.com[:993][/FOLDER]          implicit TLS
    imap://mail.example.com[:143][/FOLDER]           STARTTLS, required
    smtps://mail.example.com[:465]                   implicit TLS
    smtp://mail.example.com[:587]                    STARTTLS, required

Query options: ``tls=none`` (plain text; only for a server on loopback or a trusted LAN),
``ca=/path/ca.pem`` (trust this certificate authority, e.g. a self-signed test server).
A user name may come in the URL (``imaps://user@host``); a password never does: the URL is
stored and shown, the password is sealed separately.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["MailEndpoint", "parse_mail_url"]

_DEFAULT_PORTS = {"imaps": 993, "imap": 143, "smtps": 465, "smtp": 587}


@dataclass(frozen=True)
class MailEndpoint:
    scheme: str
    host: str
    port: int
    username: str
    folder: str
    implicit_tls: bool
    starttls: bool
    ca_file: str

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file or None)
        return context


def parse_mail_url(url: str, kind: str) -> MailEndpoint:
    """Parse an IMAP (``kind='imap'``) or SMTP (``kind='smtp'``) URL; ValueError says what is wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in (kind, kind + "s"):
        raise ValueError(f"{url!r} is not an {kind}:// or {kind}s:// URL")
    if parts.password:
        raise ValueError("put no password in the URL; give it with --password-stdin")
    if not parts.hostname:
        raise ValueError(f"{url!r} names no host")
    query = parse_qs(parts.query)
    tls_none = query.get("tls", [""])[0].lower() == "none"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return MailEndpoint(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[scheme],
        username=unquote(parts.username or ""),
        folder=folder,
        implicit_tls=scheme.endswith("s"),
        starttls=not scheme.endswith("s") and not tls_none,
        ca_file=query.get("ca", [""])[0],
    )
