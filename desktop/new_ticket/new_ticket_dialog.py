"""Taking a ticket on the phone or at the desk, keyboard first.

Contract for the main window: ``NewTicketDialog(ctx, parent)``; run it with ``open()`` or
``exec()``. Accepting (Enter in a line field, Ctrl+Enter in the description, or the
Create button) creates the ticket with ONE ``ctx.write`` and one transaction — which also
adds the requester when "New requester" was used, and the template's checklist — then
sets :attr:`created_ticket_id`, emits :attr:`ticket_created` and closes. A refused ticket
(no subject, a bad e-mail ...) shows its message, adds nothing, and the dialog stays open
with everything typed. Esc cancels.

The fields follow the order of a phone call: who is calling, what happened, then how bad
it is; the priority shown is :func:`sync.domain.priority.priority_for` of the impact and
urgency chosen, updated as they change. Queues load on the database thread when the
dialog opens; the category list follows the queue. The location and the assets are picked
from the register (:mod:`desktop.new_ticket.place_picker`) or typed as free text; picked
ones are linked in the same unit of work that creates the ticket, so an offline create and
its links are one action and sync together. UI thread only.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desktop.app_context import AppContext
from desktop.error_display import show_error
from desktop.error_message import error_reporter
from desktop.new_ticket.place_picker import AssetPicker, LocationPicker
from desktop.new_ticket.requester_lookup import RequesterLookup
from desktop.new_ticket.template_chooser import TemplateChooser
from desktop.new_ticket.ticket_creation import create_ticket_from_form
from desktop.ticket_pane.field_choices import CHANNEL_CHOICES, IMPACT_CHOICES, TYPE_CHOICES, URGENCY_CHOICES
from sync.automation.ticket_templates import TicketTemplate
from sync.domain.priority import priority_for
from sync.services.changes import WriteResult
from sync.services.directory import PersonView, QueueView
from sync.services.ticket_service import NewTicket

__all__ = ["NewTicketDialog"]


class _DescriptionEdit(QPlainTextEdit):
    submit = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit.emit()
            return
        super().keyPressEvent(event)


class NewTicketDialog(QDialog):
    ticket_created = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._queues: list[QueueView] = []
        self.created_ticket_id: str | None = None
        self.setWindowTitle("New ticket")
        self.setObjectName("newTicketDialog")
        self.requester = RequesterLookup(ctx)
        self.requester.person_chosen.connect(self._requester_chosen)
        self.subject_edit = QLineEdit(placeholderText="In a few words: what is wrong?")
        self.subject_edit.setObjectName("subjectEdit")
        self.description_edit = _DescriptionEdit()
        self.description_edit.setObjectName("descriptionEdit")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText("What the caller says, what they tried, error messages")
        self.description_edit.submit.connect(self.accept)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("typeCombo")
        for label, value in TYPE_CHOICES:
            self.type_combo.addItem(label, value)
        self.channel_combo = QComboBox()  # how the request came in; phone unless changed
        self.channel_combo.setObjectName("channelCombo")
        for label, value in CHANNEL_CHOICES:
            self.channel_combo.addItem(label, value)
        self.queue_combo = QComboBox()
        self.queue_combo.setObjectName("queueCombo")
        self.queue_combo.currentIndexChanged.connect(self._queue_changed)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("categoryCombo")
        self.impact_combo = QComboBox()
        self.impact_combo.setObjectName("impactCombo")
        self.urgency_combo = QComboBox()
        self.urgency_combo.setObjectName("urgencyCombo")
        for combo, choices in ((self.impact_combo, IMPACT_CHOICES), (self.urgency_combo, URGENCY_CHOICES)):
            for level_text, level in choices:
                combo.addItem(level_text, level)
            combo.setCurrentIndex(combo.count() - 1)  # low until the caller says otherwise
            combo.currentIndexChanged.connect(self._show_priority)
        self.priority_label = QLabel()
        self.priority_label.setObjectName("priorityLabel")
        self.location_picker = LocationPicker(ctx)  # a place from the register, or free text
        self.location_edit = self.location_picker.search_edit
        self.asset_picker = AssetPicker(ctx)  # assets from the register, or free text
        self.asset_edit = self.asset_picker.search_edit
        self.tags_edit = QLineEdit(placeholderText="words separated by spaces")
        self.tags_edit.setObjectName("tagsEdit")
        self.template_combo = TemplateChooser(ctx)  # fills the form; its checklist comes along
        self.template_combo.template_chosen.connect(self._template_chosen)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("&Create ticket", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout(self)
        form.addRow("&Requester", self.requester)
        form.addRow("Came i&n by", self.channel_combo)
        form.addRow("Te&mplate", self.template_combo)
        form.addRow("&Subject", self.subject_edit)
        form.addRow("&Description", self.description_edit)
        form.addRow("T&ype", self.type_combo)
        form.addRow("&Queue", self.queue_combo)
        form.addRow("Ca&tegory", self.category_combo)
        form.addRow("&Impact", self.impact_combo)
        form.addRow("&Urgency", self.urgency_combo)
        form.addRow("Priority", self.priority_label)
        form.addRow("&Location", self.location_picker)
        form.addRow("&Asset", self.asset_picker)
        form.addRow("Ta&gs", self.tags_edit)
        form.addRow(self.buttons)
        order = [
            self.requester.search_edit,
            self.channel_combo,
            self.template_combo,
            self.subject_edit,
            self.description_edit,
            self.type_combo,
            self.queue_combo,
            self.category_combo,
            self.impact_combo,
            self.urgency_combo,
            self.location_edit,
            self.asset_edit,
            self.tags_edit,
            self.create_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self._show_priority()
        self.resize(620, self.sizeHint().height())
        self.requester.search_edit.setFocus()
        directory = ctx.directory
        ctx.read(directory.queues, self._queues_loaded, error_reporter(self))

    def draft(self) -> NewTicket:
        """The ticket as filled in so far (the requester comes from :meth:`RequesterLookup.choice`)."""
        person = self.requester.choice().person
        return NewTicket(
            subject=self.subject_edit.text().strip(),
            queue_id=self.queue_combo.currentData() or "",
            description=self.description_edit.toPlainText().strip(),
            type=self.type_combo.currentData(),
            category=self.category_combo.currentData() or "",
            impact=self.impact_combo.currentData(),
            urgency=self.urgency_combo.currentData(),
            requester_id=person.id if person is not None else None,
            location=self.location_picker.text(),
            asset=self.asset_picker.free_text(),
            tags=tuple(self.tags_edit.text().replace(",", " ").split()),
            channel=self.channel_combo.currentData(),
            asset_ids=self.asset_picker.asset_ids(),
            location_id=self.location_picker.location_id(),
        )

    def accept(self) -> None:
        if not self.create_button.isEnabled():
            return  # already creating
        if not self.subject_edit.text().strip():
            self.subject_edit.setFocus()
            self.subject_edit.setPlaceholderText("A subject is needed to create the ticket")
            return
        draft, new_requester = self.draft(), self.requester.choice().new_requester()
        tickets = self._ctx.tickets
        templates, template = self.template_combo.service, self.template_combo.template()
        self.create_button.setEnabled(False)
        self._ctx.write(
            lambda: create_ticket_from_form(tickets, templates, draft, new_requester, template),
            self._created,
            self._failed,
        )

    # -- internals -------------------------------------------------------------------
    def _created(self, result: WriteResult) -> None:
        self.create_button.setEnabled(True)
        self.created_ticket_id = result.entity_id
        super().accept()
        self.ticket_created.emit(result.entity_id)

    def _failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        show_error(self, error)

    def _queues_loaded(self, queues: list[QueueView]) -> None:
        self._queues = queues
        self.queue_combo.clear()
        for queue in queues:
            self.queue_combo.addItem(queue.name, queue.id)
            self.queue_combo.setItemData(
                self.queue_combo.count() - 1, queue.description, Qt.ItemDataRole.ToolTipRole
            )

    def _queue_changed(self, _index: int) -> None:
        queue_id = self.queue_combo.currentData()
        self.category_combo.clear()
        self.category_combo.addItem("(none)", "")
        for queue in self._queues:
            if queue.id == queue_id:
                for category in queue.categories:
                    self.category_combo.addItem(category, category)

    def _show_priority(self) -> None:
        priority = priority_for(self.impact_combo.currentData(), self.urgency_combo.currentData())
        self.priority_label.setText(f"{priority.label}  (from impact × urgency)")

    def apply_template(self, template: TicketTemplate) -> None:
        """Put a template's fields into the form (the queue only when the template names one);
        the person can still change anything."""
        self.subject_edit.setText(template.subject)
        self.description_edit.setPlainText(template.description)
        for combo, value in (
            (self.type_combo, template.type),
            (self.impact_combo, template.impact),
            (self.urgency_combo, template.urgency),
        ):
            if (index := combo.findData(value)) >= 0:
                combo.setCurrentIndex(index)
        if template.queue_id and (index := self.queue_combo.findData(template.queue_id)) >= 0:
            self.queue_combo.setCurrentIndex(index)
        if template.category:
            index = self.category_combo.findData(template.category)
            if index < 0:  # a category this queue does not list yet: offer it anyway
                self.category_combo.addItem(template.category, template.category)
                index = self.category_combo.count() - 1
            self.category_combo.setCurrentIndex(index)
        self.tags_edit.setText(" ".join(template.tags))

    def _template_chosen(self, template: TicketTemplate | None) -> None:
        if template is not None:
            self.apply_template(template)

    def _requester_chosen(self, person: PersonView) -> None:
        if person.location and not self.location_edit.text():
            self.location_picker.set_text(person.location)
