"""Mailing a sign-in link: a small interface, and SMTP behind it.

The portal needs one kind of mail that belongs to no ticket, so it does not go through the
ticket outbox of the mail channel; it is sent once, right after the answer to the
requester (a failure is logged and the requester asks again).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from sync.server.portal.portal_settings import PortalSettings

__all__ = ["LinkMailer", "SmtpLinkMailer", "link_mail"]

log = logging.getLogger("outpost.server.portal")


class LinkMailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def link_mail(settings: PortalSettings, address: str, url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from or "help-desk@localhost"
    message["To"] = address
    message["Subject"] = "Your sign-in link for the help desk"
    message["Message-ID"] = make_msgid(domain="outpost.portal")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "Hello,\n\n"
        "Open this link to sign in to the help desk portal:\n\n"
        f"{url}\n\n"
        f"It works once, within {settings.link_minutes} minutes. If you did not ask for it, "
        "ignore this message: nobody can sign in without it.\n"
    )
    return message


class SmtpLinkMailer:
    """Sends through the SMTP server in the portal settings (plain SMTP, STARTTLS if offered)."""

    def __init__(self, settings: PortalSettings) -> None:
        self._host = settings.smtp_host
        self._port = settings.smtp_port

    def send(self, message: EmailMessage) -> None:
        if not self._host:
            log.warning("portal: no SMTP server is set (portal.smtp_host); a sign-in link was not mailed")
            return
        try:
            with smtplib.SMTP(self._host, self._port, timeout=15) as smtp:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("portal: a sign-in link could not be mailed (%s)", exc.__class__.__name__)
