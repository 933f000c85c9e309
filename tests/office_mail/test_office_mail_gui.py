"""GUI (offscreen): the e-mail channel's settings dialog configures, tests and switches on the
mailbox, and the app's channel then files mail and sends replies on its own thread; once the
office joins a server, the channel stops and the dialog says the mailbox belongs on the server.

Real parts throughout: the session's Dovecot (with IMAP IDLE waking the worker), the SMTP
receiver, a standalone replica, the real dialog and :class:`MailChannel`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.clocks import TickingClock
from support.dovecot_server import PASSWORD, DovecotServer
from support.replicas import standalone_replica
from support.smtp_receiver import SmtpReceiver

from desktop.app_context import AppContext
from desktop.office_mail.mail_channel import MailChannel
from desktop.office_mail.mailbox_settings_dialog import MailboxSettingsDialog
from desktop.sync_ui.network_watch import NetworkWatch
from sync.office_mail.mailbox_settings import (
    OfficeMailbox,
    load_mail_password,
    load_mailbox,
    save_mail_password,
    save_mailbox,
)
from sync.office_mail.office_mail_worker import JOINED_SERVER
from sync.services.ticket_queries import TicketFilter, TicketQueries


@pytest.fixture
def ctx(tmp_path: Path, qapp: object) -> Iterator[AppContext]:
    with standalone_replica(tmp_path / "desk", TickingClock()) as replica:
        context = AppContext(replica)
        yield context
        context.close()


def _request(desk: str) -> bytes:
    return (
        f"From: Ida Lowe <ida@example.org>\r\nTo: {desk}\r\nSubject: Scanner offline\r\n"
        "Message-ID: <ida.1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "The scanner on floor 3 shows offline.\r\n"
    ).encode()


def test_the_settings_dialog_sets_up_the_channel_that_files_and_answers_mail(
    qtbot,
    ctx: AppContext,
    request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
) -> None:
    dovecot: DovecotServer = request.getfixturevalue("dovecot_server")
    smtp: SmtpReceiver = request.getfixturevalue("smtp_receiver")
    address = dovecot.add_user()
    dialog = MailboxSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.queue.count() > 0 and dialog.save_button.isEnabled())
    dialog.address.setText(address)
    dialog.imap_url.setText(dovecot.url("starttls"))
    dialog.smtp_url.setText(smtp.url)
    dialog.password.setText("wrong-password")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled() and "Signing in" not in dialog.status.text())
    assert "cannot sign in" in dialog.status.text() and "wrong-password" not in dialog.status.text()
    dialog.password.setText(PASSWORD)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "IMAP: signed in" in dialog.status.text())
    assert "SMTP: connected" in dialog.status.text()
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    assert dialog.password.text() == "" and "Saved" in dialog.status.text()
    box = load_mailbox(ctx.replica)
    assert box is not None and (box.address, box.enabled, box.queue_id) == (
        address, True, dialog.queue.currentData()
    )  # fmt: skip
    assert load_mail_password(ctx.replica, address) == PASSWORD

    channel = MailChannel(ctx, NetworkWatch(), interval=30)
    try:
        with qtbot.waitSignal(channel.running_changed):
            channel.refresh()
        with qtbot.waitSignal(ctx.hub.changed, timeout=20_000):
            dovecot.append(address, _request(address))  # IMAP IDLE announces it
        [row] = TicketQueries(ctx.replica).rows(TicketFilter(), limit=10)
        assert row.subject == "Scanner offline"
        qtbot.waitUntil(lambda: len(smtp.messages) == 1)  # the acknowledgement
        ctx.write(lambda: ctx.work.reply(row.id, "Power-cycled it; try now."))  # wakes the worker
        qtbot.waitUntil(lambda: len(smtp.messages) == 2, timeout=20_000)
        assert smtp.messages[1].message["In-Reply-To"] == "<ida.1@example.org>"

        # The office joins a server: the channel stops itself and says where the mailbox goes now.
        ctx.replica.set_setting("mode", "connected")
        with qtbot.waitSignal(channel.state_changed, check_params_cb=lambda t: t == JOINED_SERVER):
            ctx.write(lambda: ctx.work.note(row.id, "Joined the server"))
        assert not channel.running
    finally:
        channel.shutdown()
    locked = MailboxSettingsDialog(ctx)
    qtbot.addWidget(locked)
    qtbot.waitUntil(lambda: locked.banner.text() == JOINED_SERVER)
    assert not locked.address.isEnabled() and not locked.save_button.isEnabled()


from support.dovecot_server import dovecot_server  # noqa: E402, F401  (the session's Dovecot)
from support.smtp_receiver import smtp_receiver  # noqa: E402, F401  (an in-process SMTP server)


def test_the_channel_pauses_offline_and_files_what_arrived_when_the_network_is_back(
    qtbot,
    ctx: AppContext,
    request: pytest.FixtureRequest,  # type: ignore[no-untyped-def]
) -> None:
    dovecot: DovecotServer = request.getfixturevalue("dovecot_server")
    smtp: SmtpReceiver = request.getfixturevalue("smtp_receiver")
    address = dovecot.add_user()
    queue_id = ctx.directory.queues()[0].id
    save_mailbox(ctx.replica, OfficeMailbox(address, queue_id, dovecot.url(), smtp.url, enabled=True))
    save_mail_password(ctx.replica, address, PASSWORD)
    network = NetworkWatch()
    network.set_online(False)
    channel = MailChannel(ctx, network, interval=30)
    try:
        with qtbot.waitSignal(channel.state_changed, check_params_cb=lambda t: "offline" in t):
            channel.refresh()
        assert not channel.running
        dovecot.append(address, _request(address))  # arrives while the computer is offline
        with qtbot.waitSignal(ctx.hub.changed, timeout=20_000):
            network.set_online(True)
        [row] = TicketQueries(ctx.replica).rows(TicketFilter(), limit=10)
        assert row.subject == "Scanner offline" and channel.running
        with qtbot.waitSignal(channel.running_changed, check_params_cb=lambda running: not running):
            network.set_online(False)
    finally:
        channel.shutdown()
