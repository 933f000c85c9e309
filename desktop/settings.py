"""The desktop's own preferences (window layout, last view, theme): one typed object over QSettings.

Only presentation state lives here; everything about tickets lives in the replica. The
file is versioned (``settings_version``): a file written by a newer layout version is
ignored rather than misread, and a missing or unreadable value falls back to its default.

Tests construct ``AppSettings(path)`` with a file in ``tmp_path``; the app uses
:meth:`AppSettings.default`, an INI file in the platform's config location. UI thread only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["SETTINGS_VERSION", "THEME_CHOICES", "AppSettings"]

SETTINGS_VERSION = 1
THEME_CHOICES = ("system", "light", "dark")


class AppSettings:
    """Typed accessors; every setter writes through (QSettings batches the disk writes)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Outpost", "desktop")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        stored = self._int("settings_version", 0)
        if stored > SETTINGS_VERSION:
            # A newer Outpost wrote this layout: start from defaults, leave its file alone.
            aside = Path(self._qs.fileName()).with_suffix(f".v{SETTINGS_VERSION}.ini")
            self._qs = QSettings(str(aside), QSettings.Format.IniFormat)
        self._qs.setValue("settings_version", SETTINGS_VERSION)

    @classmethod
    def default(cls) -> AppSettings:
        return cls(None)

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    # -- window layout (opaque Qt blobs) ----------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_window_geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"window/splitter_{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/splitter_{name}", value)

    def table_header_state(self) -> QByteArray | None:
        return self._bytes("table/header")

    def set_table_header_state(self, value: QByteArray) -> None:
        self._qs.setValue("table/header", value)

    # -- list state ------------------------------------------------------------------------------
    def sort(self) -> tuple[str, bool]:
        """(sort key, descending); defaults to most recently updated first."""
        key = self._str("table/sort_key", "updated")
        return key, self._bool("table/sort_descending", True)

    def set_sort(self, key: str, descending: bool) -> None:
        self._qs.setValue("table/sort_key", key)
        self._qs.setValue("table/sort_descending", descending)

    def last_view(self) -> str:
        return self._str("table/last_view", "mine")

    def set_last_view(self, key: str) -> None:
        self._qs.setValue("table/last_view", key)

    def theme(self) -> str:
        value = self._str("appearance/theme", "system")
        return value if value in THEME_CHOICES else "system"

    def set_theme(self, value: str) -> None:
        if value not in THEME_CHOICES:
            raise ValueError(f"theme must be one of {THEME_CHOICES}")
        self._qs.setValue("appearance/theme", value)

    # -- typed reads -------------------------------------------------------------------------------
    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _str(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) and value else default

    def _int(self, key: str, default: int) -> int:
        try:
            return int(str(self._qs.value(key, default)))
        except ValueError:
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, str):  # INI files hand booleans back as text
            return value.lower() in ("true", "1", "yes")
        return bool(value)
