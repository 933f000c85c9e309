"""The ticket's editable fields: status, priority, impact/urgency, category, queue, assignee, tags.

Contract: :meth:`TicketFieldsEditor.set_data` shows a loaded ticket; each change the person
makes is ONE ``ctx.write`` through :class:`~sync.services.ticket_service.TicketService`.
The service is the judge of what is allowed; the editor only offers what should pass
(the status list holds ``TicketDetail.allowed_statuses`` plus the current status). When
a write fails, its message is shown and every field goes back to the last loaded ticket;
when it succeeds, the hub's change notice makes the pane reload and call ``set_data``.

Combos react to ``activated`` (a person's choice), never to ``currentIndexChanged``, so
filling them in ``set_data`` writes nothing. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.record_table_model import local_time_text
from desktop.ticket_pane.field_choices import IMPACT_CHOICES, URGENCY_CHOICES
from desktop.ticket_pane.pane_data import TicketPaneData
from desktop.ticket_pane.text_prompt import TextPromptDialog
from sync.domain.priority import Priority, priority_for
from sync.domain.ticket_status import TicketStatus
from sync.services.changes import WriteResult

__all__ = ["TicketFieldsEditor"]


def _fill(combo: QComboBox, items: list[tuple[str, Any]], current: Any) -> None:
    combo.clear()
    for text, value in items:
        combo.addItem(text, value)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))


class TicketFieldsEditor(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._data: TicketPaneData | None = None
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusCombo")
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityCombo")
        self.impact_combo = QComboBox()
        self.impact_combo.setObjectName("impactCombo")
        self.urgency_combo = QComboBox()
        self.urgency_combo.setObjectName("urgencyCombo")
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("categoryCombo")
        self.queue_combo = QComboBox()
        self.queue_combo.setObjectName("queueCombo")
        self.assignee_combo = QComboBox()
        self.assignee_combo.setObjectName("assigneeCombo")
        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("tagsEdit")
        self.tags_edit.setPlaceholderText("words separated by spaces")
        self.resolution_label = QLabel()
        self.resolution_label.setObjectName("resolutionLabel")
        self.resolution_label.setWordWrap(True)
        self.times_label = QLabel()
        self.times_label.setObjectName("timesLabel")
        self.times_label.setWordWrap(True)
        for label in (self.resolution_label, self.times_label):
            label.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout(self)
        form.addRow("&Status", self.status_combo)
        form.addRow("&Priority", self.priority_combo)
        form.addRow("&Impact", self.impact_combo)
        form.addRow("&Urgency", self.urgency_combo)
        form.addRow("&Queue", self.queue_combo)
        form.addRow("&Category", self.category_combo)
        form.addRow("&Assignee", self.assignee_combo)
        form.addRow("&Tags", self.tags_edit)
        form.addRow("Resolution", self.resolution_label)
        form.addRow("Times", self.times_label)

        self.status_combo.activated.connect(self._status_chosen)
        self.priority_combo.activated.connect(self._priority_chosen)
        self.impact_combo.activated.connect(lambda _i: self._field_chosen("impact", self.impact_combo))
        self.urgency_combo.activated.connect(lambda _i: self._field_chosen("urgency", self.urgency_combo))
        self.category_combo.activated.connect(lambda _i: self._field_chosen("category", self.category_combo))
        self.assignee_combo.activated.connect(
            lambda _i: self._field_chosen("assignee_id", self.assignee_combo)
        )
        self.queue_combo.activated.connect(self._queue_chosen)
        self.tags_edit.editingFinished.connect(self._tags_edited)
        self.setEnabled(False)

    # -- showing ---------------------------------------------------------------------
    def set_data(self, data: TicketPaneData) -> None:
        self._data = data
        d = data.detail
        statuses = [d.status, *(s for s in d.allowed_statuses if s != d.status)]
        _fill(self.status_combo, [(TicketStatus(s).label, s) for s in statuses], d.status)
        matrix = priority_for(d.impact, d.urgency)
        priorities: list[tuple[str, Any]] = [(f"{matrix.label} (from impact × urgency)", None)]
        priorities += [(f"{p.label} (override)", int(p)) for p in Priority]
        _fill(self.priority_combo, priorities, d.priority if d.priority_overridden else None)
        _fill(self.impact_combo, list(IMPACT_CHOICES), d.impact)
        _fill(self.urgency_combo, list(URGENCY_CHOICES), d.urgency)
        _fill(self.queue_combo, [(q.name, q.id) for q in data.queues], d.queue_id)
        categories = list(data.categories_for(d.queue_id))
        if d.category and d.category not in categories:
            categories.append(d.category)
        _fill(self.category_combo, [("(none)", ""), *((c, c) for c in categories)], d.category)
        agents: list[tuple[str, Any]] = [("Unassigned", None), *((a.name, a.id) for a in data.agents)]
        if d.assignee_id and all(a.id != d.assignee_id for a in data.agents):
            agents.append((f"{d.assignee} (inactive)", d.assignee_id))
        _fill(self.assignee_combo, agents, d.assignee_id)
        self.tags_edit.setText(" ".join(d.tags))
        self.resolution_label.setText(d.resolution or "—")
        times = [f"created {local_time_text(d.created_at)}", f"updated {local_time_text(d.updated_at)}"]
        if d.due_at is not None:
            times.append(f"due {local_time_text(d.due_at)}")
        self.times_label.setText(", ".join(times))
        self.setEnabled(True)
        closed = d.status == TicketStatus.CLOSED.value or d.merged_into_id is not None
        for widget in self.findChildren(QComboBox):
            widget.setEnabled(not closed)
        self.tags_edit.setEnabled(d.merged_into_id is None)

    def revert(self) -> None:
        """Show the last loaded ticket again (after a refused or cancelled edit)."""
        if self._data is not None:
            self.set_data(self._data)

    # -- editing ---------------------------------------------------------------------
    def _ticket_id(self) -> str:
        assert self._data is not None, "an edit needs a loaded ticket"
        return self._data.detail.id

    def _write(self, fn: Callable[[], WriteResult]) -> None:
        self._ctx.write(fn, on_error=self._write_failed)

    def _write_failed(self, error: BaseException) -> None:
        self.revert()
        show_error(self, error)

    def _update(self, changes: dict[str, Any], reason: str | None = None) -> None:
        ticket_id, tickets = self._ticket_id(), self._ctx.tickets
        self._write(lambda: tickets.update_ticket(ticket_id, changes, reason=reason))

    def _field_chosen(self, name: str, combo: QComboBox) -> None:
        if self._data is None:
            return
        value = combo.currentData()
        if value != getattr(self._data.detail, name):
            self._update({name: value})

    def _queue_chosen(self, _index: int) -> None:
        if self._data is None:
            return
        queue_id = self.queue_combo.currentData()
        if queue_id == self._data.detail.queue_id:
            return
        changes: dict[str, Any] = {"queue_id": queue_id}
        if self._data.detail.category not in self._data.categories_for(queue_id):
            changes["category"] = ""  # the old queue's category means nothing in the new one
        self._update(changes)

    def _status_chosen(self, _index: int) -> None:
        if self._data is None:
            return
        status, ticket_id = self.status_combo.currentData(), self._ticket_id()
        if status == self._data.detail.status:
            return
        if status != TicketStatus.RESOLVED.value:
            self._write(lambda: self._ctx.tickets.change_status(ticket_id, status))
            return
        prompt = TextPromptDialog(
            "Resolve ticket",
            "What fixed it? The resolution note is kept with the ticket and can become an article.",
            self,
            initial=self._data.detail.resolution,
        )
        prompt.setObjectName("resolutionPrompt")
        prompt.submitted.connect(
            lambda note: self._write(
                lambda: self._ctx.tickets.change_status(ticket_id, status, resolution=note)
            )
        )
        prompt.rejected.connect(self.revert)
        prompt.open()

    def _priority_chosen(self, _index: int) -> None:
        if self._data is None:
            return
        d = self._data.detail
        chosen = self.priority_combo.currentData()
        if chosen == (d.priority if d.priority_overridden else None):
            return
        if chosen is None:
            self._update({"priority": None})
            return
        prompt = TextPromptDialog(
            "Override priority",
            f"Why should this ticket be {Priority(chosen).label} instead of what impact × urgency gives?",
            self,
        )
        prompt.setObjectName("priorityReasonPrompt")
        prompt.submitted.connect(lambda reason: self._update({"priority": chosen}, reason=reason))
        prompt.rejected.connect(self.revert)
        prompt.open()

    def _tags_edited(self) -> None:
        if self._data is None:
            return
        words = self.tags_edit.text().replace(",", " ").split()
        if sorted(w.lower().lstrip("#") for w in words) != sorted(self._data.detail.tags):
            self._update({"tags": words})
