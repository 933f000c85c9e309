"""Tickets linked to this one, and the Link… / Merge into… actions.

Double-clicking a linked ticket asks the pane to show it (:attr:`LinksPanel.ticket_requested`).
The dialogs do their own writes (see :mod:`desktop.ticket_pane.link_dialogs`); the hub's
change notice then reloads the pane. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop.app_context import AppContext
from desktop.record_table_model import Column, RecordTableModel
from desktop.ticket_pane.link_dialogs import LINK_KIND_LABELS, LinkDialog, MergeDialog
from sync.domain.ticket_status import TicketStatus
from sync.services.ticket_views import LinkView, TicketDetail

__all__ = ["LINK_COLUMNS", "LinksPanel"]

LINK_COLUMNS = (
    Column("This ticket is", lambda x: LINK_KIND_LABELS.get(x.kind, x.kind)),
    Column("Ticket", lambda x: x.other_number),
    Column("Subject", lambda x: x.other_subject, tooltip=lambda x: x.other_subject),
    Column("Status", lambda x: TicketStatus(x.other_status).label),
)


class LinksPanel(QWidget):
    ticket_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail: TicketDetail | None = None
        self.model = RecordTableModel(LINK_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("linkTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.doubleClicked.connect(self._open_row)
        self.link_button = QPushButton("&Link…")
        self.link_button.setObjectName("linkButton")
        self.link_button.clicked.connect(self.open_link_dialog)
        self.merge_button = QPushButton("&Merge into…")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setToolTip("This ticket is a duplicate: close it and point to the original")
        self.merge_button.clicked.connect(self.open_merge_dialog)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_button)
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_detail(self, detail: TicketDetail | None) -> None:
        self._detail = detail
        self.model.set_records(detail.links if detail is not None else [])
        self.table.resizeColumnsToContents()
        active = detail is not None and detail.merged_into_id is None
        self.link_button.setEnabled(active)
        self.merge_button.setEnabled(
            active and detail is not None and detail.status != TicketStatus.CLOSED.value
        )

    def open_link_dialog(self) -> LinkDialog | None:
        if self._detail is None:
            return None
        dialog = LinkDialog(self._ctx, self._detail, self)
        dialog.open()
        return dialog

    def open_merge_dialog(self) -> MergeDialog | None:
        if self._detail is None:
            return None
        dialog = MergeDialog(self._ctx, self._detail, self)
        dialog.open()
        return dialog

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            link: LinkView = self.model.record(index.row())
            self.ticket_requested.emit(link.other_id)
