"""The first sync shows "Your tickets first…" and the views refresh before the rest arrives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop_sync.support_app import LONG, OpenApp
from pytestqt.qtbot import QtBot
from server.server_harness import PASSWORD, ServerUnderTest
from sync_engine.support_sync import Desk, ensure_user

from desktop.sync_ui.connect_dialog import ConnectDialog
from desktop.sync_ui.sync_controller import describe_progress
from desktop.ticket_table import Col, ListQuery
from sync.engine.progress import SyncProgress
from sync.services.changes import ChangeSet


def test_describe_progress_uses_the_engines_words_for_own_tickets() -> None:
    assert describe_progress(SyncProgress("mine", 0, None, "Your tickets first…")) == "Your tickets first…"
    assert describe_progress(SyncProgress("mine", 0, None, "")) == "Your tickets first…"


def test_first_sync_announces_own_tickets_before_the_round_ends(
    qtbot: QtBot, server: ServerUnderTest, desk: Callable[..., Desk], open_app: OpenApp
) -> None:
    ensure_user(server, "alice")
    bob = desk(server, "bob")
    bob.sync()
    bob.new_ticket("Bob's own")
    bob.new_ticket("Laptop for Alice", assignee_id=bob.person("alice"))
    bob.sync()
    alice = desk(server, "alice", connect=False)
    alice.set_up_standalone("Alice Agent")
    window = open_app(alice)
    sync_ui = window.sync_ui
    qtbot.waitUntil(lambda: sync_ui.controller.status is not None, timeout=LONG)
    events: list[tuple[str, Any]] = []
    window.ctx.hub.changed.connect(lambda c: events.append(("changed", c)))

    sync_ui.open_connect()
    dialog = sync_ui.connect_dialog
    assert isinstance(dialog, ConnectDialog)
    dialog._first_progress.connect(lambda p: events.append(("label", dialog.status_label.text())))
    dialog.synced.connect(lambda r: events.append(("synced", r)))
    qtbot.keyClicks(dialog.url_edit, server.url)
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(dialog.synced, timeout=LONG):
        dialog.connect_button.click()
    labels = [value for kind, value in events if kind == "label"]
    assert "Your tickets first…" in labels
    assert any(text.startswith("Your 1 open ticket arrived") for text in labels)
    kinds = [kind for kind, _ in events]
    first_change = kinds.index("changed")
    assert first_change < kinds.index("synced")  # announced while the round was still running
    assert events[first_change][1] == ChangeSet(everything=True, journal=True)

    model = window.tickets.model
    with qtbot.waitSignal(model.query_applied, timeout=LONG):
        model.set_query(ListQuery(view_key="mine"))
    subjects = {str(model.index(r, Col.SUBJECT).data()) for r in range(model.rowCount())}
    assert subjects == {"Laptop for Alice"}
