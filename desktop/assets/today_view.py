"""Today: my assigned open tickets grouped by site and building, most urgent first, to plan a round.

A tree of ``site › building`` groups, each ticket with its reference, subject, place below
the building, status and SLA due time. Double-click (or Enter) emits :attr:`ticket_requested`.
Reloads when tickets, assets or everything change while it is shown. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget
from shiboken6 import isValid

from desktop.app_context import AppContext
from desktop.error_message import error_reporter
from desktop.record_table_model import local_time_text
from sync.domain.ticket_status import TicketStatus
from sync.services.asset_reader import AssetReader, TodayGroup
from sync.services.changes import ChangeSet

__all__ = ["TodayView"]

_ID_ROLE = Qt.ItemDataRole.UserRole


class TodayView(QWidget):
    ticket_requested = Signal(str)
    loaded = Signal(object)  # list[TodayGroup]

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self._ctx = ctx
        self._reader = AssetReader(ctx.replica)
        self._loads = 0
        self.groups: list[TodayGroup] = []
        self.title = QLabel("<h2>Today</h2>")
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setObjectName("todayTree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["Ticket", "Subject", "Where", "Status", "Due"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        ctx.hub.changed.connect(self._changed)

    def reload(self) -> None:
        self._loads += 1
        load, reader = self._loads, self._reader
        self._ctx.read(reader.today, lambda groups: self._show(load, groups), error_reporter(self))

    def _show(self, load: int, groups: list[TodayGroup]) -> None:
        if not isValid(self) or load != self._loads:  # deleted meanwhile, or stale
            return
        self.groups = groups
        self.tree.clear()
        total = 0
        for g in groups:
            place = g.site + (f" › {g.building}" if g.building else "")
            head = QTreeWidgetItem([f"{place}  ({len(g.tickets)})"])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFirstColumnSpanned(False)
            for t in g.tickets:
                item = QTreeWidgetItem(
                    [
                        t.ref,
                        t.subject,
                        t.place,
                        TicketStatus(t.status).label,
                        local_time_text(t.due_at) if t.due_at else "—",
                    ]
                )
                item.setData(0, _ID_ROLE, t.id)
                item.setToolTip(1, t.subject)
                head.addChild(item)
            total += len(g.tickets)
            self.tree.addTopLevelItem(head)
        self.tree.expandAll()
        for column, width in ((0, 220), (1, 320), (2, 200), (3, 120)):
            self.tree.setColumnWidth(column, width)
        self.summary.setText(
            f"{total} open ticket(s) assigned to you in {len(groups)} place(s), most urgent first."
            if total
            else "Nothing assigned to you is open."
        )
        self.loaded.emit(groups)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        ticket_id = item.data(0, _ID_ROLE)
        if ticket_id:
            self.ticket_requested.emit(str(ticket_id))

    def _changed(self, changes: ChangeSet) -> None:
        if self.isVisible() and (changes.tickets or changes.assets or changes.everything):
            self.reload()
