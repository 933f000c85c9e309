"""A small manager for macros: my personal ones, and shared ones for managers and admins.

Left, the macros I can use (:class:`MacroListModel`); right, a form for the selected one:
name, reply or internal note, the message (placeholders listed in the tooltip and a menu),
a status to set, "assign to me", tags to add. Saving goes through
:meth:`sync.automation.macros.MacroService.save` (journaled ``config.macros``, so it syncs); the
service refuses what the person may not do (someone else's macro, shared without the role)
and the message says why. "Shared" is only offered to managers and admins. UI thread only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.automation.macro_list_model import MacroListModel
from desktop.error_display import show_error
from desktop.live_callback import while_alive
from sync.automation.macros import Macro, MacroService
from sync.automation.placeholders import PLACEHOLDERS
from sync.domain.ticket_status import TicketStatus
from sync.errors import OutpostError
from sync.services.changes import WriteResult

__all__ = ["MacroManagerDialog"]

_SHARED_ROLES = ("manager", "admin")


class MacroManagerDialog(QDialog):
    #: A macro was saved or deleted (its id).
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Macros")
        self.setObjectName("macroManager")
        self._ctx = ctx
        self._service = MacroService(ctx.replica)
        self._editing: Macro | None = None
        self._select_after_load: str | None = None
        self.may_share = False
        self.model = MacroListModel(self)
        self.list_view = QListView()
        self.list_view.setObjectName("macroList")
        self.list_view.setModel(self.model)
        self.list_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._edit_row(cur.row())
        )
        self.new_button = QPushButton("&New")
        self.new_button.clicked.connect(self.new_macro)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.clicked.connect(self.delete_current)

        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("macroName")
        self.shared_check = QCheckBox("Shared with every agent")
        self.shared_check.setObjectName("macroShared")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("macroKind")
        self.kind_combo.addItem("Reply to the requester", "reply")
        self.kind_combo.addItem("Internal note", "note")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("macroBody")
        self.body_edit.setPlaceholderText("Hi {requester.first_name}, about {ticket.number}: …")
        self.body_edit.setToolTip(
            "Placeholders:\n" + "\n".join(f"{{{name}}} – {what}" for name, what in PLACEHOLDERS.items())
        )
        self.placeholder_button = QPushButton("Insert placeholder")
        placeholder_menu = QMenu(self.placeholder_button)
        for name, what in PLACEHOLDERS.items():
            action = placeholder_menu.addAction(f"{{{name}}}  –  {what}")
            action.triggered.connect(lambda _c=False, n=name: self.body_edit.insertPlainText(f"{{{n}}}"))
        self.placeholder_button.setMenu(placeholder_menu)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("macroStatus")
        self.status_combo.addItem("(leave as it is)", None)
        for status in TicketStatus:
            self.status_combo.addItem(status.label, status.value)
        self.assign_me_check = QCheckBox("Assign the ticket to whoever applies it")
        self.assign_me_check.setObjectName("macroAssignMe")
        self.tags_edit = QLineEdit(placeholderText="tags to add, separated by spaces")
        self.tags_edit.setObjectName("macroTags")
        self.message_label = QLabel()
        self.message_label.setObjectName("macroMessage")
        self.message_label.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("macroSave")
        self.save_button.clicked.connect(self.save_current)

        form_box = QWidget()
        form = QFormLayout(form_box)
        form.addRow("&Name", self.name_edit)
        form.addRow("", self.shared_check)
        form.addRow("&Writes", self.kind_combo)
        form.addRow("&Message", self.body_edit)
        form.addRow("", self.placeholder_button)
        form.addRow("Set &status", self.status_combo)
        form.addRow("", self.assign_me_check)
        form.addRow("Add &tags", self.tags_edit)
        form.addRow(self.message_label)
        form.addRow("", self.save_button)
        left = QVBoxLayout()
        left.addWidget(self.list_view, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.new_button)
        buttons_row.addWidget(self.delete_button)
        left.addLayout(buttons_row)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(form_box, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.resize(760, 460)
        self.new_macro()
        self.reload()
        me, directory = ctx.replica.current_user_id, ctx.directory
        if me is not None:
            ctx.read(lambda: directory.person(me).role, while_alive(self, self._role_loaded), lambda _e: None)

    # -- public ----------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        self._select_after_load = select_id
        service = self._service
        self._ctx.read(
            service.list, while_alive(self, self._loaded), while_alive(self, lambda e: show_error(self, e))
        )

    def new_macro(self) -> None:
        self._editing = None
        self._select_after_load = None  # a list still loading must not take the form back
        self.list_view.clearSelection()
        self.name_edit.clear()
        self.shared_check.setChecked(False)
        self.kind_combo.setCurrentIndex(0)
        self.body_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.assign_me_check.setChecked(False)
        self.tags_edit.clear()
        self.message_label.clear()
        self.save_button.setEnabled(True)
        self.save_button.setToolTip("")
        self.delete_button.setEnabled(False)
        self.name_edit.setFocus()

    def document(self) -> dict[str, Any]:
        """The macro as the form shows it, as :meth:`Macro.from_dict` reads it."""
        changes: dict[str, Any] = {}
        if self.status_combo.currentData():
            changes["status"] = self.status_combo.currentData()
        if self.assign_me_check.isChecked():
            changes["assignee_id"] = "me"
        keep = self._editing
        if keep is not None:  # fields this form does not edit are kept as they were
            changes = {
                **{k: v for k, v in keep.changes.items() if k not in ("status", "assignee_id")},
                **changes,
            }
        data: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "body": self.body_edit.toPlainText().strip(),
            "kind": self.kind_combo.currentData(),
            "changes": changes,
            "add_tags": self.tags_edit.text().replace(",", " ").split(),
            "remove_tags": list(keep.remove_tags) if keep is not None else [],
            "owner_id": None if self.shared_check.isChecked() else self._ctx.replica.current_user_id,
        }
        if keep is not None:
            data["id"] = keep.id
        return data

    def save_current(self) -> None:
        data, service = self.document(), self._service
        self.save_button.setEnabled(False)

        def done(result: WriteResult) -> None:
            self.save_button.setEnabled(True)
            self.message_label.setText(f"Saved “{data['name']}”.")
            self.saved.emit(result.entity_id)
            self.reload(select_id=result.entity_id)

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, OutpostError):  # refused: say why beside the form
                self.message_label.setText(error.message)
            else:
                show_error(self, error)

        self._ctx.write(lambda: service.save(data), while_alive(self, done), while_alive(self, failed))

    def delete_current(self) -> None:
        macro, service = self._editing, self._service
        if macro is None:
            return

        def done(result: WriteResult) -> None:
            self.saved.emit(result.entity_id)
            self.new_macro()
            self.reload()

        self._ctx.write(
            lambda: service.delete(macro.id),
            while_alive(self, done),
            while_alive(self, lambda error: show_error(self, error)),
        )

    # -- internals -------------------------------------------------------------------
    def _role_loaded(self, role: str) -> None:
        self.may_share = role in _SHARED_ROLES
        self._show_share_rights()

    def _show_share_rights(self) -> None:
        self.shared_check.setEnabled(self.may_share)
        self.shared_check.setToolTip(
            "" if self.may_share else "Only managers and admins can share macros; yours are personal."
        )

    def _loaded(self, macros: list[Macro]) -> None:
        self.model.set_macros(macros)
        row = self.model.row_of(self._select_after_load) if self._select_after_load else -1
        if row >= 0:
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _edit_row(self, row: int) -> None:
        macro = self.model.macro(row)
        if macro is None:
            return
        self._editing = macro
        self.name_edit.setText(macro.name)
        self.shared_check.setChecked(macro.shared)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(macro.kind.value)))
        self.body_edit.setPlainText(macro.body)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(macro.changes.get("status"))))
        self.assign_me_check.setChecked(macro.changes.get("assignee_id") == "me")
        self.tags_edit.setText(" ".join(macro.add_tags))
        self.message_label.clear()
        may_edit = not macro.shared or self.may_share
        self.save_button.setEnabled(may_edit)
        self.delete_button.setEnabled(may_edit)
        self.save_button.setToolTip("" if may_edit else "Only managers and admins can change shared macros.")
