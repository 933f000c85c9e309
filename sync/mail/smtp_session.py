"""An SMTP connection as the channel uses it (``smtplib``), for the server and the app alike.

``smtps://`` is implicit TLS, ``smtp://`` requires STARTTLS unless the URL says
``tls=none`` (see :mod:`sync.mail.mail_url`). Signs in only when a password is given and the
server offers AUTH. Blocking calls: run it on a worker thread, never on a UI thread.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager

from sync.mail.mail_url import parse_mail_url

__all__ = ["open_smtp_url", "send_over_smtp"]


@contextmanager
def open_smtp_url(url: str, username: str, password: str, timeout: float = 30) -> Iterator[smtplib.SMTP]:
    """A signed-in SMTP session to ``url`` (the URL's user name wins over ``username``)."""
    ep = parse_mail_url(url, "smtp")
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
        if password and smtp.has_extn("auth"):
            smtp.login(ep.username or username, password)
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def send_over_smtp(url: str, username: str, password: str, envelope_from: str, to: str, raw: bytes) -> None:
    """Send one message; raises ``smtplib.SMTPException``/``OSError`` when it was not accepted."""
    with open_smtp_url(url, username, password) as smtp:
        refused = smtp.sendmail(envelope_from, [to], raw)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
