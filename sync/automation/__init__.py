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
"""

from sync.automation.assignment import AgentOnShift, Assignment, Strategy
from sync.automation.checklists import Checklist, ChecklistItem, Checklists
from sync.automation.due_rules import DueRunResult, run_due_rules
from sync.automation.macros import Macro, MacroService
from sync.automation.markers import action_mutation_id, execution_id
from sync.automation.notifications import Notifications, NotificationView
from sync.automation.placeholders import PLACEHOLDERS, render
from sync.automation.rule_engine import MAX_CASCADE_DEPTH, AutomationOutcome, LoopStop, RuleFiring
from sync.automation.rule_model import (
    CONDITION_FIELDS,
    OPERATORS,
    SETTABLE_FIELDS,
    Action,
    ActionKind,
    Condition,
    EventKind,
    Rule,
)
from sync.automation.rule_store import RuleStore
from sync.automation.shifts import Shift, ShiftStore
from sync.automation.ticket_templates import TemplateService, TicketTemplate, default_ticket_templates

__all__ = [
    "CONDITION_FIELDS",
    "MAX_CASCADE_DEPTH",
    "OPERATORS",
    "PLACEHOLDERS",
    "SETTABLE_FIELDS",
    "Action",
    "ActionKind",
    "AgentOnShift",
    "Assignment",
    "AutomationOutcome",
    "Checklist",
    "ChecklistItem",
    "Checklists",
    "Condition",
    "DueRunResult",
    "EventKind",
    "LoopStop",
    "Macro",
    "MacroService",
    "NotificationView",
    "Notifications",
    "Rule",
    "RuleFiring",
    "RuleStore",
    "Shift",
    "ShiftStore",
    "Strategy",
    "TemplateService",
    "TicketTemplate",
    "action_mutation_id",
    "default_ticket_templates",
    "execution_id",
    "render",
    "run_due_rules",
]
