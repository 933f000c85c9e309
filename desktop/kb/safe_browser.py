"""A ``QTextBrowser`` for text other people wrote: articles and ticket conversations.

What it guarantees, whatever HTML it is given:

* a click never navigates by itself (``setOpenLinks(False)``); :meth:`SafeTextBrowser._link_clicked`
  decides: ``outpost:article/<id>`` and ``outpost:ticket/<ref>`` become signals the app
  handles internally; ``http``/``https``/``mailto`` open in the system's program only after
  the person confirmed (``confirm_external``); every other scheme (``javascript:``,
  ``data:``, ``file:`` ...) is ignored;
* nothing is fetched from the network: :meth:`loadResource` serves local files only
  (images from the attachment store) and refuses every other URL.

``confirm_external`` and ``open_external`` are attributes so tests (and the main window)
can replace the confirmation box and the system opener. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QTextBrowser, QWidget

__all__ = ["EXTERNAL_SCHEMES", "SafeTextBrowser", "outpost_target"]

EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})


def outpost_target(url: QUrl) -> tuple[str, str] | None:
    """``("article", id)`` or ``("ticket", ref)`` for an ``outpost:`` link, else None."""
    if url.scheme().lower() != "outpost":
        return None
    kind, _, ref = url.path().partition("/")
    if kind in ("article", "ticket") and ref and "/" not in ref:
        return kind, ref
    return None


def _ask_before_leaving(parent: QWidget, url: QUrl) -> bool:
    answer = QMessageBox.question(
        parent,
        "Open link outside Outpost?",
        f"This link leaves Outpost and opens in your browser or mail program:\n\n{url.toDisplayString()}\n\n"
        "Open it?",
    )
    return answer == QMessageBox.StandardButton.Yes


class SafeTextBrowser(QTextBrowser):
    article_link_activated = Signal(str)
    ticket_link_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.confirm_external: Callable[[QWidget, QUrl], bool] = _ask_before_leaving
        self.open_external: Callable[[QUrl], Any] = QDesktopServices.openUrl
        #: URLs refused by :meth:`loadResource`, newest last (for diagnostics and tests).
        self.refused_resources: list[str] = []
        self.anchorClicked.connect(self._link_clicked)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        url = QUrl(name) if isinstance(name, str) else name
        if url.isLocalFile():
            return super().loadResource(type, url)
        self.refused_resources.append(url.toString())
        return None

    def _link_clicked(self, url: QUrl) -> None:
        target = outpost_target(url)
        if target is not None:
            kind, ref = target
            (self.article_link_activated if kind == "article" else self.ticket_link_activated).emit(ref)
        elif url.scheme().lower() in EXTERNAL_SCHEMES and self.confirm_external(self, url):
            self.open_external(url)
