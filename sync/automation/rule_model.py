"""Automation rules as data: "when EVENT and CONDITIONS then ACTIONS".

A :class:`Rule` is plain, immutable and JSON-compatible (:meth:`Rule.to_dict` /
:meth:`Rule.from_dict`), so an admin's form edits it, it syncs to every replica as an item
of the ``rules`` configuration collection, and the replica and the server evaluate the same
document. Construction validates everything that can be checked without the database
(known events, fields, operators and action kinds; value types); references to queues and
agents are checked by :class:`sync.automation.rule_store.RuleStore` when saving.
ValueError carries a message an admin can act on.

Events (:class:`EventKind`): ``created``, ``updated`` (any change to the ticket, including a
reply, note, work log or attachment), ``status_changed``, ``sla_warning``, ``sla_breach``,
``no_reply`` (the requester has waited ``hours`` for an agent's public reply) and
``rating_received`` (the requester rated the ticket in the portal; the ``rating`` condition
field holds the score). The last four are evaluated by :func:`sync.automation.run_due_rules`
on a timer (a rating arrives by a pull, not by a write on this replica).

Conditions (all must hold; see :mod:`sync.automation.conditions`) and actions (applied in
order; see :mod:`sync.automation.rule_actions`) are listed in :data:`CONDITION_FIELDS`,
:data:`OPERATORS` and :class:`ActionKind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "CONDITION_FIELDS",
    "NOTIFY_GROUPS",
    "OPERATORS",
    "SETTABLE_FIELDS",
    "TIME_EVENTS",
    "Action",
    "ActionKind",
    "Condition",
    "EventKind",
    "Rule",
]


class EventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    STATUS_CHANGED = "status_changed"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    NO_REPLY = "no_reply"
    RATING_RECEIVED = "rating_received"


#: Events evaluated by the timer rather than at a write.
TIME_EVENTS = frozenset(
    {EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.NO_REPLY, EventKind.RATING_RECEIVED}
)

#: Condition fields and the kind of value each holds.
CONDITION_FIELDS: Mapping[str, str] = {
    "status": "choice",
    "priority": "number",
    "impact": "number",
    "urgency": "number",
    "tier": "number",
    "type": "choice",
    "queue": "id",  # queue id
    "assignee": "id",  # person id, None when unassigned
    "requester": "id",
    "requester_group": "text",
    "category": "text",
    "subject": "text",
    "description": "text",
    "location": "text",
    "asset": "text",
    "text": "text",  # subject, description and the event's comment together
    "comment": "text",  # the reply or note the event added ("" otherwise)
    "comment_from": "choice",  # "requester", "agent" or "" (no comment in the event)
    "tags": "tags",
    "changed": "changes",  # the fields the event changed
    "rating": "number",  # the requester's rating 1-5 (None when not rated)
}

#: Operators per value kind. ``changed_to``/``changed_from`` apply to any field but tags.
OPERATORS: Mapping[str, frozenset[str]] = {
    "choice": frozenset({"is", "is_not", "in", "not_in", "changed_to", "changed_from"}),
    "number": frozenset(
        {"is", "is_not", "in", "not_in", "lt", "le", "gt", "ge", "changed_to", "changed_from"}
    ),
    "id": frozenset({"is", "is_not", "in", "not_in", "is_empty", "is_set", "changed_to", "changed_from"}),
    "text": frozenset({"is", "is_not", "contains", "not_contains", "starts_with", "is_empty", "is_set"}),
    "tags": frozenset({"has", "has_not"}),
    "changes": frozenset({"includes", "excludes"}),
}

#: Fields a ``set_field`` action may set (others have their own action kinds).
SETTABLE_FIELDS = frozenset(
    {"status", "priority", "impact", "urgency", "type", "category", "location", "asset", "resolution"}
)


class ActionKind(StrEnum):
    SET_FIELD = "set_field"  # field, value
    ASSIGN_QUEUE = "assign_queue"  # value: queue id
    ASSIGN_AGENT = "assign_agent"  # value: person id (None unassigns)
    ASSIGN_TIER = "assign_tier"  # value: 1-3
    ASSIGN_ROUND_ROBIN = "assign_round_robin"  # next agent on shift in the ticket's queue
    ASSIGN_LEAST_LOADED = "assign_least_loaded"  # agent on shift with the fewest open tickets
    ADD_TAG = "add_tag"  # value: tag
    REMOVE_TAG = "remove_tag"  # value: tag
    ADD_NOTE = "add_note"  # value: text with placeholders
    NOTIFY = "notify"  # value: message with placeholders; to: one of NOTIFY_GROUPS or a person id


#: ``notify`` targets that name a group rather than a person: the assignee (the queue's
#: agents when unassigned), the queue's active agents, the queue's active managers.
NOTIFY_GROUPS = ("assignee", "queue", "queue_managers")


_NEEDS_VALUE = {
    ActionKind.SET_FIELD,
    ActionKind.ASSIGN_QUEUE,
    ActionKind.ASSIGN_TIER,
    ActionKind.ADD_TAG,
    ActionKind.REMOVE_TAG,
    ActionKind.ADD_NOTE,
    ActionKind.NOTIFY,
}
MAX_NAME = 120
_TEXT_OPERATORS = frozenset(
    {"contains", "not_contains", "starts_with", "has", "has_not", "includes", "excludes"}
)


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None

    def __post_init__(self) -> None:
        kind = CONDITION_FIELDS.get(self.field)
        if kind is None:
            raise ValueError(
                f"unknown condition field {self.field!r} (fields: {', '.join(CONDITION_FIELDS)})"
            )
        if self.op not in OPERATORS[kind]:
            allowed = ", ".join(sorted(OPERATORS[kind]))
            raise ValueError(f"operator {self.op!r} does not apply to {self.field!r} (use one of: {allowed})")
        if self.op in ("in", "not_in"):
            if not isinstance(self.value, (list, tuple)):
                raise ValueError(f"{self.field} {self.op} needs a list of values")
            object.__setattr__(self, "value", tuple(self.value))
        elif self.op in ("lt", "le", "gt", "ge") and (
            not isinstance(self.value, int) or isinstance(self.value, bool)
        ):
            raise ValueError(f"{self.field} {self.op} needs a whole number")
        elif self.op in _TEXT_OPERATORS and (not isinstance(self.value, str) or not self.value.strip()):
            raise ValueError(f"{self.field} {self.op} needs a non-empty text")

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"field": self.field, "op": self.op, "value": value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Condition:
        return cls(field=str(data["field"]), op=str(data["op"]), value=data.get("value"))


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    field: str | None = None  # set_field only
    value: Any = None
    to: str | None = None  # notify only

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ActionKind(self.kind))
        if self.kind is ActionKind.SET_FIELD and self.field not in SETTABLE_FIELDS:
            raise ValueError(
                f"set_field cannot set {self.field!r} (settable: {', '.join(sorted(SETTABLE_FIELDS))}; "
                "use the assign actions for queue, agent and tier, and add_tag/remove_tag for tags)"
            )
        if self.kind in _NEEDS_VALUE and (self.value is None or self.value == ""):
            raise ValueError(f"the {self.kind.value} action needs a value")
        if self.kind is ActionKind.ASSIGN_TIER and self.value not in (1, 2, 3):
            raise ValueError("assign_tier needs a tier of 1, 2 or 3")
        if self.kind is ActionKind.NOTIFY and not self.to:
            raise ValueError("notify needs a recipient: 'assignee', 'queue' or a person id")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "field": self.field, "value": self.value, "to": self.to}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        return cls(
            kind=ActionKind(data["kind"]), field=data.get("field"), value=data.get("value"), to=data.get("to")
        )


@dataclass(frozen=True)
class Rule:
    """One rule. ``position`` orders rules (then name); ``hours`` is for ``no_reply`` only."""

    id: str
    name: str
    event: EventKind
    actions: tuple[Action, ...]
    conditions: tuple[Condition, ...] = ()
    hours: int | None = None
    enabled: bool = True
    position: int = 0
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "event", EventKind(self.event))
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "conditions", tuple(self.conditions))
        if not self.id or len(self.id) > 36:
            raise ValueError("a rule needs an id of at most 36 characters")
        if not self.name.strip() or len(self.name) > MAX_NAME:
            raise ValueError(f"a rule needs a name of 1 to {MAX_NAME} characters")
        if not self.actions:
            raise ValueError(f"rule {self.name!r} has no actions")
        if self.event is EventKind.NO_REPLY:
            if not isinstance(self.hours, int) or isinstance(self.hours, bool) or self.hours < 1:
                raise ValueError(f"rule {self.name!r}: 'no reply for N hours' needs hours of at least 1")
        elif self.hours is not None:
            raise ValueError(f"rule {self.name!r}: hours only apply to the no_reply event")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "event": self.event.value,
            "hours": self.hours,
            "enabled": self.enabled,
            "position": self.position,
            "conditions": [c.to_dict() for c in self.conditions],
            "actions": [a.to_dict() for a in self.actions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """Inverse of :meth:`to_dict`; ValueError (with the reason) on a malformed document."""
        try:
            return cls(
                id=str(data["id"]),
                name=str(data["name"]),
                description=str(data.get("description") or ""),
                event=EventKind(data["event"]),
                hours=data.get("hours"),
                enabled=bool(data.get("enabled", True)),
                position=int(data.get("position") or 0),
                conditions=tuple(Condition.from_dict(c) for c in data.get("conditions") or ()),
                actions=tuple(Action.from_dict(a) for a in data.get("actions") or ()),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid rule document: missing or malformed {exc}") from exc
