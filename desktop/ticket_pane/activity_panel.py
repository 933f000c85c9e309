"""The ticket's history: who changed which field from what to what, and when.

Activity stores ids for queue and assignee changes and raw values for statuses; they are
turned into names and labels here, once per load, so the model only shows text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from desktop.record_table_model import Column, RecordTableModel, local_time_text
from desktop.ticket_pane.pane_data import TicketPaneData
from sync.domain.ticket_status import TicketStatus

__all__ = ["ACTIVITY_COLUMNS", "ActivityLine", "ActivityPanel", "activity_lines"]

_FIELD_NAMES = {
    "created": "Created",
    "status": "Status",
    "priority": "Priority",
    "impact": "Impact",
    "urgency": "Urgency",
    "queue_id": "Queue",
    "assignee_id": "Assignee",
    "requester_id": "Requester",
    "category": "Category",
    "tags": "Tags",
    "tier": "Tier",
    "reply": "Reply",
    "note": "Internal note",
    "work_log": "Work logged",
    "attachment": "Attachment",
    "link": "Link",
    "merged": "Merged",
    "resolution": "Resolution",
    "first_response_at": "First response",
}


_STATUS_VALUES = frozenset(s.value for s in TicketStatus)


@dataclass(frozen=True)
class ActivityLine:
    at: datetime
    actor: str
    field: str
    change: str
    note: str


def activity_lines(data: TicketPaneData) -> list[ActivityLine]:
    names = {q.id: q.name for q in data.queues} | {a.id: a.name for a in data.agents}
    if data.detail.requester_id:
        names[data.detail.requester_id] = data.detail.requester

    def show(field: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "status" and value in _STATUS_VALUES:
            return TicketStatus(value).label
        return names.get(value, value)

    lines = []
    for a in reversed(data.detail.activity):  # newest first
        old, new = show(a.field, a.old_value), show(a.field, a.new_value)
        change = new if a.old_value is None else f"{old} → {new}"
        lines.append(ActivityLine(a.at, a.actor or "—", _FIELD_NAMES.get(a.field, a.field), change, a.note))
    return lines


ACTIVITY_COLUMNS = (
    Column("When", lambda x: local_time_text(x.at)),
    Column("Who", lambda x: x.actor),
    Column("Field", lambda x: x.field),
    Column("Change", lambda x: x.change, tooltip=lambda x: x.change),
    Column("Note", lambda x: x.note, tooltip=lambda x: x.note),
)


class ActivityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RecordTableModel(ACTIVITY_COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("activityTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def set_data(self, data: TicketPaneData) -> None:
        self.model.set_records(activity_lines(data))
        self.table.resizeColumnsToContents()
