"""Sending one outbox message over the mailbox's SMTP server.

The connection itself is :mod:`sync.mail.smtp_session` (shared with the standalone app).
The envelope sender is the mailbox address, so bounces come back to the mailbox and are
recorded on their ticket.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

from sync.mail.smtp_session import open_smtp_url, send_over_smtp
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.mail_secrets import mailbox_password

__all__ = ["open_smtp", "smtp_sender"]


@contextmanager
def open_smtp(mailbox: Mailbox, password: str, timeout: float = 30) -> Iterator[smtplib.SMTP]:
    with open_smtp_url(mailbox.smtp_url, mailbox.username, password, timeout) as smtp:
        yield smtp


def smtp_sender(mailbox: Mailbox, envelope_from: str, to: str, raw: bytes) -> None:
    """The outbox's :data:`~sync.server.mail.outbox.Sender` over real SMTP."""
    if not mailbox.smtp_url:
        raise ValueError(f"the mailbox {mailbox.address} has no SMTP server configured")
    send_over_smtp(mailbox.smtp_url, mailbox.username, mailbox_password(mailbox), envelope_from, to, raw)
