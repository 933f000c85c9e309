"""Automation that runs offline: rules, assignment, macros, ticket templates and checklists.

Everything here runs on the replica through the normal services, in the same transaction as
the action that caused it, and is journaled so it syncs (see ``docs/sla-and-automation.md``):

* rules — :class:`Rule` data ("when EVENT and CONDITIONS then ACTIONS") kept by
  :class:`RuleStore`; event rules run inside every ticket write
  (:mod:`sync.automation.write_hook`), time rules in :func:`run_due_rules` on the app's timer;
  exactly once per event, loops stopped (:mod:`sync.automation.rule_engine`);
* assignment — round-robin / least-loaded among agents on shift (:class:`Assignment`,
  :class:`ShiftStore`);
* macros — canned replies with placeholders plus field changes (:class:`MacroService`);
* ticket templates with checklists (:class:`TemplateService`, :class:`Checklists`);
* notifications — what rules sent an agent, and their tickets about to breach
  (:class:`Notifications`).

Every service method is one unit of work on the database thread; none imports Qt.

This package file imports nothing: import each name from its module. A package
``__init__`` that re-exported the user actions (macros, templates, assignment) made every
import of a rule module load them too, which closed an import cycle through
:mod:`sync.services.ticket_writes`.
"""
