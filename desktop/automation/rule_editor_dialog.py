"""The admins' rule editor: the list of automation rules, and a form to edit one.

Left, every rule (:class:`RuleListModel`); right, the selected rule as a form: name, enabled,
when it runs (event; hours for "no reply"), the conditions that must all hold and the actions
in order (:mod:`desktop.automation.rule_rows`). Saving sends the form's data to
:func:`sync.automation.rule_check.save_checked` on the database thread — validation, the
dry run that refuses a rule which would loop with the others, then the rule store (journaled
``config.rules``, so it syncs). A refusal is shown beside the Save button in the words of the
service, and the form keeps what was typed. Open it through
:func:`desktop.automation.admin_gate.open_rule_editor`, which lets admins only in. UI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.automation.rule_list_model import EVENT_LABELS, RuleListModel
from desktop.automation.rule_rows import ActionRow, ConditionRow, RowList, RuleChoices
from desktop.error_display import show_error
from desktop.live_callback import while_alive
from sync.automation.rule_check import save_checked
from sync.automation.rule_model import EventKind, Rule
from sync.automation.rule_store import RuleStore
from sync.errors import OutpostError
from sync.services.changes import WriteResult

__all__ = ["RuleEditorDialog", "load_rule_choices"]


def load_rule_choices(ctx: AppContext) -> RuleChoices:
    """Database thread: the queues and agents a rule may name."""
    return RuleChoices(
        queues=tuple((q.name, q.id) for q in ctx.directory.queues()),
        agents=tuple((a.name, a.id) for a in ctx.directory.agents()),
    )


class RuleEditorDialog(QDialog):
    #: A rule was saved or deleted (its id).
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Automation rules")
        self.setObjectName("ruleEditor")
        self._ctx = ctx
        self._store = RuleStore(ctx.replica)
        self._choices = RuleChoices()
        self._editing: Rule | None = None
        self._select_after_load: str | None = None
        self.ready = False

        self.model = RuleListModel(self)
        self.table = QTableView()
        self.table.setObjectName("ruleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents
            )
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._edit_row(cur.row()))
        self.new_button = QPushButton("&New rule")
        self.new_button.clicked.connect(self.new_rule)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_current)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("ruleName")
        self.enabled_check = QCheckBox("Enabled")
        self.enabled_check.setObjectName("ruleEnabled")
        self.event_combo = QComboBox()
        self.event_combo.setObjectName("ruleEvent")
        for kind, label in EVENT_LABELS.items():
            self.event_combo.addItem(label, kind.value)
        self.event_combo.currentIndexChanged.connect(self._event_changed)
        self.hours_spin = QSpinBox(minimum=1, maximum=24 * 30, suffix=" h")
        self.hours_spin.setObjectName("ruleHours")
        self.hours_spin.setValue(24)
        self.position_spin = QSpinBox(minimum=0, maximum=10_000)
        self.position_spin.setToolTip("Rules run in this order (lowest first), then by name")
        self.condition_rows = RowList(lambda: ConditionRow(self._choices), "Add &condition")
        self.action_rows = RowList(lambda: ActionRow(self._choices), "Add &action")
        self.message_label = QLabel()
        self.message_label.setObjectName("ruleMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("&Save rule")
        self.save_button.setObjectName("ruleSave")
        self.save_button.clicked.connect(self.save_current)

        form_box = QWidget()
        form = QFormLayout(form_box)
        form.addRow("&Name", self.name_edit)
        form.addRow("", self.enabled_check)
        form.addRow("&When", self.event_combo)
        form.addRow("&Hours without reply", self.hours_spin)
        form.addRow("&Order", self.position_spin)
        conditions_box = QGroupBox("Only if all of these hold (none: every ticket)")
        QVBoxLayout(conditions_box).addWidget(self.condition_rows)
        actions_box = QGroupBox("Then do, in order")
        QVBoxLayout(actions_box).addWidget(self.action_rows)
        form.addRow(conditions_box)
        form.addRow(actions_box)
        form.addRow(self.message_label)
        form.addRow("", self.save_button)
        self._form_layout = form
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_box)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        left_layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setSizes([380, 620])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(close)
        self.resize(1080, 600)
        self.new_rule()
        ctx.read(
            lambda: load_rule_choices(ctx),
            while_alive(self, self._choices_loaded),
            while_alive(self, lambda e: show_error(self, e)),
        )

    # -- public ----------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        self._select_after_load = select_id
        self._ctx.read(
            self._store.list,
            while_alive(self, self._loaded),
            while_alive(self, lambda e: show_error(self, e)),
        )

    def new_rule(self) -> None:
        self._editing = None
        self._select_after_load = None  # a list still loading must not take the form back
        self.table.clearSelection()
        self.name_edit.clear()
        self.enabled_check.setChecked(True)
        self.event_combo.setCurrentIndex(0)
        self.hours_spin.setValue(24)
        self.position_spin.setValue(0)
        self.condition_rows.clear()
        self.action_rows.clear()
        self.action_rows.add_row()
        self.message_label.clear()
        self.delete_button.setEnabled(False)
        self._event_changed()

    def document(self) -> dict[str, Any]:
        """The rule as the form shows it (ValueError when a value is not what its field needs)."""
        event = EventKind(self.event_combo.currentData())
        data: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "description": self._editing.description if self._editing is not None else "",
            "event": event.value,
            "hours": self.hours_spin.value() if event is EventKind.NO_REPLY else None,
            "enabled": self.enabled_check.isChecked(),
            "position": self.position_spin.value(),
            "conditions": [
                row.to_dict() for row in self.condition_rows.rows if isinstance(row, ConditionRow)
            ],
            "actions": [row.to_dict() for row in self.action_rows.rows if isinstance(row, ActionRow)],
        }
        if self._editing is not None:
            data["id"] = self._editing.id
        return data

    def save_current(self) -> None:
        try:
            data = self.document()
        except ValueError as exc:
            self._show_message(f"Not saved: {exc}.", error=True)
            return
        replica = self._ctx.replica
        self.save_button.setEnabled(False)
        self._show_message("Checking the rule against the others…")

        def done(result: WriteResult) -> None:
            self.save_button.setEnabled(True)
            self._show_message(f"Saved “{data['name']}”. It runs from now on and syncs to every desk.")
            self.saved.emit(result.entity_id)
            self.reload(select_id=result.entity_id)

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, OutpostError):
                self._show_message(error.message, error=True)
            else:
                self._show_message("")
                show_error(self, error)

        self._ctx.write(
            lambda: save_checked(replica, data), while_alive(self, done), while_alive(self, failed)
        )

    def delete_current(self) -> None:
        rule, store = self._editing, self._store
        if rule is None:
            return

        def done(result: WriteResult) -> None:
            self.saved.emit(result.entity_id)
            self.new_rule()
            self.reload()

        self._ctx.write(
            lambda: store.delete(rule.id),
            while_alive(self, done),
            while_alive(self, lambda error: show_error(self, error)),
        )

    # -- internals -------------------------------------------------------------------
    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("color: #c62828;" if error else "")

    def _choices_loaded(self, choices: RuleChoices) -> None:
        self._choices = choices
        self.new_rule()  # rows made before the choices arrived offer no queues or agents
        self.ready = True
        self.reload()

    def _loaded(self, rules: list[Rule]) -> None:
        self.model.set_rules(rules)
        row = self.model.row_of(self._select_after_load) if self._select_after_load else -1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _edit_row(self, row: int) -> None:
        rule = self.model.rule(row)
        if rule is None:
            return
        self._editing = rule
        self.name_edit.setText(rule.name)
        self.enabled_check.setChecked(rule.enabled)
        self.event_combo.setCurrentIndex(max(0, self.event_combo.findData(rule.event.value)))
        self.hours_spin.setValue(rule.hours or 24)
        self.position_spin.setValue(rule.position)
        self.condition_rows.clear()
        for condition in rule.conditions:
            row_widget = self.condition_rows.add_row()
            assert isinstance(row_widget, ConditionRow)
            row_widget.set_condition(condition)
        self.action_rows.clear()
        for action in rule.actions:
            action_row = self.action_rows.add_row()
            assert isinstance(action_row, ActionRow)
            action_row.set_action(action)
        self.delete_button.setEnabled(True)
        self._event_changed()

    def _event_changed(self) -> None:
        no_reply = self.event_combo.currentData() == EventKind.NO_REPLY.value
        self.hours_spin.setEnabled(no_reply)
        self._form_layout.setRowVisible(self.hours_spin, no_reply)
