"""The location page: where a place is, the places in it, its assets (at any depth) and open tickets.

Same contract as :class:`~desktop.assets.asset_page.AssetPage`: :meth:`show_location` (an
id, a name or a path) reads on the database thread; links emit the ``*_requested`` signals.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.assets.page_html import link, parse_link, section, table
from desktop.error_message import error_reporter
from sync.domain.assets import status_label
from sync.domain.ticket_status import TicketStatus
from sync.services.asset_queries import LocationDetail
from sync.services.asset_reader import AssetReader
from sync.services.changes import ChangeSet

__all__ = ["LocationPage", "render_location"]


_TICKET_HEAD = ("Ticket", "Subject", "Status")
_ASSET_HEAD = ("Tag", "Name", "Type", "Status", "Where")


def render_location(d: LocationDetail) -> str:
    places = ", ".join(link("location", c.id, c.name) for c in d.children)
    assets = [
        (
            link("asset", a.id, a.tag),
            escape(a.name),
            escape(a.type),
            escape(status_label(a.status)),
            escape(a.location),
        )
        for a in d.assets
    ]
    tickets = [
        (link("ticket", t.id, t.ref), escape(t.subject), escape(TicketStatus(t.status).label))
        for t in d.open_tickets
    ]
    return (
        f"<h2>{escape(d.name)}</h2><p>{escape(d.path)}" + (f" · {escape(d.kind)}" if d.kind else "") + "</p>"
        + (f"<p>{escape(d.site_address)}</p>" if d.site_address else "")
        + (f"<p><b>Inside:</b> {places}</p>" if places else "")
        + (f"<p>{escape(d.notes)}</p>" if d.notes else "")
        + section(f"Open tickets ({len(d.open_tickets)})", table(_TICKET_HEAD, tickets, "No open tickets."))
        + section(f"Assets ({len(d.assets)})", table(_ASSET_HEAD, assets, "No assets here."))
    )  # fmt: skip


class LocationPage(QWidget):
    ticket_requested = Signal(str)
    asset_requested = Signal(str)
    location_requested = Signal(str)
    loaded = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("locationPage")
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._ref: str | None = None
        self._loads = 0
        self.detail: LocationDetail | None = None
        self.browser = QTextBrowser()
        self.browser.setObjectName("locationPageBody")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.browser, 1)
        self.location_requested.connect(self.show_location)
        ctx.hub.changed.connect(self._changed)

    def show_location(self, ref: str) -> None:
        self._ref = ref
        self.reload()

    def reload(self) -> None:
        ref = self._ref
        if ref is None:
            return
        self._loads += 1
        load, reader = self._loads, self._reader
        self._ctx.read(lambda: reader.location(ref), lambda d: self._show(load, d), error_reporter(self))

    def _show(self, load: int, detail: LocationDetail) -> None:
        if not isValid(self) or load != self._loads:  # deleted meanwhile, or stale
            return
        self.detail = detail
        self._ref = detail.id
        self.browser.setHtml(render_location(detail))
        self.loaded.emit(detail)

    def _follow(self, url: QUrl) -> None:
        target = parse_link(url.toString())
        if target is not None:
            kind, record_id = target
            {
                "ticket": self.ticket_requested,
                "asset": self.asset_requested,
                "location": self.location_requested,
            }[kind].emit(record_id)

    def _changed(self, changes: ChangeSet) -> None:
        if self.isVisible() and (changes.assets or changes.tickets or changes.everything):
            self.reload()
