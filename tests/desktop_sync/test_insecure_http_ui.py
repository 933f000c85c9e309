"""Plain ``http://`` in the app: the Connect dialog refuses it unless ticked, and an allowed one
shows a warning in the status bar for as long as the replica is connected that way."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from desktop_sync.support_app import LONG, OpenApp
from pytestqt.qtbot import QtBot
from server.server_harness import PASSWORD, ServerUnderTest
from sync_engine.loopback_forward import FAR_AWAY, ToLoopback
from sync_engine.support_sync import Desk

from desktop.sync_ui.sync_indicator import INSECURE_TEXT
from sync.engine.session import connect
from sync.engine.status import read_status

MakeDesk = Callable[..., Desk]


def test_an_allowed_plain_http_server_is_a_warning_in_the_status_bar(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice", connect=False)
    with httpx.Client(base_url=FAR_AWAY, transport=ToLoopback(server.url)) as http:
        connect(alice.replica, FAR_AWAY, "alice", PASSWORD, http=http, allow_insecure_http=True)
    bob = desk(server, "bob")  # connected over loopback: nothing to warn about

    window = open_app(alice)
    warning = window.sync_ui.indicator.insecure_label
    qtbot.waitUntil(warning.isVisible, timeout=LONG)
    assert warning.text() == INSECURE_TEXT and FAR_AWAY in warning.toolTip()
    assert window.statusBar().isAncestorOf(warning)

    safe = open_app(bob)
    qtbot.waitUntil(lambda: safe.sync_ui.controller.status is not None, timeout=LONG)
    assert not safe.sync_ui.indicator.insecure_label.isVisible()


def test_the_connect_dialog_refuses_plain_http_elsewhere_unless_ticked(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice", connect=False)
    alice.set_up_standalone("Alice Agent")
    window = open_app(alice)
    qtbot.waitUntil(lambda: window.sync_ui.controller.status is not None, timeout=LONG)
    window.sync_ui.open_connect()
    dialog = window.sync_ui.connect_dialog
    assert dialog is not None and not dialog.insecure_check.isChecked()
    qtbot.keyClicks(dialog.url_edit, FAR_AWAY)
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    dialog.connect_button.click()
    assert dialog.error_label.isVisible()  # at once: nothing was sent
    assert "This address is not encrypted" in dialog.error_label.text()
    assert read_status(alice.replica).mode == "standalone"

    dialog.insecure_check.setChecked(True)
    dialog.connect_button.click()  # now it really tries that address (which does not exist)
    qtbot.waitUntil(lambda: "Can't reach" in dialog.error_label.text(), timeout=LONG)
    assert read_status(alice.replica).mode == "standalone"
