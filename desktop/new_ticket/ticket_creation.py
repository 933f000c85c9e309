"""Creating the ticket the new-ticket dialog describes: one write, all or nothing.

:func:`create_ticket_from_form` runs on the database thread. The new requester (when the
person typed one in), the ticket, and the template's checklist (when a template was used)
are written in ONE transaction (:meth:`TicketService.create_ticket` /
:meth:`TemplateService.create_from_draft` with ``new_requester``), so a refused ticket
leaves no stray requester behind.
"""

from __future__ import annotations

from sync.automation.ticket_templates import TemplateService, TicketTemplate
from sync.services.changes import WriteResult
from sync.services.directory import NewRequester
from sync.services.ticket_service import NewTicket, TicketService

__all__ = ["create_ticket_from_form"]


def create_ticket_from_form(
    tickets: TicketService,
    templates: TemplateService,
    draft: NewTicket,
    new_requester: NewRequester | None,
    template: TicketTemplate | None,
) -> WriteResult:
    """Database thread: the ticket (with ``new_requester`` as its requester when given, and
    the template's checklist when a template was used), in one unit of work."""
    if template is None:
        return tickets.create_ticket(draft, new_requester=new_requester)
    stored = {t.id for t in templates.list()}
    chosen = template.id if template.id in stored else template
    return templates.create_from_draft(chosen, draft, new_requester=new_requester)
