"""The standalone office's mail worker: fetch the mailbox, file it, send what is due, repeat.

:func:`run_once` is one round: file every message not yet marked in the IMAP folder, queue
agents' replies and resolutions, send what is due. Each message is marked filed only after
:func:`~sync.office_mail.office_intake.file_message` committed it (or recognised it), so a
crash or a lost connection anywhere loses nothing and doubles nothing; mail that arrived
while the computer was offline is simply unmarked and is filed at the next round.

:class:`OfficeMailWorker` repeats rounds on the caller's thread (the app runs it on a
thread of its own; ``outpost mail run`` on the main thread): after a round it waits in IMAP
IDLE (or polls where IDLE is not offered) for at most ``interval`` seconds, waking early
for new mail, :meth:`wake` (an agent just replied) or :meth:`stop`.

It runs only while the replica is standalone. Once this office has joined a server, a round
does nothing and reports :data:`JOINED_SERVER`: the mailbox must then be configured on the
server, which files mail for everyone (two intakes of one mailbox would race for it).
Errors (network, sign-in, keyring) are reported in the round, never raised, and never
contain the password.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.errors import ReplicaError
from sync.mail.imap_session import ImapError, ImapMailbox
from sync.mail.mail_url import parse_mail_url
from sync.mail.smtp_session import open_smtp_url, send_over_smtp
from sync.office_mail.mailbox_settings import OfficeMailbox, load_mail_password, load_mailbox
from sync.office_mail.office_intake import IntakeLimits, IntakeResult, file_message
from sync.office_mail.office_outbox import SendReport, queue_pending_replies, send_due
from sync.replica.replica import Replica

__all__ = [
    "JOINED_SERVER",
    "OfficeMailWorker",
    "RoundReport",
    "check_mailbox",
    "fetch_pass",
    "run_once",
]

log = logging.getLogger(__name__)

JOINED_SERVER = (
    "This help desk is now connected to a server, so the app no longer fetches its mailbox: "
    "configure the mailbox on the server (outpost-server mailbox add) so mail is filed once for everyone."
)
_IDLE_SLICE = 2.0

#: Test seam: called with each fetched message's UID and bytes before it is filed.
AfterFetch = Callable[[int, bytes], None]


@dataclass
class RoundReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    ticket_ids: set[str] = field(default_factory=set)  # tickets the round created or changed
    queued: int = 0
    sent: SendReport = field(default_factory=SendReport)
    error: str = ""  # the round ran into this (it is retried)
    stopped: str = ""  # the channel is not running, and why (configure or enable it first)

    @property
    def fetched(self) -> int:
        return sum(self.outcomes.values())


def _endpoint_box(box: OfficeMailbox, password: str) -> ImapMailbox:
    return ImapMailbox(parse_mail_url(box.imap_url, "imap"), box.login, password)


def fetch_pass(
    replica: Replica,
    box: OfficeMailbox,
    password: str,
    *,
    limits: IntakeLimits | None = None,
    max_messages: int = 500,
    after_fetch: AfterFetch | None = None,
    ticket_ids: set[str] | None = None,
) -> Counter[str]:
    """File every unmarked message (see the module docstring); raises ImapError/OSError.
    The ids of the tickets it wrote to are added to ``ticket_ids``."""
    outcomes: Counter[str] = Counter()
    with _endpoint_box(box, password) as imap:
        for uid in imap.unfiled_uids()[:max_messages]:
            raw = imap.fetch(uid)
            if raw is None:
                continue
            if after_fetch is not None:
                after_fetch(uid, raw)
            result: IntakeResult = file_message(replica, box, raw, limits=limits)
            outcomes[result.outcome] += 1
            if result.ticket_id is not None and ticket_ids is not None:
                ticket_ids.add(result.ticket_id)
            imap.mark_filed(uid, box.processed)
    return outcomes


def _why_not_running(replica: Replica, box: OfficeMailbox | None) -> str:
    if replica.mode != "standalone":
        return JOINED_SERVER
    if box is None:
        return "No mailbox is configured for this help desk yet."
    if not box.enabled:
        return f"The mailbox {box.address} is switched off."
    return ""


def run_once(
    replica: Replica,
    *,
    limits: IntakeLimits | None = None,
    after_fetch: AfterFetch | None = None,
) -> RoundReport:
    """One round (see the module docstring); what happened is in the report."""
    report = RoundReport()
    box = load_mailbox(replica)
    report.stopped = _why_not_running(replica, box)
    if report.stopped or box is None:
        return report
    password = load_mail_password(replica, box.address)
    if password is None:
        report.error = (
            f"The password of {box.address} is not in this computer's keyring; enter it again in the "
            "mailbox settings (or `outpost mailbox set --password-stdin`)."
        )
        return report
    try:
        report.outcomes = fetch_pass(
            replica, box, password, limits=limits, after_fetch=after_fetch, ticket_ids=report.ticket_ids
        )
    except (ImapError, OSError, ValueError) as exc:
        report.error = f"Fetching {box.address} failed: {exc}"
    report.queued = queue_pending_replies(replica, box)

    def sender(envelope_from: str, to: str, raw: bytes) -> None:
        send_over_smtp(box.smtp_url, box.login, password, envelope_from, to, raw)

    report.sent = send_due(replica, box, sender)
    if report.error:
        log.warning("office mail: %s", report.error)
    return report


def check_mailbox(box: OfficeMailbox, password: str) -> list[str]:
    """Sign in to IMAP and SMTP without filing or sending; lines saying what was found.
    Raises :class:`ImapError`, ``smtplib.SMTPException`` or ``OSError`` with the reason."""
    lines: list[str] = []
    with _endpoint_box(box, password) as imap:
        waiting = len(imap.unfiled_uids())
        idle = "IDLE offered" if imap.supports_idle else "no IDLE: polled"
        lines.append(f"IMAP: signed in as {box.login}; {waiting} message(s) waiting to be filed ({idle})")
    with open_smtp_url(box.smtp_url, box.login, password) as smtp:
        smtp.noop()
        lines.append(f"SMTP: connected to {parse_mail_url(box.smtp_url, 'smtp').host}")
    return lines


class OfficeMailWorker:
    """Rounds until stopped (see the module docstring). ``on_round`` is called on the worker's
    thread after each round; the app forwards it to the UI thread as a signal."""

    def __init__(
        self,
        replica: Replica,
        *,
        interval: float = 60.0,
        retry_after: float = 60.0,
        on_round: Callable[[RoundReport], None] | None = None,
    ) -> None:
        self.replica = replica
        self.interval = interval
        self.retry_after = retry_after
        self.on_round = on_round
        self._stop = threading.Event()
        self._wake = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Run a round now (e.g. an agent just wrote a reply)."""
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> RoundReport:
        """Rounds until :meth:`stop` or until the channel cannot run (returns that round)."""
        report = RoundReport()
        while not self._stop.is_set():
            self._wake.clear()
            try:
                report = run_once(self.replica)
            except ReplicaError as exc:  # the replica closed (app quitting) or the disk is full
                report = RoundReport(error=exc.message)
                if self.replica.closed:
                    report.stopped = "The help desk was closed."
            if self.on_round is not None:
                self.on_round(report)
            if report.stopped:
                return report
            if report.error:
                self._wake.wait(self.retry_after)
            else:
                self._wait_for_mail()
        return report

    def _wait_for_mail(self) -> None:
        box = load_mailbox(self.replica)
        password = load_mail_password(self.replica, box.address) if box else None
        deadline = time.monotonic() + self.interval
        if box is None or password is None:
            self._wake.wait(self.interval)
            return
        try:
            with _endpoint_box(box, password) as imap:
                # Mail that arrived between the round and this SELECT is never announced by IDLE.
                if imap.unfiled_uids() or not imap.supports_idle:
                    if not imap.supports_idle:
                        self._wake.wait(self.interval)
                    return
                while not self._wake.is_set() and time.monotonic() < deadline:
                    if imap.wait_for_new_mail(min(_IDLE_SLICE, max(0.1, deadline - time.monotonic()))):
                        return
        except (ImapError, OSError, ValueError) as exc:
            log.warning("office mail: IDLE failed: %s", exc)
            self._wake.wait(self.retry_after)
