"""The app's sync UI against a real server on loopback: connect, background push, offline,
sign in again, the unsynced badge and the conflict inbox.

Each test drives the real widgets (the main window, its sync controller and dialogs) and
checks the outcome both on screen and where it must land (the replica's journal, the
server's database).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from desktop_sync.support_app import LONG, OpenApp
from pytestqt.qtbot import QtBot
from server.server_harness import PASSWORD, PROTO, ServerUnderTest
from sqlalchemy import text
from sync_engine.fault_proxy import FaultProxy
from sync_engine.support_sync import Desk

from desktop.main_window import MainWindow
from desktop.sync_ui.connect_dialog import NO_KEYRING_NOTE, ConnectDialog
from desktop.ticket_table import Col, ListQuery
from desktop.ticket_table.table_model import Role
from sync.credentials import delete_token, load_token
from sync.engine.backoff import Backoff
from sync.engine.progress import CancelToken
from sync.engine.round_lock import round_lock
from sync.engine.status import read_status
from sync.server.serve import ServerThread
from sync.server.settings import ServerSettings
from sync.services.ticket_service import NewTicket

MakeDesk = Callable[..., Desk]


def _keyring_account(d: Desk) -> str:
    account = d.replica.get_setting("sync.keyring_account")
    assert account is not None
    return account


def _show_all_open(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.tickets.model.query_applied, timeout=LONG):
        window.tickets.model.set_query(ListQuery(view_key="all_open"))


def _subjects(window: MainWindow) -> set[str]:
    model = window.tickets.model
    return {str(model.index(r, Col.SUBJECT).data()) for r in range(model.rowCount())}


def _server_ticket_subjects(srv: ServerUnderTest) -> set[str]:
    with srv.db.engine.connect() as c:
        return {r[0] for r in c.execute(text("SELECT subject FROM tickets"))}


def _pending(d: Desk) -> int:
    return read_status(d.replica).pending


def _wait_first_round(qtbot: QtBot, window: MainWindow) -> None:
    """The scheduler's round at start has finished (so the test's changes meet a settled replica)."""

    def settled() -> bool:
        scheduler = window.sync_ui.controller.scheduler
        return scheduler is not None and scheduler.rounds >= 1 and scheduler.state == "idle"

    qtbot.waitUntil(settled, timeout=LONG)
    qtbot.waitUntil(lambda: _mode_text(window).startswith("● Online"), timeout=LONG)


def _mode_text(window: MainWindow) -> str:
    return window.sync_ui.indicator.mode_button.text()


def _new_ticket(qtbot: QtBot, window: MainWindow, d: Desk, subject: str) -> str:
    """Create a ticket through the app (database thread, then the change notice); return its id."""
    got: list[str] = []
    it = d.queue("IT")
    window.ctx.write(
        lambda: window.ctx.tickets.create_ticket(NewTicket(subject=subject, queue_id=it)),
        lambda result: got.append(result.entity_id),
    )
    qtbot.waitUntil(lambda: bool(got), timeout=LONG)
    return got[0]


# -- connect ------------------------------------------------------------------------------------


def test_connect_dialog_signs_in_and_first_sync_fills_the_table(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    bob = desk(server, "bob")
    bob.sync()
    bob.new_ticket("Projector dead in room 4")
    bob.sync()
    alice = desk(server, "alice", connect=False)
    alice.set_up_standalone("Alice Agent")
    window = open_app(alice)
    sync_ui = window.sync_ui
    qtbot.waitUntil(lambda: sync_ui.controller.status is not None, timeout=LONG)
    assert _mode_text(window) == "● Standalone"
    assert sync_ui.connect_action.isVisible()
    _show_all_open(qtbot, window)
    assert "Projector dead in room 4" not in _subjects(window)

    sync_ui.open_connect()
    dialog = sync_ui.connect_dialog
    assert isinstance(dialog, ConnectDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, "not the password")
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=LONG)
    assert "Wrong user name or password" in dialog.error_label.text()
    assert read_status(alice.replica).mode == "standalone"  # nothing changed

    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.synced, timeout=LONG) as synced:
        dialog.connect_button.click()
    assert synced.args[0] is not None and synced.args[0].pulled_records > 0
    assert dialog.password_edit.text() == ""  # the password does not linger in the widget
    qtbot.waitUntil(lambda: "Projector dead in room 4" in _subjects(window), timeout=LONG)
    qtbot.waitUntil(lambda: _mode_text(window).startswith("● Online · synced"), timeout=LONG)
    assert not sync_ui.connect_action.isVisible()
    assert read_status(alice.replica).mode == "connected"


def test_connect_dialog_says_when_the_server_cannot_be_reached(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice", connect=False)
    alice.set_up_standalone("Alice Agent")
    window = open_app(alice)
    window.sync_ui.open_connect()
    dialog = window.sync_ui.connect_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.url_edit, "http://127.0.0.1:9")  # discard port: nothing listens
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=LONG)
    assert "Can't reach http://127.0.0.1:9" in dialog.error_label.text()
    assert dialog.connect_button.isEnabled()  # the person can fix the address and retry


# -- background sync ------------------------------------------------------------------------------


def test_a_local_edit_is_pushed_by_the_background_controller(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    window = open_app(alice)
    qtbot.waitUntil(lambda: window.sync_ui.controller.running, timeout=LONG)
    _wait_first_round(qtbot, window)
    rounds = window.sync_ui.controller.scheduler.rounds  # type: ignore[union-attr]

    _new_ticket(qtbot, window, alice, "Boiler pressure low")
    qtbot.waitUntil(lambda: "Boiler pressure low" in _server_ticket_subjects(server), timeout=LONG)
    qtbot.waitUntil(lambda: _pending(alice) == 0, timeout=LONG)
    qtbot.waitUntil(lambda: window.status.pending == 0, timeout=LONG)  # the status bar's count
    assert "All changes saved" in window.status.pending_label.text()
    scheduler = window.sync_ui.controller.scheduler
    assert scheduler is not None
    settled = scheduler.rounds
    assert settled > rounds
    # The controller's own "what changed" notice after the round must not start another round.
    qtbot.wait(1500)
    assert scheduler.rounds == settled


def test_offline_keeps_work_pending_and_drains_when_the_server_is_back(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    # A long backoff: once offline, only the network report brings the next round quickly.
    window = open_app(alice, backoff=Backoff(base=600.0, cap=600.0))
    controller = window.sync_ui.controller
    _wait_first_round(qtbot, window)

    port = server.thread.port
    server.thread.stop()
    _new_ticket(qtbot, window, alice, "Door sensor offline")
    qtbot.waitUntil(lambda: _mode_text(window) == "● Offline", timeout=LONG)
    # "Cannot reach" when a round connects after the stop; "connection failed" when the stop cut a
    # round (or the feed's long-poll) in flight. Either way the work is kept and said to be.
    tip = window.sync_ui.indicator.mode_button.toolTip()
    assert "Cannot reach the server" in tip or "The connection to the server failed" in tip, tip
    assert "Your work is kept" in tip, tip
    assert _pending(alice) == 1
    qtbot.waitUntil(lambda: window.status.pending == 1, timeout=LONG)

    server.thread = ServerThread(
        ServerSettings(database_url=str(server.db.engine.url), host="127.0.0.1", port=port), server.db
    ).start()
    # No "still pending" check here any more: the change-feed watcher asks for a round when
    # its long-poll fails (the server went away), and that round may land after the restart.
    controller.network.set_online(False)  # the system reports the network gone, then back
    controller.network.set_online(True)
    qtbot.waitUntil(lambda: _pending(alice) == 0, timeout=LONG)
    assert "Door sensor offline" in _server_ticket_subjects(server)
    qtbot.waitUntil(lambda: _mode_text(window).startswith("● Online"), timeout=LONG)


def test_a_revoked_token_asks_to_sign_in_again_and_signing_in_resumes(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    window = open_app(alice)
    sync_ui = window.sync_ui
    _wait_first_round(qtbot, window)

    token = load_token(alice.url, _keyring_account(alice), alice.replica.get_setting("sync.token_store"))
    assert token is not None
    with httpx.Client(base_url=server.url, headers=PROTO) as http:
        assert http.delete("/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code < 300
    _new_ticket(qtbot, window, alice, "Badge reader broken")
    qtbot.waitUntil(lambda: _mode_text(window) == "⚠ Sign in again", timeout=LONG)
    assert _pending(alice) == 1  # the work waits
    assert not sync_ui.sign_out_action.isEnabled()

    sync_ui.indicator.mode_button.click()
    dialog = sync_ui.connect_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.url_edit.isReadOnly() and dialog.url_edit.text() == alice.url
    assert dialog.user_edit.text() == "alice"
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.synced, timeout=LONG):
        dialog.connect_button.click()
    qtbot.waitUntil(lambda: _pending(alice) == 0, timeout=LONG)
    assert "Badge reader broken" in _server_ticket_subjects(server)
    qtbot.waitUntil(lambda: _mode_text(window).startswith("● Online"), timeout=LONG)


def test_the_unsynced_badge_shows_until_sync_now_sends_the_change(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    # Writes ask for a sync only after a minute here, so the badge can be seen before "Sync now".
    window = open_app(alice, write_debounce_ms=60_000)
    _wait_first_round(qtbot, window)
    _show_all_open(qtbot, window)

    ticket_id = _new_ticket(qtbot, window, alice, "Leaking radiator")
    model = window.tickets.model

    def badge() -> bool | None:
        row = model.row_of(ticket_id)
        return None if row is None else bool(model.index(row, 0).data(Role.PENDING))

    qtbot.waitUntil(lambda: badge() is True, timeout=LONG)
    window.open_ticket(ticket_id)
    pane = window.pane
    qtbot.waitUntil(lambda: "not yet synced" in pane.header.state_label.text(), timeout=LONG)

    window.run_action("sync_now")  # the palette's "Sync now"
    qtbot.waitUntil(lambda: badge() is False, timeout=LONG)
    qtbot.waitUntil(lambda: "not yet synced" not in pane.header.state_label.text(), timeout=LONG)
    assert "Leaking radiator" in _server_ticket_subjects(server)


# -- conflicts ------------------------------------------------------------------------------------


def _server_article_body(srv: ServerUnderTest, article_id: str) -> str:
    with srv.db.engine.connect() as c:
        return str(c.execute(text("SELECT body FROM articles WHERE id = :i"), {"i": article_id}).scalar_one())


def test_the_conflict_inbox_shows_an_article_edited_on_both_sides_and_resolves_it(
    qtbot: QtBot, qtmodeltester: Any, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    # Two people who may both edit the article (tokens are kept per server and user name).
    laptop = desk(server, "root")
    laptop.sync()
    base = "Step 1: unplug the reader.\nStep 2: wait ten seconds.\nStep 3: plug it back in.\n"
    article_id = laptop.articles.create("Reset a badge reader", base, category="Access").entity_id
    laptop.sync()
    kim = desk(server, "kim")
    kim.sync()
    window = open_app(kim)
    sync_ui = window.sync_ui
    _wait_first_round(qtbot, window)
    assert not sync_ui.indicator.inbox_button.isVisible()

    theirs = base.replace("plug it back in.", "plug it back in firmly.")
    mine = base.replace("Step 1: unplug the reader.", "Step 1: switch off and unplug the reader.")
    # Both edit the same base: kim's app must not pull the laptop's edit before kim writes, and
    # its change watcher would (the laptop's push wakes it). Hold kim's round lock until then.
    written: list[object] = []
    with round_lock(kim.path, CancelToken()):
        laptop.articles.edit(article_id, {"body": theirs})
        laptop.sync()
        window.ctx.write(lambda: window.ctx.articles.edit(article_id, {"body": mine}), written.append)
        qtbot.waitUntil(lambda: bool(written), timeout=LONG)
    qtbot.waitUntil(lambda: sync_ui.indicator.inbox_button.isVisible(), timeout=LONG)
    assert "1 conflict" in sync_ui.indicator.inbox_button.text()
    assert _server_article_body(server, article_id) == theirs  # the server kept its body

    sync_ui.indicator.inbox_button.click()
    inbox = sync_ui.inbox_dialog
    assert inbox is not None
    qtbot.waitUntil(lambda: inbox.conflict_model.rowCount() == 1, timeout=LONG)
    qtmodeltester.check(inbox.conflict_model)
    assert "Reset a badge reader" in inbox.title_label.text()
    assert inbox.merge_box.isVisible()
    assert "switch off" in inbox.mine_view.toPlainText() and "firmly" not in inbox.mine_view.toPlainText()
    assert "firmly" in inbox.theirs_view.toPlainText()
    # The three-way merge (from the revision both edited) combines edits of different lines.
    merged = inbox.merged_edit.toPlainText()
    assert merged == mine.replace("plug it back in.", "plug it back in firmly.")
    assert set(inbox.choice_buttons) == {"accept", "mine", "merge"}
    final = merged + "Step 4: test with your own badge.\n"
    inbox.merged_edit.setPlainText(final)

    with qtbot.waitSignal(inbox.resolved, timeout=LONG) as resolved:
        inbox.choice_buttons["merge"].click()
    assert resolved.args[1] == "merge"
    qtbot.waitUntil(lambda: _server_article_body(server, article_id) == final, timeout=LONG)
    qtbot.waitUntil(lambda: inbox.conflict_model.rowCount() == 0, timeout=LONG)
    assert inbox.empty_label.isVisible()
    qtbot.waitUntil(lambda: not sync_ui.indicator.inbox_button.isVisible(), timeout=LONG)
    laptop.sync()
    assert laptop.articles.detail(article_id).body == final  # the other replica converges


def test_notices_are_listed_and_dismissed(
    qtbot: QtBot, qtmodeltester: Any, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    bob = desk(server, "bob")
    bob.sync()
    ticket_id = bob.new_ticket("Fix the lift", assignee_id=None)
    bob.sync()
    window = open_app(alice)
    sync_ui = window.sync_ui
    _wait_first_round(qtbot, window)
    # An admin moves the ticket to a queue alice can't see: it leaves her scope.
    root = desk(server, "root")
    root.sync()
    root.tickets.update_ticket(ticket_id, {"queue_id": root.queue("Facilities")})
    root.sync()
    window.run_action("sync_now")
    qtbot.waitUntil(lambda: sync_ui.indicator.inbox_button.isVisible(), timeout=LONG)
    assert "1 notice" in sync_ui.indicator.inbox_button.text()

    window.run_action("sync_inbox")
    inbox = sync_ui.inbox_dialog
    assert inbox is not None
    qtbot.waitUntil(lambda: inbox.notice_model.rowCount() == 1, timeout=LONG)
    qtmodeltester.check(inbox.notice_model)
    assert "Fix the lift" in str(inbox.notice_model.index(0).data()) + inbox.notice_detail.text()
    inbox.tabs.setCurrentIndex(1)
    inbox.dismiss_button.click()
    qtbot.waitUntil(lambda: inbox.notice_model.rowCount() == 0, timeout=LONG)
    qtbot.waitUntil(lambda: not sync_ui.indicator.inbox_button.isVisible(), timeout=LONG)
    assert read_status(alice.replica).open_notices == 0


def test_without_a_keyring_the_dialog_says_the_sign_in_lasts_this_session_only(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = desk(server, "alice", connect=False)
    alice.set_up_standalone("Alice Agent")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    dialog = ConnectDialog(alice.replica)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_note.isVisible(), timeout=LONG)
    assert dialog.keyring_note.text() == NO_KEYRING_NOTE
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    try:
        with qtbot.waitSignal(dialog.synced, timeout=LONG):
            dialog.connect_button.click()
        assert "memory only" in dialog.keyring_note.text()
        status = read_status(alice.replica)
        assert status.token_storage == "memory" and status.signed_in
    finally:
        delete_token(server.url, _keyring_account(alice))


def test_sign_out_revokes_the_token_and_keeps_the_work(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice = desk(server, "alice")
    alice.sync()
    window = open_app(alice)
    _wait_first_round(qtbot, window)
    token = load_token(alice.url, _keyring_account(alice), alice.replica.get_setting("sync.token_store"))
    assert token is not None
    with qtbot.waitSignal(window.sync_ui.controller.signed_out, timeout=LONG):
        window.sync_ui.controller.sign_out()
    qtbot.waitUntil(lambda: _mode_text(window) == "⚠ Sign in again", timeout=LONG)
    store = alice.replica.get_setting("sync.token_store")
    assert load_token(alice.url, _keyring_account(alice), store) is None
    with httpx.Client(base_url=server.url, headers=PROTO) as http:  # revoked on the server too
        assert http.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert window.sync_ui.controller.scheduler is None
    _new_ticket(qtbot, window, alice, "Written while signed out")
    qtbot.waitUntil(lambda: window.status.pending == 1, timeout=LONG)
    assert _pending(alice) == 1


def test_closing_the_window_mid_round_stops_sync_within_a_bounded_time(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    proxy = FaultProxy(server.thread.port)
    try:
        alice = desk(server, "alice", url=proxy.url)
        alice.sync()
        for n in range(30):
            alice.new_ticket(f"Queued ticket {n}")
        proxy.hold.clear()  # the link stalls: no byte passes until the test releases it
        window = open_app(alice)
        controller = window.sync_ui.controller
        qtbot.waitUntil(lambda: controller.state.mode == "syncing", timeout=LONG)
        scheduler = controller.scheduler
        assert scheduler is not None
        thread = scheduler._thread
        assert thread is not None
        qtbot.waitUntil(lambda: proxy.stats["held"] > 0, timeout=LONG)  # the round is stuck on the link
        window.close()
        # close() came back while the round was still stuck in its network call: the UI
        # thread did not wait for the round (it can only have waited its bounded grace)
        assert thread.is_alive() and proxy.stats["held"] > 0
        assert controller.scheduler is None
        proxy.hold.set()
        qtbot.waitUntil(lambda: not thread.is_alive(), timeout=LONG)  # cancelled, it ends on its own
    finally:
        proxy.hold.set()
        proxy.close()
