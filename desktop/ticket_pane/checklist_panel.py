"""The ticket pane's "Checklist" tab: the steps of a service request, ticked off as they are done.

:meth:`ChecklistPanel.set_ticket` reads the checklist on the database thread (the pane calls
it after every load of its ticket, so another technician's ticks arrive with the change
notice of a sync). Ticking writes one ``ticket.checklist`` change through
:class:`~sync.automation.checklists.Checklists` (per step, so two technicians never conflict); "Add
step" appends one. Results for a ticket no longer shown are dropped. UI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.live_callback import while_alive
from desktop.ticket_pane.checklist_model import ChecklistModel
from sync.automation.checklists import Checklist, Checklists

__all__ = ["ChecklistPanel"]


class ChecklistPanel(QWidget):
    #: (done, total) after each load, for the tab's title.
    counts_changed = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._checklists = Checklists(ctx.replica)
        self._ticket_id: str | None = None
        self._loads = 0
        self.checklist: Checklist | None = None
        self.model = ChecklistModel(self)
        self.model.tick_requested.connect(self._tick)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("checklistProgress")
        self.progress_label.setWordWrap(True)  # the pane may be narrow beside the ticket list
        self.view = QListView()
        self.view.setObjectName("checklistView")
        self.view.setModel(self.model)
        self.add_edit = QLineEdit(placeholderText="Another step…")
        self.add_edit.setObjectName("checklistAddEdit")
        self.add_edit.returnPressed.connect(self.add_step)
        self.add_button = QPushButton("Add step")
        self.add_button.setObjectName("checklistAddButton")
        self.add_button.clicked.connect(self.add_step)
        row = QHBoxLayout()
        row.addWidget(self.add_edit, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        self._show(None)

    @property
    def ticket_id(self) -> str | None:
        return self._ticket_id

    def set_ticket(self, ticket_id: str | None, *, editable: bool = True) -> None:
        """Show (and load) a ticket's checklist; ``editable`` False for closed or merged tickets."""
        if ticket_id != self._ticket_id:
            self.model.set_checklist(None)
        self._ticket_id = ticket_id
        self.model.set_editable(editable)
        self.add_edit.setEnabled(editable and ticket_id is not None)
        self.add_button.setEnabled(editable and ticket_id is not None)
        self._loads += 1
        if ticket_id is None:
            self._show(None)
            return
        load, checklists = self._loads, self._checklists
        self._ctx.read(
            lambda: checklists.get(ticket_id),
            while_alive(self, lambda checklist: self._loaded(load, ticket_id, checklist)),
            while_alive(self, lambda error: self._load_failed(load, error)),
        )

    def add_step(self) -> None:
        text, ticket_id = self.add_edit.text().strip(), self._ticket_id
        if not text or ticket_id is None:
            return
        checklists = self._checklists
        self._ctx.write(
            lambda: checklists.add_item(ticket_id, text),
            while_alive(self, lambda _result: self.add_edit.clear()),
            while_alive(self, lambda error: show_error(self, error)),
        )

    # -- internals -------------------------------------------------------------------
    def _loaded(self, load: int, ticket_id: str, checklist: Checklist | None) -> None:
        if load != self._loads or ticket_id != self._ticket_id:
            return
        self._show(checklist)

    def _load_failed(self, load: int, error: BaseException) -> None:
        if load == self._loads:
            show_error(self, error)

    def _show(self, checklist: Checklist | None) -> None:
        self.checklist = checklist
        self.model.set_checklist(checklist)
        total = len(checklist.items) if checklist is not None else 0
        done = checklist.done_count if checklist is not None else 0
        if total == 0:
            self.progress_label.setText(
                "No checklist. Add steps below, or create the ticket from a template."
            )
        elif done == total:
            self.progress_label.setText(f"All {total} steps done.")
        else:
            self.progress_label.setText(f"{done} of {total} steps done")
        self.counts_changed.emit(done, total)

    def _tick(self, item_id: str, done: bool) -> None:
        ticket_id, checklists = self._ticket_id, self._checklists
        if ticket_id is None:
            return

        def failed(error: BaseException) -> None:
            show_error(self, error)
            self.set_ticket(self._ticket_id)  # show what is stored again

        self._ctx.write(lambda: checklists.tick(ticket_id, item_id, done), None, while_alive(self, failed))
