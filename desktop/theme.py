"""Light and dark appearance: follows the system colour scheme, with a manual override.

The app always uses the Fusion style with an explicit palette, so it looks the same on
every platform and in screenshots. ``ThemeController`` listens to
``QStyleHints.colorSchemeChanged`` while the choice is "system". Widgets that paint their
own colours (priority chips, overdue dates) ask :func:`colors` at paint time, so a theme
switch repaints correctly without them keeping state. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.settings import AppSettings

__all__ = ["ThemeColors", "ThemeController", "colors", "is_dark"]


@dataclass(frozen=True)
class ThemeColors:
    overdue: QColor
    provisional: QColor
    pending_marker: QColor
    error_text: QColor
    note_text: QColor
    muted_text: QColor
    priority_chips: tuple[QColor, QColor, QColor, QColor]  # P1..P4 backgrounds
    chip_text: QColor


_LIGHT = ThemeColors(
    overdue=QColor("#c62828"),
    provisional=QColor("#8a5a00"),
    pending_marker=QColor("#1565c0"),
    error_text=QColor("#b71c1c"),
    note_text=QColor("#7a5b00"),
    muted_text=QColor("#5f6368"),
    priority_chips=(QColor("#d32f2f"), QColor("#ef6c00"), QColor("#1e88e5"), QColor("#78909c")),
    chip_text=QColor("#ffffff"),
)
_DARK = ThemeColors(
    overdue=QColor("#ff6b6b"),
    provisional=QColor("#e0b050"),
    pending_marker=QColor("#64b5f6"),
    error_text=QColor("#ff8a80"),
    note_text=QColor("#ffd166"),
    muted_text=QColor("#a0a4a8"),
    priority_chips=(QColor("#e53935"), QColor("#f57c00"), QColor("#1e88e5"), QColor("#607d8b")),
    chip_text=QColor("#ffffff"),
)


def is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colors() -> ThemeColors:
    return _DARK if is_dark() else _LIGHT


def _light_palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, c in (
        (role.Window, "#f3f4f6"),
        (role.WindowText, "#1f2328"),
        (role.Base, "#ffffff"),
        (role.AlternateBase, "#f6f8fa"),
        (role.Text, "#1f2328"),
        (role.Button, "#eceef1"),
        (role.ButtonText, "#1f2328"),
        (role.Highlight, "#2f6feb"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#ffffff"),
        (role.ToolTipText, "#1f2328"),
        (role.PlaceholderText, "#6e7781"),
        (role.Link, "#0969da"),
        (role.Mid, "#c8ccd1"),
        (role.Midlight, "#e4e6ea"),
        (role.Dark, "#a0a6ad"),
        (role.Shadow, "#8c959f"),
        (role.Light, "#ffffff"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#8c959f"))
    return p


def _dark_palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, c in (
        (role.Window, "#202326"),
        (role.WindowText, "#e6e7e8"),
        (role.Base, "#17191b"),
        (role.AlternateBase, "#1d2023"),
        (role.Text, "#e6e7e8"),
        (role.Button, "#2b2f33"),
        (role.ButtonText, "#e6e7e8"),
        (role.Highlight, "#3d6fd8"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#2b2f33"),
        (role.ToolTipText, "#e6e7e8"),
        (role.PlaceholderText, "#8b9096"),
        (role.Link, "#6cb6ff"),
        (role.Mid, "#3a3f44"),
        (role.Midlight, "#33373b"),
        (role.Dark, "#111315"),
        (role.Shadow, "#000000"),
        (role.Light, "#3d4247"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#6b7075"))
    return p


class ThemeController(QObject):
    """Applies the chosen scheme to the whole application; ``changed(dark)`` after each switch."""

    changed = Signal(bool)

    def __init__(self, app: QApplication, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._settings = settings
        app.setStyle("Fusion")
        app.styleHints().colorSchemeChanged.connect(self._on_system_change)

    @property
    def choice(self) -> str:
        """'system', 'light' or 'dark'."""
        return self._settings.theme()

    def system_is_dark(self) -> bool:
        return self._app.styleHints().colorScheme() == Qt.ColorScheme.Dark

    def effective_dark(self) -> bool:
        choice = self.choice
        return self.system_is_dark() if choice == "system" else choice == "dark"

    def apply(self) -> None:
        dark = self.effective_dark()
        self._app.setPalette(_dark_palette() if dark else _light_palette())
        self.changed.emit(dark)

    def set_choice(self, choice: str) -> None:
        self._settings.set_theme(choice)
        self.apply()

    def toggle(self) -> str:
        """Switch to the opposite of what is shown now (a manual override); returns the new choice."""
        choice = "light" if self.effective_dark() else "dark"
        self.set_choice(choice)
        return choice

    def _on_system_change(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.apply()
