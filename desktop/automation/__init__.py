"""The desktop's side of SLAs and automation that is not part of one screen, over :mod:`sync.automation`.

One concept per module:

* ``breach_notifier`` — tray / status-bar notices for my tickets about to breach;
* ``due_rules_timer`` — runs the time-based rules on the app's timer;
* ``macro_list_model``, ``macro_manager_dialog`` — canned responses and their editor;
* ``rule_list_model``, ``rule_rows``, ``rule_editor_dialog``, ``admin_gate`` — the admins' rule editor;
* ``window_automation`` — the main window's automation menu and timers.

The ticket pane's own parts (SLA box, macro button, checklist tab) live in
:mod:`desktop.ticket_pane`, the template chooser in :mod:`desktop.new_ticket`.
Nothing here touches SQL: every read and write goes through ``ctx.read`` / ``ctx.write``.
"""
