"""The admins' list of automation rules: name, when it runs, what it does, on or off.

Plain data in (``list[Rule]`` from :meth:`sync.automation.rule_store.RuleStore.list`, read on the
database thread); nothing queried here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from sync.automation.rule_model import ActionKind, EventKind, Rule

__all__ = ["ACTION_LABELS", "EVENT_LABELS", "RuleListModel", "rule_actions_text", "rule_event_text"]

_Index = QModelIndex | QPersistentModelIndex

EVENT_LABELS: dict[EventKind, str] = {
    EventKind.CREATED: "A ticket is created",
    EventKind.UPDATED: "A ticket is updated",
    EventKind.STATUS_CHANGED: "A ticket's status changes",
    EventKind.SLA_WARNING: "An SLA deadline is close (warning)",
    EventKind.SLA_BREACH: "An SLA deadline has passed (breach)",
    EventKind.NO_REPLY: "The requester has had no reply for N hours",
    EventKind.RATING_RECEIVED: "The requester rated the ticket",
}

ACTION_LABELS: dict[ActionKind, str] = {
    ActionKind.SET_FIELD: "Set a field",
    ActionKind.ASSIGN_QUEUE: "Move to queue",
    ActionKind.ASSIGN_AGENT: "Assign to agent",
    ActionKind.ASSIGN_TIER: "Escalate to tier",
    ActionKind.ASSIGN_ROUND_ROBIN: "Assign round-robin (on shift)",
    ActionKind.ASSIGN_LEAST_LOADED: "Assign to the least-loaded agent (on shift)",
    ActionKind.ADD_TAG: "Add tag",
    ActionKind.REMOVE_TAG: "Remove tag",
    ActionKind.ADD_NOTE: "Add internal note",
    ActionKind.NOTIFY: "Notify",
}

_HEADERS = ("Rule", "When", "Does", "On")


def rule_event_text(rule: Rule) -> str:
    if rule.event is EventKind.NO_REPLY:
        return f"No reply for {rule.hours} h"
    return EVENT_LABELS[rule.event]


def rule_actions_text(rule: Rule) -> str:
    return ", ".join(ACTION_LABELS[a.kind].lower() for a in rule.actions)


class RuleListModel(QAbstractTableModel):
    RULE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rules: list[Rule] = []

    def set_rules(self, rules: list[Rule]) -> None:
        self.beginResetModel()
        self._rules = list(rules)
        self.endResetModel()

    def rule(self, row: int) -> Rule | None:
        return self._rules[row] if 0 <= row < len(self._rules) else None

    def row_of(self, rule_id: str) -> int:
        return next((i for i, r in enumerate(self._rules) if r.id == rule_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rule = self.rule(index.row()) if index.isValid() else None
        if rule is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return rule.name
            if column == 1:
                return rule_event_text(rule)
            if column == 2:
                return rule_actions_text(rule)
            if column == 3:
                return "on" if rule.enabled else "off"
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and rule.description:
            return rule.description
        if role == Qt.ItemDataRole.ForegroundRole and not rule.enabled:
            return QColor("gray")
        if role == self.RULE_ID_ROLE:
            return rule.id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
