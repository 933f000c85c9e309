"""The first-run screen: standalone setup on the database thread, demo request, server option."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.welcome_screen import SERVER_TOOLTIP, WelcomeScreen, suggest_username
from sync.services.directory import Directory
from sync.services.standalone_setup import set_up_standalone


def test_suggested_username() -> None:
    assert suggest_username("Ana María López") == "ana.lopez"
    assert suggest_username("  Bob  ") == "bob"
    assert suggest_username("") == ""


def test_choices_and_server_option(qtbot: QtBot, empty_ctx: AppContext) -> None:
    screen = WelcomeScreen(empty_ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.stack.currentWidget() is screen.choices
    assert screen.standalone_button.isEnabled() and screen.demo_button.isEnabled()
    assert screen.server_button.isEnabled()
    assert screen.server_button.toolTip() == SERVER_TOOLTIP
    with qtbot.waitSignal(screen.demo_requested):
        screen.demo_button.click()


def test_standalone_setup_creates_the_first_agent(qtbot: QtBot, empty_ctx: AppContext) -> None:
    screen = WelcomeScreen(empty_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.standalone_button.click()
    assert screen.stack.currentWidget() is screen.form
    assert not screen.start_button.isEnabled()
    qtbot.keyClicks(screen.name_edit, "Dana Field")
    assert screen.username_edit.text() == "dana.field"
    with qtbot.waitSignal(screen.standalone_ready, timeout=10_000) as blocker:
        screen.start_button.click()
    person_id = blocker.args[0]
    assert empty_ctx.replica.current_user_id == person_id
    assert empty_ctx.replica.mode == "standalone"
    assert [q.name for q in Directory(empty_ctx.replica).queues()] == ["Facilities", "HR", "IT"]


def test_a_refused_setup_shows_the_reason_inline(qtbot: QtBot, empty_ctx: AppContext) -> None:
    set_up_standalone(empty_ctx.replica, name="Someone Else", username="else")
    screen = WelcomeScreen(empty_ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_form()
    qtbot.keyClicks(screen.name_edit, "Dana Field")
    screen.start_button.click()
    qtbot.waitUntil(lambda: screen.form_error.isVisible(), timeout=10_000)
    assert "already set up" in screen.form_error.text()
    assert screen.start_button.isEnabled()


def test_busy_and_failure_pages(qtbot: QtBot) -> None:
    screen = WelcomeScreen(None)
    qtbot.addWidget(screen)
    screen.show()
    assert not screen.standalone_button.isEnabled()
    screen.show_busy("Preparing the demo…")
    assert screen.busy_bar.isVisible() and screen.busy_label.text() == "Preparing the demo…"
    screen.show_failure(ValueError("boom"))
    assert screen.quit_button.isVisible() and not screen.busy_bar.isVisible()
    assert "Traceback" not in screen.busy_detail.text()
