"""The ticket pane: one ticket's header, fields, conversation, composer, work log, attachments, links."""

from desktop.ticket_pane.ticket_pane import TicketPane

__all__ = ["TicketPane"]
