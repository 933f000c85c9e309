"""Fetching a queue's mailbox and filing each message (one pass; the runner repeats it).

For each message not yet marked filed: fetch it, :func:`~sync.server.mail.intake.deliver`
it (which commits or recognises a duplicate), and only then mark it filed. A crash at any
point loses nothing and doubles nothing: before the commit the message is still unmarked
and is filed on the next pass; after it, intake answers ``duplicate`` and the message is
marked. A poison message is quarantined by intake and marked like any other, so it never
blocks the mailbox. A database failure stops the pass with the message unmarked.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sync.mail.imap_session import ImapError, ImapMailbox
from sync.mail.mail_url import parse_mail_url
from sync.server.db.database import Database
from sync.server.mail.intake import IntakeLimits, IntakeResult, deliver
from sync.server.mail.mail_models import Mailbox
from sync.server.mail.mail_secrets import MailSecretError, mailbox_password

__all__ = ["FetchReport", "fetch_mailbox"]

log = logging.getLogger(__name__)

#: Test seam: called with each fetched message's bytes before it is filed.
AfterFetch = Callable[[int, bytes], None]


@dataclass
class FetchReport:
    address: str
    outcomes: Counter[str] = field(default_factory=Counter)
    error: str = ""

    @property
    def fetched(self) -> int:
        return sum(self.outcomes.values())


def fetch_mailbox(
    db: Database,
    mailbox_id: str,
    *,
    limits: IntakeLimits | None = None,
    max_messages: int = 500,
    after_fetch: AfterFetch | None = None,
    after_file: Callable[[int, IntakeResult], None] | None = None,
) -> FetchReport:
    """One pass over the mailbox (see the module docstring); errors go in the report."""
    with db.read_session() as s:
        mailbox = s.get(Mailbox, mailbox_id)
    if mailbox is None or not mailbox.enabled or not mailbox.imap_url:
        return FetchReport(
            mailbox.address if mailbox else "?", error="mailbox missing, disabled or without IMAP"
        )
    report = FetchReport(mailbox.address)
    try:
        endpoint = parse_mail_url(mailbox.imap_url, "imap")
        with ImapMailbox(endpoint, mailbox.username, mailbox_password(mailbox)) as box:
            for uid in box.unfiled_uids()[:max_messages]:
                raw = box.fetch(uid)
                if raw is None:
                    continue
                if after_fetch is not None:
                    after_fetch(uid, raw)
                result = deliver(db, raw, mailbox.queue_id, limits=limits)
                report.outcomes[result.outcome] += 1
                if after_file is not None:
                    after_file(uid, result)
                box.mark_filed(uid, mailbox.processed)
    except (ImapError, MailSecretError, ValueError, OSError) as exc:
        report.error = str(exc)
        log.warning("mail: fetching %s failed: %s", mailbox.address, exc)
    _record(db, mailbox_id, report.error)
    return report


def _record(db: Database, mailbox_id: str, error: str) -> None:
    with db.write_session() as s:
        row = s.get(Mailbox, mailbox_id, with_for_update=True)
        if row is not None:
            row.last_fetch_at, row.last_error = datetime.now(UTC), error[:2000]
