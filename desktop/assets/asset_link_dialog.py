"""Pick an asset (by tag, serial, name or the place it is in) or a location for a ticket.

:class:`AssetLinkDialog` links the chosen asset to the ticket; :class:`LocationDialog` sets the
ticket's location. Lookups run on the database thread as the person types; the write goes
through ``ctx.write`` (which sends the change notice). UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from sync.domain.assets import status_label
from sync.services.asset_queries import AssetRow, LocationRow
from sync.services.asset_reader import AssetReader
from sync.services.asset_service import AssetService

__all__ = ["AssetLinkDialog", "LocationDialog"]

_ID = Qt.ItemDataRole.UserRole


class _PickDialog(QDialog):
    def __init__(self, ctx: AppContext, title: str, hint: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._loads = 0
        self.search = QLineEdit()
        self.search.setObjectName("assetLookup")
        self.search.setPlaceholderText(hint)
        self.results = QListWidget()
        self.results.setObjectName("assetResults")
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.lookup)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.resize(520, 420)

    def lookup(self) -> None:
        raise NotImplementedError

    def chosen_id(self) -> str | None:
        item = self.results.currentItem() or (self.results.item(0) if self.results.count() == 1 else None)
        return str(item.data(_ID)) if item is not None else None

    def _fill(self, load: int, entries: list[tuple[str, str]]) -> None:
        if not isValid(self) or load != self._loads:  # deleted meanwhile, or stale
            return
        self.results.clear()
        for record_id, text in entries:
            item = QListWidgetItem(text)
            item.setData(_ID, record_id)
            self.results.addItem(item)
        if entries:
            self.results.setCurrentRow(0)


def _describe(a: AssetRow) -> str:
    serial = f" · {a.serial}" if a.serial else ""
    status = "" if a.status == "in_use" else f" ({status_label(a.status)})"
    return f"{a.tag} · {a.name}{serial} — {a.location or 'no location'}{status}"


class AssetLinkDialog(_PickDialog):
    """Link an asset to ``ticket_id``; ``linked_asset_id`` is set once the link is written."""

    def __init__(self, ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Link an asset", "Tag, serial, name or location", parent)
        self._ticket_id = ticket_id
        self.linked_asset_id: str | None = None
        self.lookup()

    def lookup(self) -> None:
        self._loads += 1
        load, term, reader = self._loads, self.search.text(), self._reader

        def entries(rows: list[AssetRow]) -> list[tuple[str, str]]:
            return [(a.id, _describe(a)) for a in rows]

        self._ctx.read(
            lambda: entries(reader.lookup(term)), lambda e: self._fill(load, e), error_reporter(self)
        )

    def accept(self) -> None:
        asset_id = self.chosen_id()
        if asset_id is None:
            return
        service, ticket_id = AssetService(self._ctx.replica), self._ticket_id
        self.linked_asset_id = asset_id
        self._ctx.write(
            lambda: service.link_asset(ticket_id, asset_id), None, error_reporter(self.parentWidget() or self)
        )
        super().accept()


class LocationDialog(_PickDialog):
    """Set the location of ``ticket_id`` (an empty choice clears it)."""

    def __init__(self, ctx: AppContext, ticket_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Set the location", "Site, building, floor or room", parent)
        self._ticket_id = ticket_id
        self._rows: list[LocationRow] = []
        self.lookup()

    def lookup(self) -> None:
        self._loads += 1
        load, term, reader = self._loads, self.search.text().strip().casefold(), self._reader

        def entries() -> list[tuple[str, str]]:
            return [(r.id, r.path) for r in reader.locations() if term in r.path.casefold()][:200]

        self._ctx.read(entries, lambda e: self._fill(load, e), error_reporter(self))

    def accept(self) -> None:
        location_id = self.chosen_id()
        if location_id is None:
            return
        service, ticket_id = AssetService(self._ctx.replica), self._ticket_id
        self._ctx.write(
            lambda: service.set_ticket_location(ticket_id, location_id),
            None,
            error_reporter(self.parentWidget() or self),
        )
        super().accept()
