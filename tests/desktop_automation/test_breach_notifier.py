"""Notifications for my tickets about to breach: raised once per deadline, never for others'."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.automation.breach_notifier import BreachNotifier, alert_message
from sync.services.ticket_service import NewTicket
from tests.desktop_work.conftest import WaitIdle


def test_an_about_to_breach_ticket_of_mine_raises_one_notice_in_the_status_bar(
    qtbot: QtBot, ctx: AppContext, it_queue: str, wait_idle: WaitIdle
) -> None:
    from PySide6.QtWidgets import QStatusBar

    me = ctx.replica.current_user_id
    bob = ctx.directory.add_requester("Bob Other", email="bob@example.org").entity_id
    calm = ctx.tickets.create_ticket(NewTicket("Wallpaper request", it_queue, assignee_id=me)).entity_id
    mine = ctx.tickets.create_ticket(
        NewTicket("Core switch down", it_queue, impact=1, urgency=1, assignee_id=me)
    ).entity_id
    ctx.tickets.create_ticket(
        NewTicket("Someone else's outage", it_queue, impact=1, urgency=1, requester_id=bob)
    )
    status_bar = QStatusBar()
    qtbot.addWidget(status_bar)
    notifier = BreachNotifier(ctx, status_bar, make_tray=False)
    with qtbot.waitSignal(notifier.notified, timeout=5000) as blocker:
        notifier.start()
    [alert] = blocker.args[0]
    assert alert.ticket_id == mine and not alert.overdue and 0 < alert.seconds_left <= 15 * 60
    number = ctx.queries.detail(mine).display_number
    assert status_bar.currentMessage().startswith(f"⚠ {number} is due in 1")
    assert calm not in [a.ticket_id for a in blocker.args[0]]
    # The same deadline is not announced twice.
    with qtbot.assertNotEmitted(notifier.notified, wait=300):
        notifier.check_now()
        wait_idle()
    notifier.stop()


def test_a_change_that_makes_a_ticket_mine_is_noticed_without_waiting_for_the_timer(
    qtbot: QtBot, ctx: AppContext, it_queue: str
) -> None:
    me = ctx.replica.current_user_id
    tid = ctx.tickets.create_ticket(NewTicket("Lab offline", it_queue, impact=1, urgency=1)).entity_id
    notifier = BreachNotifier(ctx, None, make_tray=False)
    notifier.start()
    tickets = ctx.tickets
    with qtbot.waitSignal(notifier.notified, timeout=5000) as blocker:
        ctx.write(lambda: tickets.assign(tid, me))
    assert [a.ticket_id for a in blocker.args[0]] == [tid]
    notifier.stop()


def test_the_message_for_several_tickets_says_how_many_are_overdue() -> None:
    from datetime import UTC, datetime

    from sync.services.sla_service import BreachAlert

    due = datetime(2026, 3, 2, 10, tzinfo=UTC)
    alerts = [
        BreachAlert("a", "#1", "Mail down", due, -600, True, "a@1"),
        BreachAlert("b", "L2", "Printer", due, 1800, False, "b@1"),
    ]
    assert alert_message(alerts) == (
        "2 of your tickets need attention",
        "1 overdue\n#1 Mail down\nL2 Printer",
    )
    assert alert_message(alerts[:1]) == ("#1 is 10 min overdue", "Mail down")
