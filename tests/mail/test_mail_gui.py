"""GUI: a ticket that came by email shows, in the app after sync, its requester and its thread.

The server files a request and the requester's follow-up (threaded by In-Reply-To) as an
MTA pipe would; a replica signed in as an agent syncs them; the real ticket pane, offscreen,
shows the request, the requester's reply labelled "Requester" (quoted history collapsed),
and the attachment the mail carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mail.mail_support import load
from server.server_harness import ServerUnderTest, iter_server
from sync_engine.support_sync import Desk

from desktop.app_context import AppContext
from sync.replica.replica import open_replica
from sync.server.admin.credentials import set_hash_cost
from sync.server.mail import mailbox_service
from sync.server.mail.intake import deliver


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServerUnderTest]:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    set_hash_cost(time_cost=1, memory_cost_kib=1024, parallelism=1)
    for srv in iter_server(f"sqlite:///{tmp_path / 'server.db'}"):
        srv.add_queue("IT")
        yield srv


def test_an_email_ticket_shows_its_requester_and_thread_in_the_app(
    qtbot: object, server: ServerUnderTest, tmp_path: Path
) -> None:
    from desktop.ticket_pane import TicketPane

    mailbox_service.add_mailbox(
        server.db, queue="IT", address="it-help@desk.example.com", imap_url="", smtp_url="", password="x"
    )
    queue_id = server.queues["IT"]
    first = deliver(server.db, load("attachments_inline_image.eml"), queue_id)
    follow_up = (
        b"From: Chris Doe <chris@example.net>\r\nTo: it-help@desk.example.com\r\n"
        b"Subject: Re: Screen shows error after update\r\nMessage-ID: <20261210120000.2@example.net>\r\n"
        b"In-Reply-To: <20261210110000.1@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"It happens again after a restart.\r\n\r\n"
        b"On Thu, 10 Dec 2026 Chris Doe wrote:\r\n> After the update\r\n"
    )
    assert deliver(server.db, follow_up, queue_id).outcome == "replied"

    desk = Desk.create(tmp_path / "alice", server, "alice")
    desk.sync()
    desk.close()
    ctx = AppContext(open_replica(tmp_path / "alice"))
    pane = TicketPane(ctx)
    try:
        pane.resize(1280, 800)
        pane.show()
        with qtbot.waitSignal(pane.ticket_opened, timeout=10_000):  # type: ignore[attr-defined]
            pane.show_ticket(first.ticket_id)
        detail = pane.detail
        assert detail.requester == "Chris Doe" and detail.requester_email == "chris@example.net"
        assert detail.number == first.ticket_number
        text = pane.conversation.toPlainText()
        assert "After the update my screen shows this error" in text
        assert "Requester" in text and "It happens again after a restart." in text
        assert "> After the update" not in text  # the quoted history was collapsed
        assert "Chris Doe" in pane.header.requester_label.text()
        names = {a.filename for a in detail.attachments}
        assert names == {"screenshot.png", "Rechnung_März.pdf"}
        assert detail.channel == "email"
        assert "via e-mail" in pane.header.state_label.text()
    finally:
        pane.close()
        ctx.close()
