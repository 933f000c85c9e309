"""Time-based automation: SLA warnings and breaches, and "no reply for N hours".

The app calls :func:`run_due_rules` on a timer (every minute is plenty) on the database
worker thread. One call is one write transaction that

1. **refreshes the SLA columns of the tickets whose state can change with time**: those
   stored as ``ok`` or ``warning`` whose deadline falls within the horizon in which any
   clock could cross its warning fraction (for every policy, priority and clock,
   ``add_business_seconds(now, (1 - warn_at) * target)``; a running clock's deadline does
   not move, so a ticket beyond it cannot warn or breach yet). Paused, met and breached
   tickets cannot change without a write, which refreshes them itself;
2. raises ``sla_warning`` / ``sla_breach`` events for the refreshed clocks in those states,
   and ``no_reply`` events for tickets that are new, open or in progress whose requester
   has waited at least a rule's ``hours`` for an agent's public reply (since creation, or
   since their first message after the last agent reply);
   and ``rating_received`` events for the requesters' ratings pulled in the last week
   (:mod:`sync.automation.rating_events`);
3. runs the matching rules (:class:`~sync.automation.rule_engine.RuleRun`): the event ids
   are derived from the ticket's facts, so a firing recorded once is never repeated, on the
   next tick, after a restart, or on another replica that syncs its execution.

Work is bounded by the candidates, not the replica: with 100k tickets it touches the few
hundred whose deadlines are near.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sync.automation.rating_events import rating_events
from sync.automation.rule_engine import (
    AutomationOutcome,
    LoopStop,
    RuleFiring,
    RuleRun,
    TicketEvent,
    sla_events,
)
from sync.automation.rule_model import EventKind
from sync.automation.rule_store import load_rules
from sync.domain.priority import Priority
from sync.replica.models import ReplicaSetting, Ticket
from sync.replica.replica import Replica
from sync.services.sla_facts import compute_ticket_sla, load_facts, parse_stored_time
from sync.services.sla_recompute import stored_time_text
from sync.services.sla_service import load_sla_config, stored_columns
from sync.sla import SlaConfig, SlaState, SlaStatus
from sync.sla.local_time import epoch_seconds

__all__ = ["DueRunResult", "run_due_rules", "warning_horizon"]

_CHUNK = 500
_WAITING = ("new", "open", "in_progress")


@dataclass(frozen=True)
class DueRunResult:
    refreshed: int  # tickets whose SLA columns were recomputed
    changed: frozenset[str]  # tickets whose stored SLA columns or fields changed
    fired: tuple[RuleFiring, ...] = ()
    stopped: tuple[LoopStop, ...] = ()
    failed: tuple[str, ...] = field(default=())


def warning_horizon(config: SlaConfig, now: datetime) -> datetime:
    """The latest deadline of a running clock that could be in warning at ``now``."""
    latest = now
    for policy in config.policies.values():
        for priority in Priority:
            targets = policy.targets_for(priority)
            calendar = config.calendars[policy.calendar_for(priority)]
            for target in (targets.first_response, targets.resolution):
                remaining = math.ceil((1 - policy.warn_at) * target)
                latest = max(latest, calendar.add_business_seconds(now, remaining))
    return latest


def run_due_rules(replica: Replica, now: datetime | None = None) -> DueRunResult:
    """Refresh time-dependent SLA states and run the time-based rules (see the module docstring)."""
    now = now or replica.clock()
    with replica.write() as s:
        actor_row = s.get(ReplicaSetting, "current_user_id")
        statuses = _refresh_running(s, now)
        changed = {tid for tid, (_status, moved) in statuses.items() if moved}
        rules = load_rules(s)
        if actor_row is None or not rules.rules:
            return DueRunResult(len(statuses), frozenset(changed))
        events: list[TicketEvent] = []
        if rules.has_event(EventKind.SLA_WARNING, EventKind.SLA_BREACH):
            for tid, (status, _moved) in statuses.items():
                events += sla_events(tid, status)
        for hours in sorted({rule.hours for rule in rules.for_event(EventKind.NO_REPLY) if rule.hours}):
            events += _no_reply_events(s, now, hours)
        if rules.has_event(EventKind.RATING_RECEIVED):
            events += rating_events(s, now)
        outcome: AutomationOutcome = RuleRun(s, rules, now=now, actor=actor_row.value).run(events)
        changed |= {firing.ticket_id for firing in outcome.fired}
        return DueRunResult(
            len(statuses),
            frozenset(changed),
            tuple(outcome.fired),
            tuple(outcome.stopped),
            tuple(outcome.failed),
        )


def _refresh_running(s: Session, now: datetime) -> dict[str, tuple[SlaStatus, bool]]:
    config = load_sla_config(s)
    horizon = warning_horizon(config, now)
    ids = list(
        s.execute(
            select(Ticket.id).where(
                Ticket.sla_state.in_((SlaState.OK.value, SlaState.WARNING.value)),
                and_(Ticket.due_at.is_not(None), Ticket.due_at <= horizon),
            )
        ).scalars()
    )
    out: dict[str, tuple[SlaStatus, bool]] = {}
    for start in range(0, len(ids), _CHUNK):
        facts = load_facts(s.connection(), ids[start : start + _CHUNK])
        for tid, ticket_facts in facts.items():
            status = compute_ticket_sla(ticket_facts, config, now)
            due, state = stored_columns(status)
            moved = state != ticket_facts.stored_state or due != parse_stored_time(ticket_facts.stored_due_at)
            if moved:
                ticket = s.get(Ticket, tid)
                assert ticket is not None
                ticket.due_at, ticket.sla_state = due, state
            out[tid] = (status, moved)
    return out


def _no_reply_events(s: Session, now: datetime, hours: int) -> list[TicketEvent]:
    cutoff = now - timedelta(hours=hours)
    cursor = s.connection().connection.cursor()
    try:
        rows = cursor.execute(
            f"""SELECT x.id, x.created_at, x.last_agent,
                   (SELECT min(c.created_at) FROM comments c
                     WHERE c.ticket_id = x.id AND c.kind = 'reply' AND c.from_requester = 1
                       AND c.created_at > x.last_agent) AS first_unanswered
              FROM (SELECT t.id, t.created_at,
                           (SELECT max(c.created_at) FROM comments c
                             WHERE c.ticket_id = t.id AND c.kind = 'reply' AND c.from_requester = 0)
                           AS last_agent
                      FROM tickets t
                     WHERE t.status IN ({", ".join("?" * len(_WAITING))}) AND t.created_at <= ?) x""",
            (*_WAITING, stored_time_text(cutoff)),
        ).fetchall()
    finally:
        cursor.close()
    events = []
    for tid, created, last_agent, first_unanswered in rows:
        since_text = created if last_agent is None else first_unanswered
        since = parse_stored_time(since_text)
        if since is None or since > cutoff:
            continue
        event_id = f"no_reply:{tid}:{epoch_seconds(since)}:{hours}"
        events.append(
            TicketEvent(EventKind.NO_REPLY, tid, event_id, {"no_reply": (None, hours)}, hours=hours)
        )
    return events
