"""The rows of the rule form: one condition ("priority is at most 2"), one action ("notify the
queue: …"), and the growing list that holds them.

Rows turn the form into :class:`~sync.automation.rule_model.Rule` data (``to_dict``) and back
(``set_condition`` / ``set_action``); choices that are ids (queues, agents) are offered by
name from :class:`RuleChoices`, read once when the editor opens. A value that is not what the
field needs (a word where a number goes) raises ValueError with a message for the admin;
everything else is validated by :class:`~sync.automation.rule_model.Rule` and the rule store. UI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.automation.rule_list_model import ACTION_LABELS
from sync.automation.rule_model import (
    CONDITION_FIELDS,
    OPERATORS,
    SETTABLE_FIELDS,
    Action,
    ActionKind,
    Condition,
)
from sync.domain.ticket_status import TicketStatus
from sync.domain.ticket_type import TicketType

__all__ = ["ActionRow", "ConditionRow", "RowList", "RuleChoices"]

OP_LABELS = {
    "is": "is",
    "is_not": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "lt": "is less than",
    "le": "is at most",
    "gt": "is more than",
    "ge": "is at least",
    "contains": "contains",
    "not_contains": "does not contain",
    "starts_with": "starts with",
    "is_empty": "is empty",
    "is_set": "is set",
    "changed_to": "changed to",
    "changed_from": "changed from",
    "has": "has",
    "has_not": "does not have",
    "includes": "include",
    "excludes": "do not include",
}
_NO_VALUE = {"is_empty", "is_set"}
_NUMBER_FIELDS = {name for name, kind in CONDITION_FIELDS.items() if kind == "number"}  # incl. rating


@dataclass(frozen=True)
class RuleChoices:
    """Names for the ids a rule may hold: (name, id) pairs of queues and active agents."""

    queues: tuple[tuple[str, str], ...] = ()
    agents: tuple[tuple[str, str], ...] = ()

    def for_field(self, field: str) -> list[tuple[str, Any]] | None:
        """Choices for a condition's value, or None for free text."""
        if field == "status":
            return [(s.label, s.value) for s in TicketStatus]
        if field == "type":
            return [(t.label, t.value) for t in TicketType]
        if field == "comment_from":
            return [("the requester", "requester"), ("an agent", "agent")]
        if field == "queue":
            return list(self.queues)
        if field == "assignee":
            return list(self.agents)
        return None


def _select(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index < 0 and value is not None:
        combo.addItem(str(value), value)  # an id this replica does not know: keep it visible
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def _fill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    combo.blockSignals(True)
    combo.clear()
    for label, value in items:
        combo.addItem(label, value)
    combo.blockSignals(False)


def _number(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{what} needs a whole number, not {text.strip()!r}") from None


class _Row(QWidget):
    remove_requested = Signal(QWidget)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_layout = QHBoxLayout(self)
        self.row_layout.setContentsMargins(0, 0, 0, 0)
        self.remove_button = QPushButton("✕")
        self.remove_button.setToolTip("Remove")
        self.remove_button.setFixedWidth(28)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))


class ConditionRow(_Row):
    def __init__(self, choices: RuleChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = choices
        self.field_combo = QComboBox()
        for field in CONDITION_FIELDS:
            self.field_combo.addItem(field.replace("_", " "), field)
        self.op_combo = QComboBox()
        self.value_combo = QComboBox()
        self.value_edit = QLineEdit(placeholderText="value (several: separate with commas)")
        for widget in (self.field_combo, self.op_combo):
            self.row_layout.addWidget(widget)
        self.row_layout.addWidget(self.value_combo, 1)
        self.row_layout.addWidget(self.value_edit, 1)
        self.row_layout.addWidget(self.remove_button)
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self.op_combo.currentIndexChanged.connect(self._show_value)
        self._field_changed()

    @property
    def field(self) -> str:
        return str(self.field_combo.currentData())

    @property
    def op(self) -> str:
        return str(self.op_combo.currentData())

    def set_condition(self, condition: Condition) -> None:
        _select(self.field_combo, condition.field)
        _select(self.op_combo, condition.op)
        value = condition.value
        if self._uses_combo():
            _select(self.value_combo, value)
        if isinstance(value, (list, tuple)):
            self.value_edit.setText(", ".join(str(v) for v in value))
        elif value is not None:
            self.value_edit.setText(str(value))

    def to_dict(self) -> dict[str, Any]:
        field, op = self.field, self.op
        label = field.replace("_", " ").capitalize()
        value: Any = None
        if op in ("in", "not_in"):
            parts = [p.strip() for p in self.value_edit.text().split(",") if p.strip()]
            value = [_number(p, label) for p in parts] if field in _NUMBER_FIELDS else parts
        elif op in _NO_VALUE:
            value = None
        elif self._uses_combo():
            value = self.value_combo.currentData()
        elif field in _NUMBER_FIELDS:
            value = _number(self.value_edit.text(), label)
        else:
            value = self.value_edit.text().strip()
        return {"field": field, "op": op, "value": value}

    def _uses_combo(self) -> bool:
        return self._choices.for_field(self.field) is not None and self.op not in ("in", "not_in", *_NO_VALUE)

    def _field_changed(self) -> None:
        kind = CONDITION_FIELDS[self.field]
        ops = sorted(OPERATORS[kind], key=list(OP_LABELS).index)
        current = self.op_combo.currentData()
        _fill(self.op_combo, [(OP_LABELS[op], op) for op in ops])
        if current in ops:
            _select(self.op_combo, current)
        _fill(self.value_combo, self._choices.for_field(self.field) or [])
        self._show_value()

    def _show_value(self) -> None:
        combo = self._uses_combo()
        self.value_combo.setVisible(combo)
        self.value_edit.setVisible(not combo and self.op not in _NO_VALUE)


#: For each action kind: (what the target combo offers or None, the value box's hint or None).
def _action_layout(kind: ActionKind, choices: RuleChoices) -> tuple[list[tuple[str, Any]] | None, str | None]:
    if kind is ActionKind.SET_FIELD:
        return [(f.replace("_", " "), f) for f in sorted(SETTABLE_FIELDS)], "new value"
    if kind is ActionKind.ASSIGN_QUEUE:
        return list(choices.queues), None
    if kind is ActionKind.ASSIGN_AGENT:
        return [("Nobody (unassign)", None), *choices.agents], None
    if kind is ActionKind.ASSIGN_TIER:
        return [("Tier 1", 1), ("Tier 2", 2), ("Tier 3", 3)], None
    if kind in (ActionKind.ADD_TAG, ActionKind.REMOVE_TAG):
        return None, "tag"
    if kind is ActionKind.ADD_NOTE:
        return None, "note text; placeholders like {ticket.number} allowed"
    if kind is ActionKind.NOTIFY:
        to = [
            ("the assignee", "assignee"),
            ("the queue's agents", "queue"),
            ("the queue's managers", "queue_managers"),
            *choices.agents,
        ]
        return to, "message, e.g. {ticket.number} breached: {ticket.subject}"
    return None, None


class ActionRow(_Row):
    def __init__(self, choices: RuleChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = choices
        self.kind_combo = QComboBox()
        for kind, label in ACTION_LABELS.items():
            self.kind_combo.addItem(label, kind.value)
        self.target_combo = QComboBox()
        self.value_edit = QLineEdit()
        self.row_layout.addWidget(self.kind_combo)
        self.row_layout.addWidget(self.target_combo)
        self.row_layout.addWidget(self.value_edit, 1)
        self.row_layout.addWidget(self.remove_button)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    @property
    def kind(self) -> ActionKind:
        return ActionKind(self.kind_combo.currentData())

    def set_action(self, action: Action) -> None:
        _select(self.kind_combo, action.kind.value)
        if action.kind is ActionKind.SET_FIELD:
            _select(self.target_combo, action.field)
            self.value_edit.setText("" if action.value is None else str(action.value))
        elif action.kind is ActionKind.NOTIFY:
            _select(self.target_combo, action.to)
            self.value_edit.setText(str(action.value or ""))
        elif action.kind in (ActionKind.ASSIGN_QUEUE, ActionKind.ASSIGN_AGENT, ActionKind.ASSIGN_TIER):
            _select(self.target_combo, action.value)
        else:
            self.value_edit.setText("" if action.value is None else str(action.value))

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind
        text = self.value_edit.text().strip()
        data: dict[str, Any] = {"kind": kind.value, "field": None, "value": None, "to": None}
        if kind is ActionKind.SET_FIELD:
            field = str(self.target_combo.currentData())
            data["field"] = field
            data["value"] = _number(text, field.capitalize()) if field in _NUMBER_FIELDS else text
        elif kind is ActionKind.NOTIFY:
            data["to"], data["value"] = self.target_combo.currentData(), text
        elif kind in (ActionKind.ASSIGN_QUEUE, ActionKind.ASSIGN_AGENT, ActionKind.ASSIGN_TIER):
            data["value"] = self.target_combo.currentData()
        elif kind not in (ActionKind.ASSIGN_ROUND_ROBIN, ActionKind.ASSIGN_LEAST_LOADED):
            data["value"] = text
        return data

    def _kind_changed(self) -> None:
        targets, hint = _action_layout(self.kind, self._choices)
        _fill(self.target_combo, targets or [])
        self.target_combo.setVisible(targets is not None)
        self.value_edit.setVisible(hint is not None)
        self.value_edit.setPlaceholderText(hint or "")


class RowList(QWidget):
    """A column of rows with an "Add" button below; rows remove themselves."""

    def __init__(self, make_row: Callable[[], _Row], add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_row = make_row
        self.rows: list[_Row] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.add_row)
        self._layout.addWidget(self.add_button)

    def add_row(self) -> _Row:
        row = self._make_row()
        row.remove_requested.connect(self._remove)
        self.rows.append(row)
        self._layout.insertWidget(len(self.rows) - 1, row)
        return row

    def clear(self) -> None:
        for row in list(self.rows):
            self._remove(row)

    def _remove(self, row: QWidget) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
