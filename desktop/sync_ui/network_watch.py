"""Whether the operating system thinks this computer has a network, as a Qt signal.

Wraps :class:`QNetworkInformation`: the platform's default backend is loaded once per
process (NetworkManager / GLib on Linux, the native one on Windows and macOS). Where none
loads — an offscreen test run, a minimal container — the watch simply never reports, and
sync relies on its own retries. Only ``Disconnected`` counts as offline: ``Local`` or
``Site`` can still reach an on-premises server, and ``Unknown`` proves nothing.

UI thread only (QNetworkInformation delivers its signal on the thread that loaded it).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

__all__ = ["NetworkWatch", "is_online"]

log = logging.getLogger(__name__)


def is_online(reachability: QNetworkInformation.Reachability) -> bool:
    return reachability != QNetworkInformation.Reachability.Disconnected


class NetworkWatch(QObject):
    """``online_changed(bool)`` when the system's reachability crosses Disconnected."""

    online_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.backend: str | None = None
        self.online = True
        info = self._load()
        if info is not None:
            self.backend = info.backendName()
            self.online = is_online(info.reachability())
            info.reachabilityChanged.connect(self._reachability_changed)

    @staticmethod
    def _load() -> QNetworkInformation | None:
        info = QNetworkInformation.instance()
        if info is None:
            try:
                loaded = QNetworkInformation.loadDefaultBackend()
            except Exception:  # a broken plugin must not stop the app
                log.debug("QNetworkInformation failed to load", exc_info=True)
                loaded = False
            info = QNetworkInformation.instance() if loaded else None
        if info is None:
            log.info("no network information backend; sync retries on its own timer only")
        return info

    def _reachability_changed(self, reachability: QNetworkInformation.Reachability) -> None:
        self.set_online(is_online(reachability))

    def set_online(self, online: bool) -> None:
        """Record a reachability report (also the way tests simulate one)."""
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)
