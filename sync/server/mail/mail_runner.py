"""The mail worker: fetch every enabled mailbox, queue replies and notices, send what is due.

``outpost-server mail run`` repeats :func:`run_once` every ``--interval`` seconds. Any number
of workers (and ``mail deliver`` from an MTA) may run at once: intake is exactly-once by its
unique key and sending claims each outbox row first (see ``intake`` and ``outbox``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select

from sync.mail.imap_session import ImapError, ImapMailbox
from sync.mail.mail_url import parse_mail_url
from sync.server.db.database import Database
from sync.server.mail.imap_fetch import FetchReport, fetch_mailbox
from sync.server.mail.intake import IntakeLimits
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.mail_secrets import mailbox_password
from sync.server.mail.outbox import Sender, SendReport, queue_pending_replies, send_due

__all__ = ["RoundReport", "run_forever", "run_once", "watch_mailbox"]

log = logging.getLogger(__name__)
_IDLE_SLICE = 5.0


@dataclass
class RoundReport:
    fetched: list[FetchReport] = field(default_factory=list)
    queued: int = 0
    sent: SendReport | None = None


def run_once(db: Database, sender: Sender | None = None, limits: IntakeLimits | None = None) -> RoundReport:
    if sender is None:
        from sync.server.mail.smtp_send import smtp_sender

        sender = smtp_sender
    report = RoundReport()
    with db.read_session() as s:
        ids = list(
            s.execute(select(Mailbox.id).where(Mailbox.enabled.is_(True), Mailbox.imap_url != "")).scalars()
        )
    for mailbox_id in ids:
        report.fetched.append(fetch_mailbox(db, mailbox_id, limits=limits))
    report.queued = queue_pending_replies(db)
    report.sent = send_due(db, sender)
    return report


def watch_mailbox(
    db: Database,
    mailbox_id: str,
    stop: threading.Event,
    *,
    idle_seconds: float = 600,
    poll_seconds: float = 60,
) -> None:
    """Keep one mailbox filed: a pass, then IMAP IDLE until the server announces mail (or
    ``idle_seconds``, after which the pass runs anyway); a server without IDLE is polled."""
    while not stop.is_set():
        report = fetch_mailbox(db, mailbox_id)
        if report.error:
            stop.wait(poll_seconds)
            continue
        try:
            with db.read_session() as s:
                mailbox = s.get(Mailbox, mailbox_id)
            if mailbox is None or not mailbox.enabled:
                return
            endpoint = parse_mail_url(mailbox.imap_url, "imap")
            with ImapMailbox(endpoint, mailbox.username, mailbox_password(mailbox)) as box:
                if not box.supports_idle:
                    stop.wait(poll_seconds)
                    continue
                # Mail that arrived between the pass and this connection's SELECT is counted in
                # the SELECT and never announced by IDLE: look for it before idling.
                if box.unfiled_uids():
                    continue
                # IDLE in short slices so a stop request is seen within seconds.
                deadline = time.monotonic() + idle_seconds
                while not stop.is_set() and time.monotonic() < deadline:
                    if box.wait_for_new_mail(min(_IDLE_SLICE, max(0.1, deadline - time.monotonic()))):
                        break
        except (ImapError, ValueError, OSError) as exc:
            log.warning("mail: IDLE on %s failed: %s", mailbox_id, exc)
            stop.wait(poll_seconds)


def run_forever(
    db: Database, interval: float, stop: threading.Event | None = None, idle: bool = True
) -> None:
    """The worker: with ``idle``, one thread per mailbox files mail as it arrives (IMAP IDLE)
    while this loop sends every ``interval`` seconds; without, everything runs each interval."""
    stop = stop or threading.Event()
    watchers: list[threading.Thread] = []
    if idle:
        with db.read_session() as s:
            ids = list(
                s.execute(
                    select(Mailbox.id).where(Mailbox.enabled.is_(True), Mailbox.imap_url != "")
                ).scalars()
            )
        for mailbox_id in ids:
            t = threading.Thread(
                target=watch_mailbox, args=(db, mailbox_id, stop), name=f"mail-{mailbox_id[:8]}", daemon=True
            )
            t.start()
            watchers.append(t)
    while not stop.is_set():
        try:
            if idle:
                from sync.server.mail.smtp_send import smtp_sender

                queue_pending_replies(db)
                send_due(db, smtp_sender)
            else:
                run_once(db)
        except Exception:  # a database outage: log, wait, try again (nothing was marked filed)
            log.exception("mail: a round failed; retrying after the interval")
        stop.wait(interval)
    for t in watchers:
        t.join(timeout=60)
