"""Ticket templates in the new-ticket dialog: pick "New starter", the form fills itself in.

:class:`TemplateChooser` is a combo box of the replica's templates — plus the built-in ones
(:func:`sync.automation.ticket_templates.default_ticket_templates`) not installed here, so a
fresh replica offers them too — and "(none)". Choosing one emits :attr:`template_chosen`;
the dialog fills its own fields from it
(:meth:`~desktop.new_ticket.new_ticket_dialog.NewTicketDialog.apply_template`) and the
ticket is created with the template's checklist
(:mod:`desktop.new_ticket.ticket_creation`). UI thread only, except
:func:`available_templates` (database thread).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.app_context import AppContext
from desktop.live_callback import while_alive
from sync.automation.ticket_templates import TemplateService, TicketTemplate, default_ticket_templates

__all__ = ["TemplateChooser", "available_templates"]


def available_templates(service: TemplateService) -> list[TicketTemplate]:
    """Database thread: stored templates, then the built-in ones not stored, by name."""
    stored = service.list()
    have = {t.id for t in stored}
    extra = [t for t in default_ticket_templates() if t.id not in have]
    return sorted(stored + extra, key=lambda t: (t.name.casefold(), t.id))


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
