"""The new-ticket screen: the dialog, its requester lookup and its template chooser.

* ``new_ticket_dialog`` — :class:`NewTicketDialog`, the form (it owns every field; a chosen
  template is applied by the dialog itself);
* ``requester_lookup`` — find the caller, or type in a new requester;
* ``template_chooser`` — the combo of ticket templates; it only says which one was chosen;
* ``ticket_creation`` — the one write that creates the ticket, its new requester and its
  template's checklist together (database thread).

This file imports nothing, so importing one module does not load the others.
"""
