"""What runs after every ticket write, in the write's own transaction.

Called through :func:`sync.services.ticket_writes.after_ticket_write` by each ticket
service once it has changed the ticket and journaled the intent:

1. each written ticket's stored SLA columns are recomputed at the write's device time
   (:func:`~sync.services.sla_service.refresh_ticket_sla`);
2. the writes' events (created / updated / status changed), plus SLA warning and breach
   events for clocks now in those states, run the enabled rules
   (:class:`~sync.automation.rule_engine.RuleRun`), whose actions go through the same
   services and are journaled with a rule marker.

With no rules configured, step 2 costs one settings read and no mutation gets a marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from sync.automation.rule_engine import AutomationOutcome, RuleRun, TicketEvent, events_for_write, sla_events
from sync.automation.rule_model import EventKind
from sync.automation.rule_store import load_rules
from sync.replica.models import Mutation
from sync.services.sla_service import refresh_ticket_sla
from sync.services.ticket_operations import TicketWrite
from sync.sla import SlaStatus

__all__ = ["run_after_write"]


def run_after_write(
    session: Session, writes: Sequence[TicketWrite], *, now: datetime, actor: str
) -> AutomationOutcome:
    statuses: dict[str, SlaStatus] = {}
    for write in writes:
        if write.ticket_id not in statuses:
            statuses[write.ticket_id] = refresh_ticket_sla(session, write.ticket_id, now)
    rules = load_rules(session)
    if not rules.rules:
        return AutomationOutcome()
    events: list[TicketEvent] = []
    mutations: dict[str, Mutation] = {}
    for write in writes:
        events += events_for_write(write)
        if write.mutation is not None:
            mutations[write.mutation.id] = write.mutation
    if rules.has_event(EventKind.SLA_WARNING, EventKind.SLA_BREACH):
        for ticket_id, status in statuses.items():
            events += sla_events(ticket_id, status)
    return RuleRun(session, rules, now=now, actor=actor).run(events, mutations.values())
