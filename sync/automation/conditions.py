"""Evaluating rule conditions against a ticket and the event that happened to it. Pure.

Semantics (the server uses the same function, so both sides agree):

* Text comparisons ignore case (``casefold``) and surrounding spaces; ``contains`` is a
  plain substring test, never a pattern, so ticket text cannot make a rule slow or match
  by accident.
* ``is``/``is_not``/``in``/``not_in`` compare values as the ticket stores them (ids,
  status values, numbers); numbers given as text ("1") compare equal to numbers.
* ``changed_to``/``changed_from`` hold when the event changed that field to / from the
  value. ``changed includes X`` holds when the event changed field X (for the pseudo
  fields ``comment``, ``work_log``, ``attachment``, ``link``, ``checklist``: when the event
  added one).
* A rule with no conditions always matches its event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.automation.rule_model import CONDITION_FIELDS, Condition

__all__ = ["TicketFacts", "condition_holds", "conditions_hold"]

# Condition field -> the ticket field an event's ``changes`` uses for it.
_CHANGE_NAMES = {"queue": "queue_id", "assignee": "assignee_id", "requester": "requester_id"}


@dataclass(frozen=True)
class TicketFacts:
    """What conditions look at: the ticket's current values (by condition field name),
    its tags, and the event's changes ``{ticket field: (old, new)}`` and comment."""

    values: Mapping[str, Any]
    tags: frozenset[str] = frozenset()
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    comment: str = ""
    comment_from: str = ""

    def value(self, name: str) -> Any:
        if name == "text":
            return "\n".join(
                (str(self.values.get("subject", "")), str(self.values.get("description", "")), self.comment)
            )
        if name == "comment":
            return self.comment
        if name == "comment_from":
            return self.comment_from
        return self.values.get(name)


def conditions_hold(conditions: Iterable[Condition], facts: TicketFacts) -> bool:
    return all(condition_holds(condition, facts) for condition in conditions)


def condition_holds(condition: Condition, facts: TicketFacts) -> bool:
    op, expected = condition.op, condition.value
    kind = CONDITION_FIELDS[condition.field]
    if kind == "tags":
        has = _text(expected).lstrip("#") in facts.tags
        return has if op == "has" else not has
    if kind == "changes":
        name = _CHANGE_NAMES.get(str(expected), str(expected))
        return (name in facts.changes) == (op == "includes")
    if op in ("changed_to", "changed_from"):
        change = facts.changes.get(_CHANGE_NAMES.get(condition.field, condition.field))
        if change is None:
            return False
        return _same(change[1] if op == "changed_to" else change[0], expected)
    actual = facts.value(condition.field)
    if op == "is":
        return _same(actual, expected)
    if op == "is_not":
        return not _same(actual, expected)
    if op == "in":
        return any(_same(actual, item) for item in expected)
    if op == "not_in":
        return not any(_same(actual, item) for item in expected)
    if op == "is_empty":
        return actual is None or _text(actual) == ""
    if op == "is_set":
        return not (actual is None or _text(actual) == "")
    if op in ("lt", "le", "gt", "ge"):
        number = _number(actual)
        if number is None:
            return False
        limit = int(expected)
        if op == "lt":
            return number < limit
        if op == "le":
            return number <= limit
        return number > limit if op == "gt" else number >= limit
    text, needle = _text(actual), _text(expected)
    if op == "contains":
        return needle in text
    if op == "not_contains":
        return needle not in text
    if op == "starts_with":
        return text.startswith(needle)
    raise AssertionError(f"operator {op!r} was validated but is not evaluated")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip().casefold()


def _number(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _same(actual: Any, expected: Any) -> bool:
    if actual is None or expected is None:
        return actual is None and (expected is None or expected == "")
    if isinstance(actual, int) and not isinstance(actual, bool):
        return _number(expected) == actual
    return _text(actual) == _text(expected)
