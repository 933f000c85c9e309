"""A colleague's change appears in the open app by itself: the change feed wakes the app's
sync, and the ticket table and the open ticket pane update in place.

The app's timer interval is an hour (``open_app``), so nothing but the feed can bring the
change; the waits are generous bounds for a loaded machine, not timings.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_sync.support_app import LONG, OpenApp
from pytestqt.qtbot import QtBot
from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from desktop.main_window import MainWindow
from desktop.ticket_table import Col, ListQuery

MakeDesk = Callable[..., Desk]


def _subjects(window: MainWindow) -> set[str]:
    model = window.tickets.model
    return {str(model.index(r, Col.SUBJECT).data()) for r in range(model.rowCount())}


def test_a_colleagues_change_appears_in_the_table_and_the_open_pane_without_polling(
    qtbot: QtBot, server: ServerUnderTest, desk: MakeDesk, open_app: OpenApp
) -> None:
    alice, bob = desk(server, "alice"), desk(server, "bob")
    bob.sync()
    first = bob.new_ticket("Projector flickers")
    bob.sync()
    alice.sync()
    window = open_app(alice)
    controller = window.sync_ui.controller
    qtbot.waitUntil(
        lambda: controller.scheduler is not None and controller.scheduler.successes >= 1, timeout=LONG
    )
    with qtbot.waitSignal(window.tickets.model.query_applied, timeout=LONG):
        window.tickets.model.set_query(ListQuery(view_key="all_open"))
    window.open_ticket(first)
    pane = window.pane
    qtbot.waitUntil(lambda: pane.header.subject_label.text() == "Projector flickers", timeout=LONG)
    qtbot.waitUntil(lambda: server.db.board.waiting >= 1, timeout=LONG)  # the app waits on the feed

    bob.new_ticket("Door badge reader dead")
    bob.work.note(first, "Replaced the lamp, please check")
    bob.sync()

    qtbot.waitUntil(lambda: "Door badge reader dead" in _subjects(window), timeout=LONG)
    qtbot.waitUntil(lambda: "Replaced the lamp" in pane.conversation.toPlainText(), timeout=LONG)
    assert pane.ticket_id == first  # updated in place, still the ticket she had open
    assert controller.scheduler is not None and controller.scheduler.interval == 3600.0
