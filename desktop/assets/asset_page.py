"""The asset page: details, warranty, open tickets, every ticket and minute of work, its history.

``AssetPage(ctx)``; :meth:`show_asset` (an id or a tag) reads on the database thread and
renders when the answer arrives (a later call wins). Links emit :attr:`ticket_requested`,
:attr:`location_requested`; :meth:`reload` runs when the change hub says assets or tickets
changed. UI thread only.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.assets.page_html import link, parse_link, section, table, when
from desktop.error_message import error_reporter
from sync.domain.assets import status_label
from sync.domain.ticket_status import TicketStatus
from sync.services.asset_queries import AssetDetail
from sync.services.asset_reader import AssetReader
from sync.services.changes import ChangeSet

__all__ = ["AssetPage", "render_asset"]

_WARRANTY = {"active": "under warranty", "expired": "warranty expired", "none": "no warranty recorded"}


def _status(status: str) -> str:
    try:
        return TicketStatus(status).label
    except ValueError:
        return status


def _value(field: str, value: str | None) -> str:
    if not value:
        return "—"
    return escape(status_label(value) if field == "status" else value)


def render_asset(d: AssetDetail) -> str:
    """The page's HTML for one asset."""
    warranty = _WARRANTY[d.warranty] + (f" (ends {d.warranty_end})" if d.warranty_end else "")
    colour = {"expired": "#b3261e", "active": "#2e7d32"}.get(d.warranty, "#666")
    facts = [
        ("Type", escape(d.type)),
        ("Make and model", escape(" ".join(x for x in (d.manufacturer, d.model) if x))),
        ("Serial", escape(d.serial)),
        ("Location", link("location", d.location_id, d.location) if d.location_id and d.location else "—"),
        ("Assigned to", escape(d.assigned_to) or "—"),
        ("Purchased", escape(d.purchase_date or "—")),
    ]
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v or '—'}</td></tr>" for k, v in facts)
    head = (
        f"<h2>{escape(d.tag)} · {escape(d.name)}</h2>"
        f"<p>{escape(status_label(d.status))} · <span style='color:{colour}'>{escape(warranty)}</span>"
        + (" · <i>not yet synced</i>" if d.unsynced else "")
        + "</p>"
        f"<table cellpadding='2'>{rows}</table>" + (f"<p>{escape(d.notes)}</p>" if d.notes else "")
    )
    open_rows = [
        (link("ticket", t.id, t.ref), escape(t.subject), escape(_status(t.status))) for t in d.open_tickets
    ]
    all_rows = [
        (
            link("ticket", t.id, t.ref),
            escape(t.subject),
            escape(_status(t.status)),
            f"{t.minutes} min",
            when(t.updated_at),
        )
        for t in d.tickets
    ]
    work_rows = [
        (
            when(w.logged_at),
            escape(w.ticket_ref),
            f"{w.minutes} min" + (f" + {w.travel_minutes} travel" if w.travel_minutes else ""),
            escape(w.author),
            escape(w.note),
            escape(w.parts),
        )
        for w in d.work
    ]
    history = [
        (
            when(h.at),
            escape(h.actor or "—"),
            escape(h.field.replace("_", " ")),
            _value(h.field, h.old),
            _value(h.field, h.new),
        )
        for h in d.history
    ]
    return (
        head
        + section(
            f"Open tickets ({len(d.open_tickets)})",
            table(("Ticket", "Subject", "Status"), open_rows, "No open tickets."),
        )
        + section(
            f"All tickets ({len(d.tickets)}) · {d.total_minutes} min of work",
            table(("Ticket", "Subject", "Status", "Work", "Updated"), all_rows, "No tickets yet."),
        )
        + section(
            "Work", table(("When", "Ticket", "Time", "By", "Note", "Parts"), work_rows, "No work logged.")
        )
        + section("History", table(("When", "By", "Field", "From", "To"), history, "No changes recorded."))
    )


class AssetPage(QWidget):
    ticket_requested = Signal(str)
    location_requested = Signal(str)
    asset_requested = Signal(str)
    loaded = Signal(object)  # AssetDetail, after it is shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assetPage")
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._ref: str | None = None
        self._loads = 0
        self.detail: AssetDetail | None = None
        self.title = QLabel()
        self.title.setObjectName("assetPageTitle")
        self.browser = QTextBrowser()
        self.browser.setObjectName("assetPageBody")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.browser, 1)
        ctx.hub.changed.connect(self._changed)

    def show_asset(self, ref: str) -> None:
        self._ref = ref
        self.reload()

    def reload(self) -> None:
        ref = self._ref
        if ref is None:
            return
        self._loads += 1
        load, reader = self._loads, self._reader
        self._ctx.read(lambda: reader.asset(ref), lambda d: self._show(load, d), error_reporter(self))

    def _show(self, load: int, detail: AssetDetail) -> None:
        if not isValid(self) or load != self._loads:  # deleted meanwhile, or stale
            return
        self.detail = detail
        self._ref = detail.id
        self.browser.setHtml(render_asset(detail))
        self.loaded.emit(detail)

    def _follow(self, url: QUrl) -> None:
        target = parse_link(url.toString())
        if target is None:
            return
        kind, record_id = target
        {"ticket": self.ticket_requested, "location": self.location_requested, "asset": self.asset_requested}[
            kind
        ].emit(record_id)

    def _changed(self, changes: ChangeSet) -> None:
        if self.isVisible() and (changes.assets or changes.tickets or changes.everything):
            self.reload()
