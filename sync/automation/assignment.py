"""Assigning a ticket to the next agent on shift, as a user action.

The choice itself (round-robin or least-loaded, the rotation pointer) is
:mod:`sync.automation.agent_picker`, which the rules' ``assign_*`` actions use too.
"""

from __future__ import annotations

from datetime import datetime

from sync.automation.agent_picker import AgentOnShift, Strategy, agents_on_shift, pick_agent
from sync.errors import ValidationError
from sync.replica.replica import Replica
from sync.services.changes import ChangeSet, WriteResult
from sync.services.ticket_operations import TicketWrite, apply_update
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import after_ticket_write

__all__ = ["AgentOnShift", "Assignment", "Strategy", "agents_on_shift", "pick_agent"]


class Assignment:
    """Assigning to "the next agent" as a user action (a button, ``outpost ticket autoassign``)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def on_shift(self, queue_id: str, now: datetime | None = None) -> list[AgentOnShift]:
        with self.replica.read() as s:
            return agents_on_shift(s, queue_id, now or self.replica.clock())

    def assign_next(self, ticket_id: str, strategy: Strategy | str = Strategy.ROUND_ROBIN) -> WriteResult:
        strategy = Strategy(strategy)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            ticket = load_ticket(s, ticket_id)
            agent = pick_agent(s, ticket.queue_id, strategy, now)
            if agent is None:
                raise ValidationError("Nobody in this ticket's queue is on shift now; assign it by hand.")
            note = f"assigned {strategy.value.replace('_', '-')}"
            outcome = apply_update(s, ticket_id, {"assignee_id": agent}, now=now, actor=actor, note=note)
            if outcome.mutation is None:
                return WriteResult(ticket_id, ChangeSet())
            after_ticket_write(
                s, [TicketWrite(ticket_id, outcome.mutation, changes=outcome.plan)], now=now, actor=actor
            )
        return WriteResult(ticket_id, ChangeSet(tickets=frozenset({ticket_id}), journal=True))
