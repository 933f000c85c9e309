"""Applying a rule's actions to a ticket through the normal session-level services.

Field actions (``set_field``, the ``assign_*`` kinds, ``add_tag``/``remove_tag``) become one
:func:`~sync.services.ticket_operations.apply_update` — one ``ticket.update`` mutation and an
activity entry per field, noted with the rule's name; then each ``add_note`` becomes an
internal note (:func:`~sync.services.ticket_operations.add_comment_in`) and each ``notify`` a
notification (:func:`~sync.automation.notifications.notify_in`). Every mutation carries the
rule marker. Only the field update is returned as a write that raises further events: a
rule's notes and notifications never trigger rules, so a rule that adds a note cannot
trigger itself. The marker goes into payloads only where :func:`~sync.automation.markers.
marker_fits` allows; the engine gives every mutation written here its derived id.

A change a ticket already has is not made again (the update's plan is empty), which is what
makes "would this rule change anything?" (:func:`would_change`) the test for a real loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.automation.agent_picker import Strategy, pick_agent
from sync.automation.markers import marker_fits
from sync.automation.notifications import notify_in, recipients_for
from sync.automation.placeholders import placeholder_values, render
from sync.automation.rule_model import ActionKind, Rule
from sync.domain.ticket_rules import plan_ticket_update
from sync.domain.ticket_type import CommentKind
from sync.errors import OutpostError
from sync.protocol.ops import Op
from sync.replica.models import Mutation, Ticket, TicketTag
from sync.services.ticket_operations import MAX_COMMENT_CHARS, TicketWrite, add_comment_in, apply_update
from sync.services.ticket_state import load_ticket, ticket_fields

__all__ = ["AppliedRule", "apply_rule", "rule_label", "would_change"]

_STRATEGIES = {
    ActionKind.ASSIGN_ROUND_ROBIN: Strategy.ROUND_ROBIN,
    ActionKind.ASSIGN_LEAST_LOADED: Strategy.LEAST_LOADED,
}


@dataclass
class AppliedRule:
    writes: list[TicketWrite] = field(default_factory=list)  # field updates: raise further events
    mutations: list[Mutation] = field(default_factory=list)  # every journal row written, in order
    messages: list[str] = field(default_factory=list)  # what could not be done, for the history


def rule_label(rule: Rule) -> str:
    return f"rule '{rule.name}'"


def would_change(session: Session, rule: Rule, ticket_id: str, now: datetime) -> bool:
    """Whether the rule's field actions would change the ticket as it is now."""
    ticket = load_ticket(session, ticket_id)
    requested, strategy = _field_request(session, rule, ticket)
    if strategy is not None and ticket.assignee_id is None:
        return True
    if not requested:
        return False
    current = ticket_fields(ticket)
    current["tags"] = _tags(session, ticket_id)
    try:
        return bool(plan_ticket_update(current, requested, now=now, reason=rule_label(rule)))
    except OutpostError:
        return False  # the change would be refused anyway: it cannot keep a loop going


def apply_rule(
    session: Session,
    rule: Rule,
    ticket_id: str,
    marker: dict[str, Any],
    *,
    now: datetime,
    actor: str,
) -> AppliedRule:
    """Apply every action of ``rule`` to the ticket in the caller's transaction. Raises the
    services' errors (the engine rolls the rule back to its savepoint and reports them)."""
    label = rule_label(rule)
    ticket = load_ticket(session, ticket_id)
    result = AppliedRule()
    requested, strategy = _field_request(session, rule, ticket)
    if strategy is not None:
        queue_id = str(requested.get("queue_id", ticket.queue_id))
        agent = pick_agent(session, queue_id, strategy, now)
        if agent is None:
            result.messages.append(
                f"{label}: nobody in the queue is on shift, so the ticket stays unassigned"
            )
        else:
            requested["assignee_id"] = agent
    if requested:
        outcome = apply_update(
            session,
            ticket_id,
            requested,
            now=now,
            actor=actor,
            reason=label,
            note=label,
            automation=marker if marker_fits(Op.TICKET_UPDATE) else None,
        )
        if outcome.mutation is not None:
            result.writes.append(TicketWrite(ticket_id, outcome.mutation, changes=outcome.plan))
            result.mutations.append(outcome.mutation)
    for action in rule.actions:
        if action.kind not in (ActionKind.ADD_NOTE, ActionKind.NOTIFY):
            continue
        values = placeholder_values(session, ticket_id, ticket.assignee_id)
        text = render(str(action.value), values).strip()[:MAX_COMMENT_CHARS]
        if not text:
            continue
        if action.kind is ActionKind.ADD_NOTE:
            note = add_comment_in(
                session,
                ticket_id,
                CommentKind.NOTE,
                text,
                from_requester=False,
                now=now,
                actor=actor,
                automation=marker if marker_fits(Op.TICKET_COMMENT) else None,
            )
            assert note.write.mutation is not None
            result.mutations.append(note.write.mutation)
        else:
            recipients = recipients_for(session, ticket, str(action.to))
            sent = notify_in(
                session, ticket, recipients, text, source=label, now=now, actor=actor, automation=marker
            )
            if sent is None:
                result.messages.append(f"{label}: nobody to notify ({action.to})")
            else:
                result.mutations.append(sent)
    return result


def _field_request(session: Session, rule: Rule, ticket: Ticket) -> tuple[dict[str, Any], Strategy | None]:
    requested: dict[str, Any] = {}
    strategy: Strategy | None = None
    tags: list[str] | None = None
    for action in rule.actions:
        kind = action.kind
        if kind is ActionKind.SET_FIELD:
            requested[str(action.field)] = action.value
        elif kind is ActionKind.ASSIGN_QUEUE:
            requested["queue_id"] = action.value
        elif kind is ActionKind.ASSIGN_AGENT:
            requested["assignee_id"] = action.value
        elif kind is ActionKind.ASSIGN_TIER:
            requested["tier"] = action.value
        elif kind in _STRATEGIES:
            strategy = _STRATEGIES[kind]
        elif kind in (ActionKind.ADD_TAG, ActionKind.REMOVE_TAG):
            tags = tags if tags is not None else _tags(session, ticket.id)
            tag = str(action.value).strip().lower().lstrip("#")
            if kind is ActionKind.ADD_TAG and tag not in tags:
                tags.append(tag)
            elif kind is ActionKind.REMOVE_TAG and tag in tags:
                tags.remove(tag)
    if tags is not None:
        requested["tags"] = tags
    return requested, strategy


def _tags(session: Session, ticket_id: str) -> list[str]:
    return sorted(session.execute(select(TicketTag.tag).where(TicketTag.ticket_id == ticket_id)).scalars())
