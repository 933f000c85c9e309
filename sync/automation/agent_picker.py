"""Choosing an agent in a queue: round-robin or least-loaded, among those on shift.

The choice runs inside the caller's transaction (a rule's ``assign_*`` action or
:class:`~sync.automation.assignment.Assignment`).

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
from sync.replica.models import Person, QueueMember, ReplicaSetting, Ticket
from sync.replica.replica import set_setting
from sync.services.directory import AGENT_ROLES

__all__ = ["AgentOnShift", "Strategy", "agents_on_shift", "pick_agent"]


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


def _get(session: Session, key: str) -> str | None:
    row = session.get(ReplicaSetting, key)
    return None if row is None else row.value


def _key(session: Session, person_id: str) -> tuple[str, str]:
    person = session.get(Person, person_id)
    return ((person.name if person else ""), person_id)
