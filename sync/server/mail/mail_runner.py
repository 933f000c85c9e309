"""The mail worker: fetch every enabled mailbox, queue replies and notices, send what is due.

``outpost-server mail run`` repeats :func:`run_once` every ``--interval`` seconds. Any number
of workers (and ``mail deliver`` from an MTA) may run at once: intake is exactly-once by its
unique key and sending claims each outbox row first (see ``intake`` and ``outbox``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from sync.server.database import Database
from sync.server.mail.imap_fetch import FetchReport, fetch_mailbox
from sync.server.mail.intake import IntakeLimits
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.outbox import Sender, SendReport, queue_pending_replies, send_due

__all__ = ["RoundReport", "run_forever", "run_once"]

log = logging.getLogger(__name__)


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


def run_forever(db: Database, interval: float, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            run_once(db)
        except Exception:  # a database outage: log, wait, try again (nothing was marked filed)
            log.exception("mail: a round failed; retrying after the interval")
        stop.wait(interval)
