"""Checking a rule before it is saved: would it, with the other rules, loop on a ticket?

The engine (:mod:`sync.automation.rule_engine`) stops loops when they happen and writes why
into the ticket's history; an admin editing rules should hear about it before saving.
:meth:`RuleCheck.loops` is a **dry run** with the real engine: in one write transaction that
is always rolled back, it stores the candidate rule beside the others, and on each of

* the most recently updated open tickets (:data:`DEFAULT_SAMPLE`), and
* one probe ticket per enabled rule (and the candidate), made to meet that rule's simple
  conditions ("is", "has", "contains" ...), so rules about tickets this replica has none
  of yet are exercised too,

raises each event the rules listen to (the candidate's own, and created / updated /
status changed), each cascade in its own savepoint, rolled back. It returns the engine's
loop messages whose chain names the candidate. Nothing is committed or journaled.

Limits: a loop only reachable from tickets unlike any sampled or probed one is not found
here (the engine still stops it at run time); time events are raised as if the SLA clock
had just changed state.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.automation.conditions import TicketFacts, condition_holds
from sync.automation.rule_engine import RuleRun, TicketEvent
from sync.automation.rule_model import EventKind, Rule
from sync.automation.rule_store import RuleStore, load_rules
from sync.domain.priority import priority_for
from sync.domain.ticket_status import OPEN_STATUSES
from sync.errors import OutpostError, ValidationError
from sync.ids import new_id
from sync.replica.models import Queue, Ticket
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import WriteResult
from sync.services.ticket_operations import NewTicket, create_in
from sync.services.ticket_state import acting_user, require_role

__all__ = ["DEFAULT_SAMPLE", "RuleCheck", "save_checked"]

#: How many recently updated open tickets a dry run raises events on.
DEFAULT_SAMPLE = 50
_WRITE_EVENTS = (EventKind.CREATED, EventKind.UPDATED, EventKind.STATUS_CHANGED)
_TEXT_FIELDS = ("category", "location", "asset", "subject", "description")


class _RollBack(Exception):
    """Raised inside the dry run's transaction so that nothing it did is kept."""


_dry_run = threading.local()


class _QuietDuringDryRun(logging.Filter):
    """The engine logs every loop it stops; a loop found by a dry run is not an event."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_dry_run, "active", False)


logging.getLogger("sync.automation.rule_engine").addFilter(_QuietDuringDryRun())


class RuleCheck:
    """Dry runs of candidate rules; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica, *, sample: int = DEFAULT_SAMPLE) -> None:
        self.replica = replica
        self.sample = sample

    def loops(self, rule: Rule) -> list[str]:
        """The engine's messages for loops the rule would start or join (empty: none found)."""
        now = self.replica.clock()
        found: list[str] = []
        _dry_run.active = True
        try:
            with self.replica.write() as s:
                actor = acting_user(self.replica, s)
                config_documents.put_item(s, "rules", rule.id, rule.to_dict(), actor_id=actor, now=now)
                rules = load_rules(s)
                if not any(r.id == rule.id for r in rules.rules):
                    raise _RollBack  # a disabled rule cannot loop
                ids = list(
                    s.execute(
                        select(Ticket.id)
                        .where(Ticket.status.in_(sorted(OPEN_STATUSES)))
                        .order_by(Ticket.updated_at.desc(), Ticket.id)
                        .limit(self.sample)
                    ).scalars()
                )
                for model in rules.rules:
                    probe = _probe_ticket(s, model, now=now, actor=actor)
                    if probe is not None:
                        ids.append(probe)
                others = (k for k in _WRITE_EVENTS if k is not rule.event and rules.has_event(k))
                kinds = [rule.event, *others]
                mark = f"'{rule.name}'"
                for ticket_id, kind in itertools.product(ids, kinds):
                    ticket = s.get(Ticket, ticket_id)
                    assert ticket is not None
                    savepoint = s.begin_nested()
                    try:
                        outcome = RuleRun(s, rules, now=now, actor=actor).run(
                            [_event(kind, rule, ticket_id, ticket.status)]
                        )
                    finally:
                        savepoint.rollback()
                    for stop in outcome.stopped:
                        text = _without_ticket(stop.message)
                        if mark in text and text not in found:
                            found.append(text)
                    if found:
                        break
                raise _RollBack
        except _RollBack:
            pass
        finally:
            _dry_run.active = False
        return found

    def check(self, rule: Rule) -> None:
        """ValidationError naming the loop when the rule would loop; returns quietly otherwise."""
        loops = self.loops(rule)
        if loops:
            why = loops[0][:1].upper() + loops[0][1:]
            raise ValidationError(f"The rule {rule.name!r} was not saved. {why}")


def _event(kind: EventKind, rule: Rule, ticket_id: str, status: str) -> TicketEvent:
    event_id = f"rule-check:{rule.id}:{ticket_id}:{kind.value}"
    changes: dict[str, tuple[Any, Any]] = {}
    if kind is EventKind.STATUS_CHANGED:
        changes = {"status": (None, status)}
    elif kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH):
        state = "breached" if kind is EventKind.SLA_BREACH else "warning"
        changes = {"sla": ("resolution", state)}
    hours = rule.hours if kind is EventKind.NO_REPLY else None
    return TicketEvent(kind, ticket_id, event_id, changes, hours=hours)


def _probe_ticket(s: Session, rule: Rule, *, now: datetime, actor: str) -> str | None:
    """A new ticket meeting the rule's simple conditions (rolled back with the dry run)."""
    fields: dict[str, Any] = {"subject": "Rule check"}
    tags: list[str] = []
    queue_id = s.execute(select(Queue.id).order_by(Queue.name).limit(1)).scalar()
    priority_tests = []
    for c in rule.conditions:
        if c.field == "queue" and c.op == "is":
            queue_id = c.value
        elif c.field == "tags" and c.op == "has":
            tags.append(str(c.value))
        elif c.field in ("impact", "urgency", "type") and c.op == "is":
            fields[c.field] = c.value
        elif c.field in _TEXT_FIELDS and c.op in ("is", "contains", "starts_with"):
            fields[c.field] = str(c.value)
        elif c.field == "priority":
            priority_tests.append(c)
    if priority_tests:
        for impact, urgency in itertools.product((1, 2, 3), repeat=2):
            facts = TicketFacts({"priority": int(priority_for(impact, urgency))}, frozenset(), {}, "", "")
            if all(condition_holds(c, facts) for c in priority_tests):
                fields.update(impact=impact, urgency=urgency)
                break
    if queue_id is None:
        return None
    try:
        draft = NewTicket(queue_id=str(queue_id), tags=tuple(tags), **fields)
        with s.begin_nested():
            ticket, _mutation = create_in(s, draft, now=now, actor=actor)
    except (OutpostError, TypeError, ValueError):
        return None
    return str(ticket.id)


def _without_ticket(message: str) -> str:
    """The engine names the ticket ("Automation stopped on L12: ..."); the check is about rules."""
    head, sep, rest = message.partition(": ")
    return rest if sep and head.startswith("Automation stopped on ") else message


def save_checked(replica: Replica, data: Mapping[str, Any]) -> WriteResult:
    """What an admin's form does on "Save" (one call on the database thread): the rule as
    data (a new one without an ``id``), validated by :class:`Rule`, refused when it would loop
    with the others (:meth:`RuleCheck.check`), then saved by :class:`RuleStore` (journaled, so
    it syncs). Every refusal is a :class:`ValidationError` / ``PermissionDeniedError`` whose
    message an admin can act on."""
    with replica.read() as s:
        require_role(s, acting_user(replica, s), {"admin"}, "change automation rules")
    document = dict(data)
    document.setdefault("id", new_id())
    try:
        rule = Rule.from_dict(document)
    except ValueError as exc:
        raise ValidationError(f"The rule is not complete: {exc}.") from None
    RuleCheck(replica).check(rule)
    return RuleStore(replica).save(rule)
