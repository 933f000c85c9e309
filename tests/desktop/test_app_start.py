"""Starting the app: arguments, which window a replica gets, the demo, startup failures, crash logs."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import app as app_module
from desktop.app import AppController, parse_args
from desktop.crash_log import CrashHandler
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import REPLICA_FILENAME


@pytest.fixture
def controller(qapp: QApplication, settings: AppSettings) -> Iterator[AppController]:
    theme = ThemeController(qapp, settings)
    ctl = AppController(settings, theme)
    yield ctl
    if ctl.welcome is not None:
        ctl.welcome.close()
    ctl.shutdown()


def test_parse_args_keeps_qt_arguments() -> None:
    args, rest = parse_args(["--data-dir", "/tmp/x", "-style", "fusion"])
    assert args.data_dir == "/tmp/x" and not args.demo and rest == ["-style", "fusion"]
    args, rest = parse_args(["--demo"])
    assert args.demo and args.data_dir is None and rest == []


def test_a_set_up_replica_opens_the_main_window(
    qtbot: QtBot, controller: AppController, data_dir: Path
) -> None:
    with qtbot.waitSignal(controller.main_ready, timeout=15_000):
        controller.start(data_dir)
    assert controller.window is not None and controller.window.isVisible()
    assert controller.welcome is None
    assert controller.logs_dir == data_dir / "logs"


def test_first_run_shows_welcome_then_main_window(
    qtbot: QtBot, controller: AppController, tmp_path: Path
) -> None:
    controller.start(tmp_path / "new")
    qtbot.waitUntil(lambda: controller.welcome is not None and controller.ctx is not None, timeout=10_000)
    welcome = controller.welcome
    assert welcome is not None and welcome.stack.currentWidget() is welcome.choices
    welcome.show_form()
    qtbot.keyClicks(welcome.name_edit, "Dana Field")
    with qtbot.waitSignal(controller.main_ready, timeout=15_000):
        welcome.start_button.click()
    assert controller.window is not None and controller.welcome is None


def test_demo_is_built_off_the_ui_thread_then_opened(
    qtbot: QtBot, qapp: QApplication, settings: AppSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_dir = tmp_path / "demo"
    monkeypatch.setattr(app_module, "demo_data_dir", lambda: demo_dir)
    built: list[str] = []

    def small_demo(target: Path) -> None:
        built.append(threading.current_thread().name)
        build_demo_replica(target, DemoSpec(tickets=60, articles=4), replace=True)

    ctl = AppController(settings, ThemeController(qapp, settings), demo_builder=small_demo)
    try:
        with qtbot.waitSignal(ctl.main_ready, timeout=60_000):
            ctl.start(tmp_path / "ignored", demo=True)
            assert ctl.welcome is not None and ctl.welcome.busy_label.text() == "Preparing the demo…"
        assert built and built[0] != "MainThread"
        assert (demo_dir / REPLICA_FILENAME).exists()
        assert ctl.window is not None and ctl.window.tickets.model.total >= 0
        ctl.close_replica()
        # A second start finds the demo ready and does not rebuild it.
        with qtbot.waitSignal(ctl.main_ready, timeout=15_000):
            ctl.start(tmp_path / "ignored", demo=True)
        assert len(built) == 1
    finally:
        ctl.shutdown()


def test_missing_demo_builder_is_a_clear_message(
    qtbot: QtBot, controller: AppController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "demo_data_dir", lambda: tmp_path / "demo")
    monkeypatch.setitem(sys.modules, "sync.demo.generator", None)  # makes the import fail
    controller.start(tmp_path, demo=True)
    welcome = controller.welcome
    assert welcome is not None
    qtbot.waitUntil(lambda: welcome.quit_button.isVisible(), timeout=10_000)
    assert welcome.busy_label.text() == "The demo isn't available"
    assert "not part of this installation" in welcome.busy_detail.text()


def test_an_unreadable_replica_is_explained(qtbot: QtBot, controller: AppController, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / REPLICA_FILENAME).write_bytes(b"this is not sqlite at all" * 10)
    controller.start(bad)
    qtbot.waitUntil(lambda: controller.welcome is not None and controller.welcome.quit_button.isVisible())
    assert controller.welcome is not None
    assert controller.welcome.busy_label.text() == "The local data file is damaged"


def test_crash_hook_writes_a_log_and_shows_a_friendly_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    handler = CrashHandler(lambda: tmp_path / "logs")
    try:
        raise RuntimeError("kaboom in a slot")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert logs == [handler.last_log]
    text = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError: kaboom in a slot" in text and "Traceback" in text and "PySide6" in text
    dialog = handler.last_dialog
    assert dialog is not None and dialog.isVisible()
    assert str(logs[0]) in dialog.informativeText()
    assert "kaboom" not in dialog.informativeText()  # no traceback or internals in the UI
    dialog.close()


def test_crash_hook_falls_back_when_the_data_dir_is_unusable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    handler = CrashHandler(lambda: blocker / "logs", show_dialog=False)
    handler(ValueError, ValueError("x"), None)
    assert handler.last_log is not None and handler.last_log.exists()
    handler.last_log.unlink()
