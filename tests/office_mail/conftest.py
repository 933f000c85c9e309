"""Office-mail fixtures: a standalone replica with a ticking clock, and its mailbox configured
on the session's real Dovecot (a fresh address per test) with the test's SMTP receiver; the
password in the test process's own keyring (plain-text file backend under a temp XDG dir)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.clocks import TickingClock
from support.dovecot_server import PASSWORD, DovecotServer
from support.replicas import standalone_replica
from support.smtp_receiver import SmtpReceiver

from sync.office_mail.mailbox_settings import OfficeMailbox, save_mail_password, save_mailbox
from sync.replica.replica import Replica
from sync.services.directory import Directory


@dataclass
class Office:
    replica: Replica
    clock: TickingClock
    box: OfficeMailbox
    dovecot: DovecotServer
    smtp: SmtpReceiver

    def deliver(self, *messages: bytes) -> None:
        """Mail arriving in the desk's mailbox (as the MTA would put it there)."""
        self.dovecot.append(self.box.address, *messages)


@pytest.fixture
def office(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Office]:
    dovecot: DovecotServer = request.getfixturevalue("dovecot_server")
    smtp: SmtpReceiver = request.getfixturevalue("smtp_receiver")
    clock = TickingClock()
    with standalone_replica(tmp_path / "desk", clock) as replica:
        queue = Directory(replica).queues()[0]
        address = dovecot.add_user()
        box = save_mailbox(
            replica,
            OfficeMailbox(
                address=address, queue_id=queue.id, imap_url=dovecot.url("starttls"),
                smtp_url=smtp.url, enabled=True,
            ),
        )  # fmt: skip
        save_mail_password(replica, address, PASSWORD)
        yield Office(replica, clock, box, dovecot, smtp)


from support.dovecot_server import dovecot_server  # noqa: E402, F401  (the session's Dovecot)
from support.smtp_receiver import smtp_receiver  # noqa: E402, F401  (an in-process SMTP server)
