"""Ticket templates in the new-ticket dialog: pick "New starter", the form fills itself in.

:class:`TemplateChooser` is a combo box of the replica's templates — plus the built-in ones
(:func:`sync.automation.default_ticket_templates`) not installed here, so a fresh replica
offers them too — and "(none)". Choosing one fills the dialog's fields from it (subject,
description, type, queue, category, impact, urgency, tags); the person can still change
anything. :func:`create_ticket_from_form` then creates the ticket and the template's checklist
in one unit of work (:meth:`sync.automation.ticket_templates.TemplateService.create_from_draft`), adding a
new requester first when the dialog has one. UI thread only, except that function
(database thread).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.app_context import AppContext
from desktop.automation.live_callback import while_alive
from desktop.requester_lookup import RequesterChoice
from sync.automation.ticket_templates import TemplateService, TicketTemplate, default_ticket_templates
from sync.services.changes import WriteResult
from sync.services.directory import Directory
from sync.services.ticket_service import NewTicket, TicketService

if TYPE_CHECKING:
    from desktop.new_ticket_dialog import NewTicketDialog

__all__ = ["TemplateChooser", "available_templates", "create_ticket_from_form", "fill_form"]


def available_templates(service: TemplateService) -> list[TicketTemplate]:
    """Database thread: stored templates, then the built-in ones not stored, by name."""
    stored = service.list()
    have = {t.id for t in stored}
    extra = [t for t in default_ticket_templates() if t.id not in have]
    return sorted(stored + extra, key=lambda t: (t.name.casefold(), t.id))


def create_ticket_from_form(
    tickets: TicketService,
    templates: TemplateService,
    directory: Directory,
    draft: NewTicket,
    requester: RequesterChoice,
    template: TicketTemplate | None,
) -> WriteResult:
    """Database thread: add the new requester if there is one, then create the ticket (with
    the template's checklist when a template was used)."""
    changes = None
    if requester.is_new:
        added = directory.add_requester(
            requester.new_name, email=requester.new_email, phone=requester.new_phone
        )
        draft = replace(draft, requester_id=added.entity_id)
        changes = added.changes
    if template is None:
        result = tickets.create_ticket(draft)
    else:
        stored = {t.id for t in templates.list()}
        result = templates.create_from_draft(template.id if template.id in stored else template, draft)
    return result if changes is None else WriteResult(result.entity_id, result.changes | changes)


def fill_form(dialog: NewTicketDialog, template: TicketTemplate) -> None:
    """Put a template's fields into the dialog (the queue only when the template names one)."""
    dialog.subject_edit.setText(template.subject)
    dialog.description_edit.setPlainText(template.description)
    for combo, value in (
        (dialog.type_combo, template.type),
        (dialog.impact_combo, template.impact),
        (dialog.urgency_combo, template.urgency),
    ):
        if (index := combo.findData(value)) >= 0:
            combo.setCurrentIndex(index)
    if template.queue_id and (index := dialog.queue_combo.findData(template.queue_id)) >= 0:
        dialog.queue_combo.setCurrentIndex(index)
    if template.category:
        index = dialog.category_combo.findData(template.category)
        if index < 0:  # a category this queue does not list yet: offer it anyway
            dialog.category_combo.addItem(template.category, template.category)
            index = dialog.category_combo.count() - 1
        dialog.category_combo.setCurrentIndex(index)
    dialog.tags_edit.setText(" ".join(template.tags))


class TemplateChooser(QComboBox):
    #: The template chosen (None for "no template").
    template_chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateCombo")
        self.setToolTip("Start from a template for a common request; its checklist comes with it")
        self._templates: list[TicketTemplate] = []
        self.addItem("(none)", None)
        self.currentIndexChanged.connect(self._chosen)
        self.service = service = TemplateService(ctx.replica)
        ctx.read(lambda: available_templates(service), while_alive(self, self._loaded), lambda _error: None)

    @property
    def loaded(self) -> bool:
        return bool(self._templates)

    def template(self) -> TicketTemplate | None:
        data = self.currentData()
        return next((t for t in self._templates if t.id == data), None)

    def choose(self, name: str) -> bool:
        index = self.findText(name)
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0

    def _loaded(self, templates: list[TicketTemplate]) -> None:
        self._templates = templates
        for template in templates:
            self.addItem(template.name, template.id)
            tip = f"{len(template.checklist)} checklist steps"
            self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)

    def _chosen(self, _index: int) -> None:
        self.template_chosen.emit(self.template())
