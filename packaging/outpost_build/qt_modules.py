"""What goes into the bundle and what stays out: Qt modules, Qt files, server and dev packages.

The Qt modules kept are the ones ``desktop/`` imports (found by scanning its source, so a new
``from PySide6.QtCharts import ...`` is picked up by the next build without editing this
file) plus :data:`ALWAYS_KEPT_QT`. Every other PySide6 module installed in the build venv is
excluded. :data:`QT_DROP_PATTERNS` removes Qt files that PyInstaller's hooks collect for the
kept modules but that Outpost never loads (e.g. the PDF image-format plugin, which drags in
the whole QtPdf library); the smoke test's ``ldd`` check proves nothing kept needs them.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "ALWAYS_KEPT_QT",
    "DEV_EXCLUDES",
    "QT_DROP_PATTERNS",
    "SERVER_EXCLUDES",
    "installed_qt_modules",
    "qt_exclusions",
    "qt_modules_used",
]

#: Kept even if no ``import`` names them: the three every widget app needs, and QtSvg, whose
#: library the SVG icon plugins (``imageformats/qsvg``, ``iconengines/qsvgicon``) load to draw
#: ``resources/icons/*.svg``.
ALWAYS_KEPT_QT = frozenset({"QtCore", "QtGui", "QtWidgets", "QtSvg"})

#: The server extra and ``sync.server``: a technician's laptop never runs them.
SERVER_EXCLUDES = (
    "sync.server",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "psycopg_binary",
    "psycopg_pool",
    "alembic",
    "argon2",
    "_argon2_cffi_bindings",
    "httptools",
    "uvloop",
    "watchfiles",
    "websockets",
)

#: Test and build tools that live in the same venv; nothing in the app imports them.
DEV_EXCLUDES = (
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "importlinter",
    "keyrings.alt",
    "tkinter",
    "_tkinter",
    "PyInstaller",
    "IPython",
    # httpx's optional command line (`httpx._main`, imported in a try/except) is all that pulls click in.
    "click",
)

#: Bundle-relative paths (``fnmatch``, ``/`` separators) of collected Qt files Outpost never uses.
QT_DROP_PATTERNS = (
    # PDF/raster formats only QtPdf or designers use; qpdf links the 10 MB QtPdf library.
    "PySide6/Qt/plugins/imageformats/*qpdf*",
    "PySide6/Qt/lib/*Qt6Pdf*",
    "PySide6/Qt6Pdf*",
    # QML/Quick (Outpost is widgets-only) and anything that pulls them back in.
    "PySide6/Qt/lib/*Qt6Qml*",
    "PySide6/Qt/lib/*Qt6Quick*",
    "PySide6/Qt6Qml*",
    "PySide6/Qt6Quick*",
    "PySide6/Qt/qml/*",
    "PySide6/Qt/plugins/qmltooling/*",
    # Virtual keyboard / EGL device integrations for embedded boards, not desktops.
    "PySide6/Qt/plugins/platforminputcontexts/*qtvirtualkeyboard*",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/platforms/*qeglfs*",
    "PySide6/Qt/plugins/platforms/*qlinuxfb*",
    "PySide6/Qt/plugins/platforms/*qvnc*",
    "PySide6/Qt/plugins/platforms/*qvkkhrdisplay*",
    "PySide6/Qt/lib/*Qt6EglFs*",
    "PySide6/Qt/lib/*Qt6EglFS*",
    "PySide6/Qt/lib/*Qt6VirtualKeyboard*",
    # Translations of modules that are not in the bundle (qtbase_*.qm stays: dialogs, shortcuts).
    "PySide6/Qt/translations/qtwebengine*",
    "PySide6/Qt/translations/qtdeclarative*",
    "PySide6/Qt/translations/qtmultimedia*",
    "PySide6/Qt/translations/qtconnectivity*",
    "PySide6/Qt/translations/qtlocation*",
    "PySide6/Qt/translations/qtserialport*",
    "PySide6/Qt/translations/qtwebsockets*",
    "PySide6/Qt/translations/designer*",
    "PySide6/Qt/translations/linguist*",
    "PySide6/Qt/translations/assistant*",
    "PySide6/Qt/translations/qt_help*",
)

_QT_REFERENCE = re.compile(r"\bPySide6\.(Qt\w+)")
_FROM_PYSIDE6 = re.compile(r"from\s+PySide6\s+import\s+\(?([\w\s,]+)")


def qt_modules_used(source_dirs: Iterable[Path]) -> set[str]:
    """Names (``"QtWidgets"``) of the PySide6 modules any ``*.py`` under ``source_dirs`` refers to.

    Counts ``import PySide6.QtX``, ``from PySide6.QtX import ...`` and
    ``from PySide6 import QtX``; a module named only in a string (``__import__``) is missed,
    so name it in :data:`ALWAYS_KEPT_QT` instead.
    """
    used: set[str] = set()
    for directory in source_dirs:
        for path in directory.rglob("*.py"):
            text = path.read_text(encoding="utf-8", errors="replace")
            used.update(_QT_REFERENCE.findall(text))
            for names in _FROM_PYSIDE6.findall(text):
                firsts = (part.split()[0] for part in names.split(",") if part.split())
                used.update(name for name in firsts if name.startswith("Qt"))
    return used


def installed_qt_modules() -> set[str]:
    """The ``PySide6.QtX`` extension modules in the Python running the build (empty without PySide6)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return set()
    found: set[str] = set()
    for location in spec.submodule_search_locations:
        for path in Path(location).iterdir():
            if path.name.startswith("Qt") and path.suffix in (".so", ".pyd", ".pyi") and "." in path.name:
                found.add(path.name.split(".")[0])
    return found


def qt_exclusions(installed: set[str], used: set[str]) -> tuple[list[str], list[str]]:
    """``(kept, excluded)`` module names: kept = ``used`` + :data:`ALWAYS_KEPT_QT`, excluded = the rest.

    Both lists are sorted and hold short names (``"QtCharts"``); a used module that is not
    installed is still listed as kept, so the build fails at PyInstaller's import instead of
    silently shipping without it.
    """
    kept = sorted(used | ALWAYS_KEPT_QT)
    excluded = sorted(installed - set(kept))
    return kept, excluded
