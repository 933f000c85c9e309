"""Encryption in the app: chosen on the welcome form, asked for at start, switched from the palette."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from support.encrypted_replica import raw_bytes_of

from desktop import encryption_ui
from desktop import welcome_screen as welcome_module
from desktop.app import AppController
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.replica import encryption
from sync.replica.encryption import create_encryption, forget_key, write_info
from sync.replica.replica import open_replica
from sync.services.standalone_setup import set_up_standalone


@pytest.fixture
def controller(qapp: QApplication, settings: AppSettings) -> Iterator[AppController]:
    ctl = AppController(settings, ThemeController(qapp, settings))
    yield ctl
    if ctl.welcome is not None:
        ctl.welcome.close()
    ctl.shutdown()


def test_encryption_chosen_on_the_welcome_form(
    qtbot: QtBot, controller: AppController, tmp_path: Path
) -> None:
    data_dir = tmp_path / "new"
    controller.start(data_dir)
    qtbot.waitUntil(lambda: controller.welcome is not None and controller.ctx is not None, timeout=10_000)
    welcome = controller.welcome
    assert welcome is not None
    welcome.show_form()
    qtbot.keyClicks(welcome.name_edit, "Quentin Zebedee")
    welcome.encrypt_box.setChecked(True)
    welcome.start_button.click()
    qtbot.waitUntil(lambda: controller.window is not None or welcome.quit_button.isVisible(), timeout=30_000)
    assert controller.window is not None, welcome.busy_detail.text()
    assert controller.ctx is not None and controller.ctx.replica.encrypted
    assert controller.ctx.replica.current_user_id is not None
    controller.close_replica()
    assert (data_dir / "encryption.json").exists()
    assert b"Zebedee" not in raw_bytes_of(data_dir)


def test_without_a_keyring_the_welcome_form_asks_for_a_passphrase(
    qtbot: QtBot, controller: AppController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encryption, "SCRYPT_N", 2**10)
    monkeypatch.setattr(welcome_module, "needs_passphrase", lambda: True)
    data_dir = tmp_path / "new"
    controller.start(data_dir)
    qtbot.waitUntil(lambda: controller.welcome is not None and controller.ctx is not None, timeout=10_000)
    welcome = controller.welcome
    assert welcome is not None
    welcome.show_form()
    qtbot.keyClicks(welcome.name_edit, "Quentin Zebedee")
    welcome.encrypt_box.setChecked(True)
    welcome.start_button.click()
    dialog = welcome.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.first, "plant room 42")
    qtbot.keyClicks(dialog.second, "plant room 42")
    with qtbot.waitSignal(controller.main_ready, timeout=30_000):
        dialog.accept()
    info = encryption.read_info(data_dir)
    assert info is not None and info.protection == "passphrase"


def test_a_passphrase_is_asked_for_at_start_and_a_wrong_one_is_explained(
    qtbot: QtBot, controller: AppController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encryption, "SCRYPT_N", 2**10)
    data_dir = tmp_path / "locked"
    data_dir.mkdir()
    info, _keys = create_encryption("boiler room key")
    write_info(data_dir, info)
    replica = open_replica(data_dir)
    set_up_standalone(replica, name="Ana Admin", username="ana")
    replica.close()
    forget_key(info.key_id, keyring_too=False)  # as after a restart

    controller.start(data_dir)
    qtbot.waitUntil(lambda: controller.passphrase_dialog is not None, timeout=10_000)
    dialog = controller.passphrase_dialog
    assert dialog is not None and isinstance(dialog, encryption_ui.PassphraseDialog)
    qtbot.keyClicks(dialog.edit, "wrong guess")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "not the one" in dialog.error.text() and controller.window is None
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, "boiler room key")
    with qtbot.waitSignal(controller.main_ready, timeout=30_000):
        dialog.buttons.accepted.emit()
    assert controller.ctx is not None and controller.ctx.replica.encrypted


def test_the_palette_action_encrypts_then_decrypts_the_open_replica(
    qtbot: QtBot, controller: AppController, data_dir: Path
) -> None:
    with qtbot.waitSignal(controller.main_ready, timeout=15_000):
        controller.start(data_dir)
    assert controller.window is not None and controller.ctx is not None
    assert not controller.ctx.replica.encrypted
    with qtbot.waitSignal(controller.main_ready, timeout=60_000):
        controller.window.run_action("encryption")
    assert controller.ctx is not None and controller.ctx.replica.encrypted
    assert controller.window is not None
    with qtbot.waitSignal(controller.main_ready, timeout=60_000):
        controller.window.run_action("encryption")
    assert controller.ctx is not None and not controller.ctx.replica.encrypted
