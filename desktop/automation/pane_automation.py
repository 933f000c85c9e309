"""The automation parts of the ticket pane, wired in one place: SLA box, macro button, checklist tab.

The pane creates one :class:`PaneAutomation` and calls :meth:`PaneAutomation.show_detail`
after each load (None when it shows nothing), so the pane itself needs only two lines. Where
things go: the SLA box under the header, the "Macro…" button in the header's button row, the
checklist as a tab titled with its progress ("Checklist 2/6"). UI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop.app_context import AppContext
from desktop.automation.checklist_panel import ChecklistPanel
from desktop.automation.macro_button import MacroButton
from desktop.automation.sla_panel import SlaPanel
from sync.domain.ticket_status import TicketStatus
from sync.services.ticket_views import TicketDetail

if TYPE_CHECKING:
    from desktop.ticket_pane.ticket_pane import TicketPane

__all__ = ["PaneAutomation"]

_CHECKLIST = "Checklist"


class PaneAutomation(QObject):
    def __init__(self, ctx: AppContext, pane: TicketPane) -> None:
        super().__init__(pane)
        self.sla = SlaPanel()
        self.macros = MacroButton(ctx, pane.composer)
        self.checklist = ChecklistPanel(ctx)
        header_layout = pane.header.layout()
        assert header_layout is not None
        header_layout.addWidget(self.sla)
        pane.header.actions_row.insertWidget(pane.header.actions_row.count(), self.macros)
        self._tabs = pane.tabs
        self._tabs.addTab(self.checklist, _CHECKLIST)
        self.checklist.counts_changed.connect(self._show_counts)
        self._talk = pane.talk
        self.macros.applied.connect(self._show_composer)
        self.macros.set_ticket(None)

    def show_detail(self, detail: TicketDetail | None) -> None:
        self.sla.set_detail(detail)
        if detail is None:
            self.macros.set_ticket(None)
            self.checklist.set_ticket(None)
            return
        open_ = detail.status != TicketStatus.CLOSED.value and detail.merged_into_id is None
        self.macros.set_ticket(detail.id, allowed=open_)
        self.checklist.set_ticket(detail.id, editable=open_)

    def _show_composer(self, _ticket_id: str) -> None:
        if self._tabs.indexOf(self._talk) >= 0:  # narrow layout: the composer is in a tab
            self._tabs.setCurrentWidget(self._talk)

    def _show_counts(self, done: int, total: int) -> None:
        index = self._tabs.indexOf(self.checklist)
        if index >= 0:
            self._tabs.setTabText(index, f"{_CHECKLIST} {done}/{total}" if total else _CHECKLIST)
