"""Mailing a sign-in link from the portal queue's mailbox (the email channel's SMTP sender).

The link belongs to no ticket, so it does not go through the ticket outbox; it is sent once,
right after the answer to the requester, from the enabled mailbox of the portal's queue
(``outpost-server mailbox add``), with its SMTP server and password. Without such a mailbox
links are not mailed (an admin prints them with ``outpost-server portal link``). A failure
is logged without the address; the requester asks again.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from sync.server.db.database import Database
from sync.server.db.models import Queue
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.smtp_send import smtp_sender
from sync.server.portal.portal_settings import PortalSettings

__all__ = ["link_mail", "portal_mailbox", "send_link"]

log = logging.getLogger("outpost.server.portal")


def portal_mailbox(db: Database, settings: PortalSettings) -> Mailbox | None:
    """The enabled mailbox (with an SMTP server) of the portal's queue, or None."""
    if not settings.queue:
        return None
    with db.read_session() as s:
        return s.execute(
            select(Mailbox)
            .join(Queue, Queue.id == Mailbox.queue_id)
            .where(Queue.name == settings.queue, Mailbox.enabled.is_(True), Mailbox.smtp_url != "")
            .order_by(Mailbox.address)
            .limit(1)
        ).scalar_one_or_none()


def link_mail(settings: PortalSettings, sender: str, address: str, url: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = address
    message["Subject"] = "Your sign-in link for the help desk"
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "outpost.portal")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "Hello,\n\n"
        "Open this link to sign in to the help desk portal:\n\n"
        f"{url}\n\n"
        f"It works once, within {settings.link_minutes} minutes. If you did not ask for it, "
        "ignore this message: nobody can sign in without it.\n"
    )
    return message


def send_link(mailbox: Mailbox | None, message: EmailMessage) -> None:
    """Send ``message`` through ``mailbox``'s SMTP server; log (never raise) on failure."""
    if mailbox is None:
        log.warning("portal: the portal queue has no mailbox with SMTP; a sign-in link was not mailed")
        return
    try:
        smtp_sender(mailbox, mailbox.address, str(message["To"]), message.as_bytes())
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        log.warning("portal: a sign-in link could not be mailed (%s)", exc.__class__.__name__)
