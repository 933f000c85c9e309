"""Sending one outbox message over the mailbox's SMTP server (``smtplib``).

``smtps://`` is implicit TLS, ``smtp://`` requires STARTTLS unless the URL says
``tls=none`` (see :mod:`sync.mail.mail_url`). The envelope sender is the mailbox address,
so bounces come back to the mailbox and are recorded on their ticket.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

from sync.mail.mail_url import parse_mail_url
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.mail_secrets import mailbox_password

__all__ = ["open_smtp", "smtp_sender"]


@contextmanager
def open_smtp(mailbox: Mailbox, password: str, timeout: float = 30) -> Iterator[smtplib.SMTP]:
    ep = parse_mail_url(mailbox.smtp_url, "smtp")
    smtp: smtplib.SMTP
    if ep.implicit_tls:
        smtp = smtplib.SMTP_SSL(ep.host, ep.port, timeout=timeout, context=ep.ssl_context())
    else:
        smtp = smtplib.SMTP(ep.host, ep.port, timeout=timeout)
    try:
        smtp.ehlo()
        if ep.starttls:
            smtp.starttls(context=ep.ssl_context())
            smtp.ehlo()
        user = ep.username or mailbox.username
        if password and smtp.has_extn("auth"):
            smtp.login(user, password)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def smtp_sender(mailbox: Mailbox, envelope_from: str, to: str, raw: bytes) -> None:
    """The outbox's :data:`~sync.server.mail.outbox.Sender` over real SMTP."""
    if not mailbox.smtp_url:
        raise ValueError(f"the mailbox {mailbox.address} has no SMTP server configured")
    with open_smtp(mailbox, mailbox_password(mailbox)) as smtp:
        refused = smtp.sendmail(envelope_from, [to], raw)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
