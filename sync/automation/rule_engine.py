"""Running rules for ticket events: exactly once per event, with loops stopped.

**Events and their ids.** A write's events are keyed by its journal mutation:
``"<mutation id>:<ticket id>:<kind>"`` (``created``, ``updated``, ``status_changed``). Time
events are keyed by what happened, so every replica and the server derive the same id:
``"sla_warning:<ticket>:<clock>:<due epoch>"``, ``"sla_breach:..."`` and
``"no_reply:<ticket>:<waiting-since epoch>:<hours>"`` — a new deadline (after a pause or a
priority change) or a new unanswered message is a new event.

**Exactly once.** A rule's firing for an event has the execution id
:func:`~sync.automation.markers.execution_id` = ``sha256(rule id, event id)``. The replica
records it (an activity row ``entity_type = "rule_execution"`` for the ticket: ``field`` the
rule id, ``old_value`` the event id, ``new_value`` the execution id) and skips a firing whose
id is recorded, so the timer re-evaluating a breach or a repeated write never applies a rule
twice for one event. On the wire the firing's mutations have ids derived from the execution
id, and carry the marker where the payload version allows (:mod:`sync.automation.markers`):
the server skips event rules for mutations pushed by replicas (they ran them at the moment
of the event) and treats a time-event firing it already applied, recognised by execution id
or derived mutation id, as done.

**Cascades and loops.** A rule's field changes raise new events in the same transaction,
and the rules run again for them (breadth first; each rule sees the ticket as it is when it
is evaluated). Within one cascade each rule fires at most once per ticket: a rule matching
again is skipped silently when its changes still hold, but if it *would change the ticket
again*, rules that fired after it undid its work (A sets X, B reacts and changes X, A would
set X again): that is a loop, so the rule is not run again and the cascade reports it once,
naming the chain. A chain deeper than :data:`MAX_CASCADE_DEPTH` is stopped the same way.
Messages go to the ticket's history (``activity.field = "automation"``) and the returned
:class:`AutomationOutcome`.

**Failures.** Each firing runs in a savepoint: a rule whose action the services refuse
(say, resolving without a resolution) is rolled back alone and reported; the person's own
action and the other rules still commit.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.automation.conditions import TicketFacts, conditions_hold
from sync.automation.markers import action_mutation_id, execution_id, marker_fits
from sync.automation.rule_actions import apply_rule, rule_label, would_change
from sync.automation.rule_model import EventKind, Rule
from sync.automation.rule_store import RuleSet
from sync.errors import OutpostError
from sync.ids import new_id
from sync.replica.models import Activity, Mutation, Person, Ticket, TicketTag
from sync.replica.rating_models import Rating
from sync.services.journal import record_activity
from sync.services.sla_service import refresh_ticket_sla
from sync.services.ticket_operations import TicketWrite
from sync.services.ticket_views import display_number
from sync.sla import SlaState, SlaStatus
from sync.sla.local_time import epoch_seconds

__all__ = [
    "MAX_CASCADE_DEPTH",
    "AutomationOutcome",
    "LoopStop",
    "RuleFiring",
    "RuleRun",
    "TicketEvent",
    "events_for_write",
    "execution_id",
    "sla_events",
]

MAX_CASCADE_DEPTH = 8
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketEvent:
    """Something that happened to a ticket; ``chain`` holds the ids of the rules whose
    firings led to it (empty for a person's action or the timer)."""

    kind: EventKind
    ticket_id: str
    event_id: str
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    comment: str = ""
    comment_from: str = ""
    chain: tuple[str, ...] = ()
    hours: int | None = None  # no_reply events: the waiting time they are for


@dataclass(frozen=True)
class RuleFiring:
    rule_id: str
    rule_name: str
    ticket_id: str
    event_id: str
    execution_id: str


@dataclass(frozen=True)
class LoopStop:
    rule_id: str
    ticket_id: str
    message: str


@dataclass
class AutomationOutcome:
    fired: list[RuleFiring] = field(default_factory=list)
    stopped: list[LoopStop] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def events_for_write(write: TicketWrite, chain: tuple[str, ...] = ()) -> list[TicketEvent]:
    """The events one journaled write raises."""
    if write.mutation is None:
        return []
    prefix = f"{write.mutation.id}:{write.ticket_id}:"
    kinds = [EventKind.CREATED] if write.created else [EventKind.UPDATED]
    if not write.created and "status" in write.changes:
        kinds.append(EventKind.STATUS_CHANGED)
    return [
        TicketEvent(
            kind,
            write.ticket_id,
            prefix + kind.value,
            write.changes,
            comment=write.comment,
            comment_from=write.comment_from,
            chain=chain,
        )
        for kind in kinds
    ]


def sla_events(ticket_id: str, status: SlaStatus, chain: tuple[str, ...] = ()) -> list[TicketEvent]:
    """SLA warning / breach events for the ticket's running clocks in those states."""
    events = []
    for name, clock in (("first_response", status.first_response), ("resolution", status.resolution)):
        if clock.met_at is not None or clock.state not in (SlaState.WARNING, SlaState.BREACHED):
            continue
        kind = EventKind.SLA_BREACH if clock.state is SlaState.BREACHED else EventKind.SLA_WARNING
        event_id = f"{kind.value}:{ticket_id}:{name}:{epoch_seconds(clock.due_at)}"
        events.append(TicketEvent(kind, ticket_id, event_id, {"sla": (name, clock.state.value)}, chain=chain))
    return events


class RuleRun:
    """One cascade of rules in the caller's transaction (see the module docstring)."""

    def __init__(self, session: Session, rules: RuleSet, *, now: datetime, actor: str) -> None:
        self.session = session
        self.rules = rules
        self.now = now
        self.actor = actor
        self.outcome = AutomationOutcome()
        self._executed: dict[str, set[str]] = {}
        self._fired: dict[str, list[str]] = {}  # ticket id -> rule ids in firing order
        self._stopped: set[tuple[str, str]] = set()
        self._marked: dict[str, Mutation] = {}
        self._by_id = {rule.id: rule for rule in rules.rules}

    def run(self, events: Iterable[TicketEvent], mutations: Iterable[Mutation] = ()) -> AutomationOutcome:
        """Fire the rules for ``events`` and for everything their actions cause; then mark
        ``mutations`` (the ones that raised the events) and every action mutation."""
        for mutation in mutations:
            self._marked[mutation.id] = mutation
        queue = deque(events)
        while queue:
            event = queue.popleft()
            for rule in self.rules.for_event(event.kind):
                if event.kind is EventKind.NO_REPLY and rule.hours != event.hours:
                    continue
                queue.extend(self._consider(rule, event))
        self._mark_mutations()
        return self.outcome

    def _consider(self, rule: Rule, event: TicketEvent) -> list[TicketEvent]:
        facts = _facts(self.session, event)
        if facts is None or not conditions_hold(rule.conditions, facts):
            return []
        exec_id = execution_id(rule.id, event.event_id)
        if exec_id in self._executed_for(event.ticket_id) or self._journaled(action_mutation_id(exec_id, 0)):
            return []  # fired before (the journal still holds its first change if the record went)
        fired = self._fired.setdefault(event.ticket_id, [])
        if rule.id in fired:
            if would_change(self.session, rule, event.ticket_id, self.now):
                after = fired[fired.index(rule.id) + 1 :]
                self._stop(
                    rule,
                    event,
                    [rule.id, *after, rule.id],
                    "would run again after {others} changed the ticket",
                )
            return []
        if len(event.chain) >= MAX_CASCADE_DEPTH:
            self._stop(
                rule,
                event,
                [*event.chain, rule.id],
                f"would make a chain of more than {MAX_CASCADE_DEPTH} rules",
            )
            return []
        marker = {
            "evaluated": True,
            "rules_revision": self.rules.revision,
            "rule_id": rule.id,
            "rule_name": rule.name,
            "event_id": event.event_id,
            "execution_id": exec_id,
        }
        try:
            with self.session.begin_nested():
                applied = apply_rule(
                    self.session, rule, event.ticket_id, marker, now=self.now, actor=self.actor
                )
                for index, mutation in enumerate(applied.mutations):
                    derived = action_mutation_id(exec_id, index)
                    if not self._journaled(derived):  # ids are unique in the journal
                        mutation.id = derived
                chain = (*event.chain, rule.id)
                follow: list[TicketEvent] = []
                for write in applied.writes:
                    assert write.mutation is not None
                    self._marked[write.mutation.id] = write.mutation
                    follow += events_for_write(write, chain)
                if applied.writes:
                    status = refresh_ticket_sla(self.session, event.ticket_id, self.now)
                    follow += sla_events(event.ticket_id, status, chain)
        except OutpostError as exc:
            message = f"Automation: {rule_label(rule)} could not run on {self._number(event)}: {exc.message}"
            self._history(event.ticket_id, "failed", message)
            self.outcome.failed.append(message)
            return []
        for message in applied.messages:
            self._history(event.ticket_id, "skipped", message)
        self._record_execution(rule, event, exec_id)
        fired.append(rule.id)
        self.outcome.fired.append(RuleFiring(rule.id, rule.name, event.ticket_id, event.event_id, exec_id))
        return follow

    def _stop(self, rule: Rule, event: TicketEvent, chain: list[str], why: str) -> None:
        """Report (once per rule and ticket in this cascade) a rule that was not run again."""
        if (event.ticket_id, rule.id) in self._stopped:
            return
        self._stopped.add((event.ticket_id, rule.id))
        names = [f"'{self._by_id[rid].name}'" if rid in self._by_id else rid for rid in chain]
        others = ", ".join(dict.fromkeys(name for name in names[1:-1])) or "another change"
        message = (
            f"Automation stopped on {self._number(event)}: {rule_label(rule)} "
            f"{why.format(others=others)} ({' → '.join(names)}). "
            "These rules undo or re-trigger each other; change one of them so they agree."
        )
        _log.warning(message)
        self._history(event.ticket_id, "stopped", message)
        self.outcome.stopped.append(LoopStop(rule.id, event.ticket_id, message))

    def _history(self, ticket_id: str, what: str, message: str) -> None:
        record_activity(
            self.session,
            entity_type="ticket",
            entity_id=ticket_id,
            actor_id=self.actor,
            field="automation",
            old=None,
            new=what,
            at=self.now,
            note=message,
        )

    def _executed_for(self, ticket_id: str) -> set[str]:
        if ticket_id not in self._executed:
            rows = self.session.execute(
                select(Activity.new_value).where(
                    Activity.entity_type == "rule_execution", Activity.entity_id == ticket_id
                )
            ).scalars()
            self._executed[ticket_id] = {str(value) for value in rows}
        return self._executed[ticket_id]

    def _journaled(self, mutation_id: str) -> bool:
        stmt = select(Mutation.seq).where(Mutation.id == mutation_id)
        return self.session.execute(stmt).first() is not None

    def _record_execution(self, rule: Rule, event: TicketEvent, exec_id: str) -> None:
        self.session.add(
            Activity(
                id=new_id(),
                entity_type="rule_execution",
                entity_id=event.ticket_id,
                actor_id=self.actor,
                field=rule.id,
                old_value=event.event_id,
                new_value=exec_id,
                note=rule.name,
                at=self.now,
            )
        )
        self._executed_for(event.ticket_id).add(exec_id)

    def _mark_mutations(self) -> None:
        by_prefix: dict[str, list[str]] = {}
        for firing in self.outcome.fired:
            by_prefix.setdefault(firing.event_id.split(":", 1)[0], []).append(firing.execution_id)
        for mutation_id, mutation in self._marked.items():
            if not marker_fits(mutation.op):
                continue
            marker = dict(mutation.payload.get("automation") or {})
            marker.update(evaluated=True, rules_revision=self.rules.revision)
            marker["executions"] = by_prefix.get(mutation_id, [])
            mutation.payload = {**mutation.payload, "automation": marker}

    def _number(self, event: TicketEvent) -> str:
        ticket = self.session.get(Ticket, event.ticket_id)
        return display_number(ticket.number, ticket.local_number) if ticket else event.ticket_id


def _facts(session: Session, event: TicketEvent) -> TicketFacts | None:
    ticket = session.get(Ticket, event.ticket_id)
    if ticket is None:
        return None
    requester = session.get(Person, ticket.requester_id) if ticket.requester_id else None
    tags = frozenset(session.execute(select(TicketTag.tag).where(TicketTag.ticket_id == ticket.id)).scalars())
    values = {
        "status": ticket.status,
        "priority": ticket.priority,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "tier": ticket.tier,
        "type": ticket.type,
        "queue": ticket.queue_id,
        "assignee": ticket.assignee_id,
        "requester": ticket.requester_id,
        "requester_group": requester.group_name if requester else "",
        "category": ticket.category,
        "subject": ticket.subject,
        "description": ticket.description,
        "location": ticket.location,
        "asset": ticket.asset,
        "rating": session.execute(select(Rating.score).where(Rating.id == ticket.id)).scalar(),
    }
    return TicketFacts(values, tags, event.changes, event.comment, event.comment_from)
