"""The rule for a new ticket's fields, shared by the replica (``create_in``) and the server
(``apply_ticket_create``), so a ticket made offline and the same ticket stored by the server
start out identical.

A new ticket takes the fields in :data:`CREATE_FIELDS` (validated by the workflow rules as
if set on an empty ``new`` ticket), an optional priority override (with its reason), and its
requester and assignee (whose existence the caller checks). Everything else starts at the
default of :mod:`sync.domain.ticket_schema`: status ``new`` — ``open`` when it is assigned
at once —, tier 1, no resolution.

Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sync.domain.ticket_rules import plan_ticket_update
from sync.domain.ticket_schema import EDITABLE_FIELDS, TICKET_FIELDS, Editor, Merge
from sync.domain.ticket_status import TicketStatus

__all__ = ["CREATE_FIELDS", "REFERENCE_FIELDS", "new_ticket_values"]

#: Set by the ticket's own life, not given when it is made.
_LATER = frozenset({"status", "tier", "resolution", "priority"})
#: Other records a new ticket names; the caller checks that they exist.
REFERENCE_FIELDS: tuple[str, ...] = ("requester_id", "assignee_id")
#: The fields a new ticket is made from (besides an override of its priority and the references).
CREATE_FIELDS: frozenset[str] = frozenset(
    f.name
    for f in TICKET_FIELDS
    if (f.editable or f.editor is Editor.AT_CREATE) and f.name not in _LATER | set(REFERENCE_FIELDS)
)
_ALLOWED = EDITABLE_FIELDS | CREATE_FIELDS
_EMPTY = {"status": TicketStatus.NEW.value, "impact": 3, "urgency": 3, "priority": 4}


def new_ticket_values(
    given: Mapping[str, Any],
    *,
    now: datetime,
    priority: int | None = None,
    priority_reason: str = "",
) -> dict[str, Any]:
    """Every field of a new ticket except its id, numbers and times.

    ``given`` holds :data:`CREATE_FIELDS` and :data:`REFERENCE_FIELDS` (missing ones take
    their default; others are ignored). ``tags`` comes back as a sorted list. Raises
    :class:`~sync.errors.ValidationError` for a value the rules refuse, and for a
    ``priority`` without a reason.
    """
    requested = {name: value for name, value in given.items() if name in CREATE_FIELDS}
    if priority is not None:
        requested["priority"] = priority
    plan = plan_ticket_update(_EMPTY, requested, now=now, reason=priority_reason, allowed=_ALLOWED)
    values: dict[str, Any] = {
        f.name: f.default for f in TICKET_FIELDS if f.merge not in (Merge.SERVER, Merge.RULES)
    }
    values.update({"priority_overridden": False, "resolved_at": None, "closed_at": None})
    values.update({name: new for name, (_old, new) in plan.items()})
    values["tags"] = list(values["tags"])
    for name in REFERENCE_FIELDS:
        values[name] = given.get(name) or None
    values["status"] = TicketStatus.OPEN.value if values["assignee_id"] else TicketStatus.NEW.value
    return values
