"""The desktop's side of SLAs and automation (issue 7), over :mod:`sync.automation`.

One concept per module:

* ``sla_panel`` — the ticket pane's SLA box (policy, each clock's deadline and time left, state);
* ``breach_notifier`` — tray / status-bar notices for my tickets about to breach;
* ``macro_list_model``, ``macro_button``, ``macro_manager_dialog`` — canned responses;
* ``checklist_model``, ``checklist_panel`` — a ticket's checklist, ticked off in the pane;
* ``template_chooser`` — ticket templates in the new-ticket dialog;
* ``rule_list_model``, ``rule_rows``, ``rule_editor_dialog``, ``admin_gate`` — the admins' rule editor;
* ``pane_automation`` — wires the pane's parts in one place.

Nothing here imports the ticket pane at import time (the pane imports ``pane_automation``),
and nothing touches SQL: every read and write goes through ``ctx.read`` / ``ctx.write``.
"""
