"""Pure rules for changing a ticket's fields, shared by the replica and the server.

``plan_ticket_update`` takes the ticket's current scalar fields (a plain mapping) and the
fields a person asked to change, validates them against the workflow, and returns every
field that will change — including the ones that follow from the request:

- impact or urgency recompute ``priority`` from the matrix unless it is overridden;
- setting ``priority`` explicitly is an override and needs a reason; setting it to
  ``None`` drops the override and returns to the matrix value;
- status moves only along :mod:`sync.domain.ticket_status`'s transitions; resolving
  needs a resolution text (given now or already on the ticket) and stamps
  ``resolved_at``; closing stamps ``closed_at``; reopening clears ``resolved_at``;
- assigning a ``new`` ticket opens it.

Checks that need the database (does the queue exist, is the assignee an agent) belong to
the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sync.domain.priority import Impact, Priority, Urgency, priority_for
from sync.domain.ticket_schema import CHOICE_FIELDS, EDITABLE_FIELDS, ID_FIELDS, TEXT_FIELDS, ticket_field
from sync.domain.ticket_status import TicketStatus, is_transition_allowed
from sync.domain.ticket_type import TicketType
from sync.errors import TransitionError, ValidationError

__all__ = ["EDITABLE_FIELDS", "FieldChange", "normalise_tags", "plan_ticket_update"]

FieldChange = tuple[Any, Any]

MAX_SUBJECT: int = ticket_field("subject").max_length or 0


def plan_ticket_update(
    current: Mapping[str, Any],
    requested: Mapping[str, Any],
    *,
    now: datetime,
    reason: str | None = None,
    allowed: frozenset[str] = EDITABLE_FIELDS,
) -> dict[str, FieldChange]:
    """Validate ``requested`` against ``current``; return ``{field: (old, new)}`` to apply.

    ``allowed``: the fields that may be requested (a new ticket also takes the fields that
    are given only at creation, :mod:`sync.domain.new_ticket`)."""
    unknown = set(requested) - allowed
    if unknown:
        raise ValidationError(f"Unknown or read-only field: {', '.join(sorted(unknown))}")
    new: dict[str, Any] = {}
    for name, value in requested.items():
        new[name] = _clean(name, value)

    if "priority" in new:
        if new["priority"] is None:
            new["priority_overridden"] = False
        else:
            if not (reason and reason.strip()):
                raise ValidationError("Overriding the priority needs a reason.")
            new["priority_overridden"] = True
    overridden = new.get("priority_overridden", bool(current.get("priority_overridden")))
    if not overridden:
        impact = new.get("impact", current.get("impact", Impact.LOW))
        urgency = new.get("urgency", current.get("urgency", Urgency.LOW))
        new["priority"] = int(priority_for(impact, urgency))

    old_status = TicketStatus(current.get("status", TicketStatus.NEW))
    if "assignee_id" in new and new["assignee_id"] and old_status is TicketStatus.NEW and "status" not in new:
        new["status"] = TicketStatus.OPEN.value
    if "status" in new and new["status"] != old_status.value:
        target = TicketStatus(new["status"])
        if not is_transition_allowed(old_status, target):
            raise TransitionError(
                f"A ticket that is {old_status.label.lower()} cannot become {target.label.lower()}."
            )
        if target is TicketStatus.RESOLVED:
            resolution = new.get("resolution", current.get("resolution") or "")
            if not str(resolution).strip():
                raise TransitionError("Resolving a ticket needs a resolution note saying what fixed it.")
            new["resolved_at"] = now
        elif target is TicketStatus.CLOSED:
            new["closed_at"] = now
        elif old_status is TicketStatus.RESOLVED:
            new["resolved_at"] = None
    elif "status" in new:
        del new["status"]

    changes: dict[str, FieldChange] = {}
    for name, value in new.items():
        old = current.get(name)
        if name == "tags":
            old = sorted(old or [])
        if old != value:
            changes[name] = (old, value)
    return changes


def normalise_tags(tags: Any) -> list[str]:
    """Tags are lower-case single words, de-duplicated and sorted."""
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    if not isinstance(tags, (list, tuple, set, frozenset)):
        raise ValidationError("Tags must be a list of words.")
    out = set()
    for tag in tags:
        word = str(tag).strip().lower().lstrip("#")
        if not word:
            continue
        if len(word) > 60 or any(ch.isspace() for ch in word):
            raise ValidationError(f"Tag {tag!r} must be one word of at most 60 characters.")
        out.add(word)
    return sorted(out)


def _clean(name: str, value: Any) -> Any:
    if name in TEXT_FIELDS and value is not None and not isinstance(value, str):
        raise ValidationError(f"The {name} must be text.")
    if name in ID_FIELDS and value is not None and not isinstance(value, str):
        raise ValidationError(f"The {name.removesuffix('_id')} must be given by its id.")
    if name == "subject":
        text = str(value or "").strip()
        if not text:
            raise ValidationError("A ticket needs a subject.")
        if len(text) > MAX_SUBJECT:
            raise ValidationError(f"The subject is longer than {MAX_SUBJECT} characters.")
        return text
    if name in ("impact", "urgency"):
        return int(_enum(Impact if name == "impact" else Urgency, value, name))
    if name == "priority":
        if value is None or value == "auto":
            return None
        text = str(value).lower().removeprefix("p")
        return int(_enum(Priority, text, name))
    if name == "status":
        return _enum(TicketStatus, str(value).strip().lower().replace(" ", "_").replace("-", "_"), name).value
    if name == "type":
        return _enum(TicketType, str(value).strip().lower().replace(" ", "_"), name).value
    if name in CHOICE_FIELDS:
        word = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        return _enum(CHOICE_FIELDS[name], word, name).value
    if name == "tier":
        tier = _int(value, name)
        if tier not in (1, 2, 3):
            raise ValidationError("The tier must be 1, 2 or 3.")
        return tier
    if name == "tags":
        return normalise_tags(value)
    if name in ("assignee_id", "requester_id"):
        return value or None
    if name == "queue_id":
        if not value:
            raise ValidationError("A ticket must belong to a queue.")
        return value
    return "" if value is None else str(value)


def _enum(enum: Any, value: Any, name: str) -> Any:
    try:
        return enum(int(value)) if issubclass(enum, int) else enum(value)
    except (ValueError, TypeError):
        if issubclass(enum, int):
            allowed = ", ".join(str(int(m)) for m in enum)
        else:
            allowed = ", ".join(m.value for m in enum)
        raise ValidationError(f"{value!r} is not a valid {name} (expected one of: {allowed}).") from None


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a whole number, not {value!r}.") from None
