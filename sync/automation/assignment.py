"""Choosing an agent in a queue: round-robin or least-loaded, among those on shift.

Candidates are the queue's members who are active agents and on shift at the moment of
the assignment (:mod:`sync.automation.shifts`; no shift defined means always on).

* **Round-robin** takes the next candidate after the one this queue last received, in a
  fixed order (name, then id), wrapping around; candidates off shift are passed over.
* **Least-loaded** takes the candidate with the fewest open tickets (any queue; open as in
  :data:`~sync.domain.ticket_status.OPEN_STATUSES`), ties broken in round-robin order.

The rotation pointer (the last agent given a ticket per queue) is a local replica setting,
written in the same transaction as the assignment: the assignment itself syncs as an
ordinary ``ticket.update``, so the server never needs to repeat the choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.automation.shifts import is_on_shift, load_shifts
from sync.domain.ticket_status import OPEN_STATUSES
from sync.errors import ValidationError
from sync.replica.models import Person, QueueMember, ReplicaSetting, Ticket
from sync.replica.replica import Replica, set_setting
from sync.services.changes import ChangeSet, WriteResult
from sync.services.directory import AGENT_ROLES
from sync.services.ticket_service import apply_update
from sync.services.ticket_state import acting_user, load_ticket
from sync.services.ticket_writes import TicketWrite, after_ticket_write

__all__ = ["AgentOnShift", "Assignment", "Strategy", "agents_on_shift", "pick_agent"]


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


@dataclass(frozen=True)
class AgentOnShift:
    id: str
    name: str
    open_tickets: int


def _pointer_key(queue_id: str) -> str:
    return f"assign.last.{queue_id}"


def agents_on_shift(session: Session, queue_id: str, now: datetime) -> list[AgentOnShift]:
    """The queue's active agents on shift at ``now``, in rotation order, with their load."""
    members = session.execute(
        select(Person.id, Person.name)
        .join(QueueMember, QueueMember.person_id == Person.id)
        .where(QueueMember.queue_id == queue_id, Person.active.is_(True), Person.role.in_(AGENT_ROLES))
        .order_by(Person.name, Person.id)
    ).all()
    shifts = load_shifts(session)
    on = [(pid, name) for pid, name in members if is_on_shift(shifts, pid, now)]
    if not on:
        return []
    loads = dict(
        session.execute(
            select(Ticket.assignee_id, func.count())
            .where(Ticket.assignee_id.in_([pid for pid, _ in on]), Ticket.status.in_(sorted(OPEN_STATUSES)))
            .group_by(Ticket.assignee_id)
        ).all()
    )
    return [AgentOnShift(pid, name, int(loads.get(pid, 0))) for pid, name in on]


def pick_agent(session: Session, queue_id: str, strategy: Strategy, now: datetime) -> str | None:
    """The agent to give the next ticket of ``queue_id`` (None when nobody is on shift),
    and move the queue's rotation pointer to them, in the caller's transaction."""
    candidates = agents_on_shift(session, queue_id, now)
    if not candidates:
        return None
    last = _get(session, _pointer_key(queue_id))
    order = sorted(candidates, key=lambda agent: (agent.name, agent.id))
    start = 0
    if last is not None:
        # Next after the last one in the fixed order, even if the last one is now off shift.
        start = next((i for i, agent in enumerate(order) if (agent.name, agent.id) > _key(session, last)), 0)
    rotation = order[start:] + order[:start]
    if strategy is Strategy.LEAST_LOADED:
        fewest = min(agent.open_tickets for agent in rotation)
        rotation = [agent for agent in rotation if agent.open_tickets == fewest]
    chosen = rotation[0].id
    set_setting(session, _pointer_key(queue_id), chosen)
    return chosen


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


def _get(session: Session, key: str) -> str | None:
    row = session.get(ReplicaSetting, key)
    return None if row is None else row.value


def _key(session: Session, person_id: str) -> tuple[str, str]:
    person = session.get(Person, person_id)
    return ((person.name if person else ""), person_id)
