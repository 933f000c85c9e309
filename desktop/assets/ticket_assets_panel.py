"""The ticket pane's Assets tab: the ticket's location and linked assets, and ways to change them.

:meth:`set_ticket` reads the ticket's place on the database thread. Double-clicking an asset
emits :attr:`asset_requested`; the location button :attr:`location_requested`. Link… opens
:class:`~desktop.assets.asset_link_dialog.AssetLinkDialog`; Unlink removes the selected one.
UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.assets.asset_link_dialog import AssetLinkDialog, LocationDialog
from desktop.error_message import error_reporter
from desktop.record_table_model import Column, RecordTableModel
from sync.domain.assets import status_label
from sync.services.asset_queries import TicketPlace
from sync.services.asset_reader import AssetReader
from sync.services.asset_service import AssetService
from sync.services.changes import ChangeSet

__all__ = ["ASSET_COLUMNS", "TicketAssetsPanel"]

ASSET_COLUMNS = (
    Column("Tag", lambda a: a.tag),
    Column("Name", lambda a: a.name, tooltip=lambda a: a.name),
    Column("Status", lambda a: status_label(a.status)),
    Column("Where", lambda a: a.location, tooltip=lambda a: a.location),
)


class TicketAssetsPanel(QWidget):
    asset_requested = Signal(str)
    location_requested = Signal(str)
    loaded = Signal(object)  # TicketPlace
    counted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._ticket_id: str | None = None
        self._loads = 0
        self.place: TicketPlace | None = None
        self.location_label = QLabel("Location: —")
        self.location_label.setObjectName("ticketLocation")
        self.open_location = QPushButton("Open location")
        self.open_location.clicked.connect(self._open_location)
        self.set_location = QPushButton("Set location…")
        self.set_location.setObjectName("setLocationButton")
        self.set_location.clicked.connect(self.open_location_dialog)
        self.model = RecordTableModel(ASSET_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("ticketAssetTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.doubleClicked.connect(
            lambda index: self.asset_requested.emit(self.model.record(index.row()).id)
        )
        self.link_button = QPushButton("&Link asset…")
        self.link_button.setObjectName("linkAssetButton")
        self.link_button.clicked.connect(self.open_link_dialog)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(self.unlink_selected)
        top = QHBoxLayout()
        top.addWidget(self.location_label, 1)
        top.addWidget(self.open_location)
        top.addWidget(self.set_location)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.unlink_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        ctx.hub.changed.connect(self._changed)

    @property
    def ticket_id(self) -> str | None:
        return self._ticket_id

    def set_ticket(self, ticket_id: str | None) -> None:
        self._ticket_id = ticket_id
        self.reload()

    def reload(self) -> None:
        ticket_id = self._ticket_id
        self._loads += 1
        load, reader = self._loads, self._reader
        if ticket_id is None:
            self._show(load, TicketPlace(None, "", ()))
            return
        self._ctx.read(
            lambda: reader.ticket_place(ticket_id), lambda p: self._show(load, p), error_reporter(self)
        )

    def _show(self, load: int, place: TicketPlace) -> None:
        if not isValid(self) or load != self._loads:  # deleted meanwhile, or stale
            return
        self.place = place
        self.location_label.setText(f"Location: {place.location or '—'}")
        self.open_location.setEnabled(place.location_id is not None)
        self.model.set_records(place.assets)
        self.table.resizeColumnsToContents()
        for w in (self.link_button, self.set_location):
            w.setEnabled(self._ticket_id is not None)
        self.counted.emit(len(place.assets))
        self.loaded.emit(place)

    def open_link_dialog(self) -> AssetLinkDialog | None:
        if self._ticket_id is None:
            return None
        dialog = AssetLinkDialog(self._ctx, self._ticket_id, self)
        dialog.open()
        return dialog

    def open_location_dialog(self) -> LocationDialog | None:
        if self._ticket_id is None:
            return None
        dialog = LocationDialog(self._ctx, self._ticket_id, self)
        dialog.open()
        return dialog

    def unlink_selected(self) -> None:
        index = self.table.currentIndex()
        if self._ticket_id is None or not index.isValid():
            return
        asset_id, ticket_id = self.model.record(index.row()).id, self._ticket_id
        service = AssetService(self._ctx.replica)
        self._ctx.write(
            lambda: service.link_asset(ticket_id, asset_id, linked=False), None, error_reporter(self)
        )

    def _open_location(self) -> None:
        if self.place is not None and self.place.location_id is not None:
            self.location_requested.emit(self.place.location_id)

    def _changed(self, changes: ChangeSet) -> None:
        if self._ticket_id is not None and (
            changes.assets or changes.everything or self._ticket_id in changes.tickets
        ):
            self.reload()
