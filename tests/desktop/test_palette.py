"""The command palette on its own: model, filtering fixed entries, ticket lookup by words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.app_context import AppContext
from desktop.command_palette import CommandPalette, PaletteEntry

FIXED = [
    PaletteEntry("action", "new_ticket", "New ticket", "Ctrl+N"),
    PaletteEntry("action", "toggle_theme", "Toggle light / dark theme"),
    PaletteEntry("view", "unassigned", "Unassigned", "12"),
]


def test_model_and_fixed_entries(qtbot: QtBot, ctx: AppContext, qtmodeltester: Any) -> None:
    palette = CommandPalette(ctx)
    qtbot.addWidget(palette)
    palette.set_fixed_entries(FIXED)
    qtmodeltester.check(palette.model)
    palette.popup()
    assert palette.model.rowCount() == 3
    qtbot.keyClicks(palette.edit, "theme")
    assert [palette.model.entry(r).key for r in range(palette.model.rowCount())] == ["toggle_theme"]  # type: ignore[union-attr]
    with qtbot.waitSignal(palette.action_chosen) as chosen:
        qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert chosen.args == ["toggle_theme"]


def test_ticket_lookup_by_subject_words(qtbot: QtBot, ctx: AppContext, qtmodeltester: Any) -> None:
    palette = CommandPalette(ctx)
    qtbot.addWidget(palette)
    palette.set_fixed_entries(FIXED)
    palette.popup()
    qtbot.keyClicks(palette.edit, "projector")
    qtbot.waitUntil(lambda: palette.model.rowCount() > 0 and palette.model.entry(0).kind == "ticket")  # type: ignore[union-attr]
    qtmodeltester.check(palette.model)
    titles = [palette.model.entry(r).title for r in range(palette.model.rowCount())]  # type: ignore[union-attr]
    assert len(titles) == 8 and all("Projector" in t for t in titles)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    second = palette.model.entry(1)
    assert second is not None
    with qtbot.waitSignal(palette.ticket_chosen) as chosen:
        qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert chosen.args == [second.key]
    assert not palette.isVisible()
