"""Per-field merge of a pushed ``ticket.update`` against the server's current ticket (pure).

The client sends what it changed (``changes``), what it saw before (``base``) and why
(``reason``). :func:`merge_update` turns that into the fields to request from the shared
workflow rules (``plan_ticket_update``), applying the documented conflict rules to every
field someone else changed meanwhile (server value differs from ``base``):

- ``tags``: three-way set merge — both sides' additions and removals survive;
- ``assignee_id``: first writer wins — the server's assignee stays, the client is told;
- ``status``: a ticket resolved or closed meanwhile stays so; otherwise the client's status
  applies when the workflow allows it from the server's status, else the server's stays;
- everything else: last arrival wins, and the overwritten value goes to the activity log.

Derived fields are not requested but recomputed by the rules: ``resolved_at``,
``closed_at``, ``priority_overridden``, a priority that followed impact/urgency, and the
new→open move that assignment implies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.domain.ticket_rules import normalise_tags
from sync.domain.ticket_schema import CHANGES_FIELDS, EDITABLE_FIELDS
from sync.domain.ticket_status import TicketStatus, is_transition_allowed
from sync.errors import ValidationError

__all__ = ["FieldOutcome", "MergedUpdate", "merge_update"]

_MISSING = object()
_FINAL = {TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value}


@dataclass(frozen=True)
class FieldOutcome:
    field: str
    yours: Any
    server: Any
    base: Any
    resolution: str  # merged | kept_server | overwrote
    message: str


@dataclass
class MergedUpdate:
    requested: dict[str, Any] = field(default_factory=dict)
    outcomes: list[FieldOutcome] = field(default_factory=list)

    @property
    def overwritten(self) -> set[str]:
        return {o.field for o in self.outcomes if o.resolution == "overwrote"}


def merge_update(
    current: Mapping[str, Any], changes: Mapping[str, Any], base: Mapping[str, Any], reason: str
) -> MergedUpdate:
    """Which fields to request, after the conflict rules; ``current`` is the server's ticket."""
    requested = _requested_fields(current, changes, base, reason)
    result = MergedUpdate()
    for name, yours in requested.items():
        server = current.get(name)
        base_value = base.get(name, _MISSING)
        if name == "tags":
            yours, server = _tags(yours), _tags(server)
            base_value = _MISSING if base_value is _MISSING else _tags(base_value)
        if base_value is _MISSING or _same(server, base_value) or _same(server, yours):
            result.requested[name] = yours
            continue
        _resolve(result, name, yours, server, base_value)
    return result


def _resolve(result: MergedUpdate, name: str, yours: Any, server: Any, base: Any) -> None:
    def outcome(resolution: str, message: str) -> None:
        result.outcomes.append(FieldOutcome(name, yours, server, base, resolution, message))

    if name == "tags":
        merged = sorted((set(server) - (set(base) - set(yours))) | (set(yours) - set(base)))
        result.requested[name] = merged
        outcome("merged", "Tags were changed on both sides; both sets of changes were kept.")
    elif name == "assignee_id":
        outcome("kept_server", "Someone else assigned this ticket first; their assignment stands.")
    elif name == "status":
        if server in _FINAL:
            outcome("kept_server", f"The ticket was {server} meanwhile; it stays {server}.")
        elif _allowed(server, yours):
            result.requested[name] = yours
            outcome("overwrote", f"The status had changed to {server} meanwhile; yours replaced it.")
        else:
            outcome("kept_server", f"The status had changed to {server} meanwhile and cannot become {yours}.")
    else:
        result.requested[name] = yours
        outcome(
            "overwrote",
            "This field was changed meanwhile; your value replaced it (the other is in the activity log).",
        )


def _requested_fields(
    current: Mapping[str, Any], changes: Mapping[str, Any], base: Mapping[str, Any], reason: str
) -> dict[str, Any]:
    requested = {k: v for k, v in changes.items() if k in EDITABLE_FIELDS and k != "priority"}
    unknown = set(changes) - CHANGES_FIELDS  # the derived ones are accepted for shape, then recomputed
    if unknown:
        raise ValidationError(f"Unknown or read-only field: {', '.join(sorted(unknown))}")
    overridden = changes.get("priority_overridden", _MISSING)
    if overridden is False:
        requested["priority"] = None
    elif overridden is True:
        requested["priority"] = changes.get("priority", current.get("priority"))
    elif "priority" in changes and reason.strip() and not ({"impact", "urgency"} & set(changes)):
        requested["priority"] = changes["priority"]  # a changed override
    if (
        changes.get("status") == TicketStatus.OPEN.value
        and base.get("status") == TicketStatus.NEW.value
        and "assignee_id" in changes
    ):
        del requested["status"]  # implied by the assignment; the rules re-derive it
    return requested


def _allowed(current: Any, target: Any) -> bool:
    try:
        return is_transition_allowed(TicketStatus(current), TicketStatus(target))
    except ValueError:
        return False


def _tags(value: Any) -> list[str]:
    return normalise_tags(value or [])


def _same(a: Any, b: Any) -> bool:
    return bool(a == b or (a in (None, "") and b in (None, "")))
