"""The command palette finds assets and locations and opens their pages, by keyboard, in the
real main window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.main_window import MainWindow
from desktop.settings import AppSettings
from desktop.theme import ThemeController
from sync.services.asset_service import AssetService


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, settings: AppSettings) -> Iterator[MainWindow]:
    theme = ThemeController(QApplication.instance(), settings)  # type: ignore[arg-type]
    win = MainWindow(ctx, settings, theme)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.tickets.model.query_applied, timeout=10_000):
        win.show()
    yield win
    win.close()


def _entries(window: MainWindow) -> list[tuple[str, str]]:
    model = window.palette_dialog.model
    return [(e.key, e.title) for r in range(model.rowCount()) if (e := model.entry(r)) is not None]


def test_the_palette_opens_an_asset_page_by_serial_and_a_location_page_by_name(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    svc = AssetService(ctx.replica)
    site = svc.create_location("Fernley Pavilion", kind="site").entity_id
    room = svc.create_location("Plant room B", parent_id=site, kind="room").entity_id
    boiler = svc.create_asset("FAC-0042", "Boiler 2", serial="IE-88213", location_id=room).entity_id
    palette = window.palette_dialog

    window.palette_action.trigger()
    assert palette.isVisible()
    qtbot.keyClicks(palette.edit, "IE-8821")  # the boiler's serial
    qtbot.waitUntil(lambda: (f"asset:{boiler}", "Asset FAC-0042 · Boiler 2") in _entries(window))
    while palette.model.entry(max(palette.list.currentIndex().row(), 0)).key != f"asset:{boiler}":  # type: ignore[union-attr]
        qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert not palette.isVisible()
    page = window.assets_ui.asset_page
    assert page is not None
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.id == boiler)
    assert window.stack.currentWidget() is page and page.isVisible()
    assert "Plant room B" in page.browser.toPlainText() and "IE-88213" in page.browser.toPlainText()

    window.palette_action.trigger()
    qtbot.keyClicks(palette.edit, "plant room")
    qtbot.waitUntil(lambda: any(k == f"location:{room}" for k, _t in _entries(window)))
    while palette.model.entry(max(palette.list.currentIndex().row(), 0)).key != f"location:{room}":  # type: ignore[union-attr]
        qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    location = window.assets_ui.location_page
    assert location is not None
    qtbot.waitUntil(lambda: location.detail is not None and location.detail.id == room)
    assert window.stack.currentWidget() is location
    assert "FAC-0042" in location.browser.toPlainText()
