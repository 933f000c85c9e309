"""Which SLA policy applies to a ticket, and the synced SLA configuration as a whole.

:class:`SlaConfig` bundles calendars, policies, the ordered selection rules and the
default policy into one document (:meth:`SlaConfig.to_dict`), so the replica and the
server always evaluate a ticket against the same version of all four.

Selection: rules are tried in order and the first whose every set condition matches
wins; a condition left as None matches anything. No match means the default policy.
A rule's ``requester_group`` matches when the requester belongs to that group (a
requester may be in several).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from sync.domain.ticket_type import TicketType
from sync.sla.calendar import BusinessCalendar
from sync.sla.policy import SlaPolicy

__all__ = ["SlaConfig", "SlaRule", "SlaSubject"]

_Named = TypeVar("_Named", BusinessCalendar, SlaPolicy)


@dataclass(frozen=True, slots=True)
class SlaSubject:
    """The facts about a ticket that policy selection looks at (ids, not names)."""

    queue: str | None = None
    category: str | None = None
    ticket_type: TicketType | None = None
    requester_groups: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class SlaRule:
    """Use ``policy`` for tickets matching every condition that is not None."""

    policy: str
    queue: str | None = None
    category: str | None = None
    ticket_type: TicketType | None = None
    requester_group: str | None = None

    def matches(self, subject: SlaSubject) -> bool:
        return (
            (self.queue is None or self.queue == subject.queue)
            and (self.category is None or self.category == subject.category)
            and (self.ticket_type is None or self.ticket_type == subject.ticket_type)
            and (self.requester_group is None or self.requester_group in subject.requester_groups)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "queue": self.queue,
            "category": self.category,
            "ticket_type": None if self.ticket_type is None else self.ticket_type.value,
            "requester_group": self.requester_group,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaRule:
        ticket_type = data.get("ticket_type")
        return cls(
            policy=str(data["policy"]),
            queue=data.get("queue"),
            category=data.get("category"),
            ticket_type=None if ticket_type is None else TicketType(ticket_type),
            requester_group=data.get("requester_group"),
        )


class SlaConfig:
    """Calendars, policies, ordered rules and the default policy, checked for dangling
    names on construction so a bad document fails when it arrives, not at a ticket."""

    __slots__ = ("_calendars", "_default_policy", "_policies", "_rules")

    def __init__(
        self,
        calendars: Iterable[BusinessCalendar],
        policies: Iterable[SlaPolicy],
        rules: Iterable[SlaRule],
        default_policy: str,
    ) -> None:
        self._calendars = MappingProxyType(_by_name(calendars, "calendar"))
        self._policies = MappingProxyType(_by_name(policies, "policy"))
        self._rules = tuple(rules)
        self._default_policy = default_policy
        if default_policy not in self._policies:
            raise ValueError(f"default SLA policy {default_policy!r} is not defined")
        for rule in self._rules:
            if rule.policy not in self._policies:
                raise ValueError(f"SLA rule refers to undefined policy {rule.policy!r}")
        for policy in self._policies.values():
            for name in sorted(policy.calendar_names()):
                if name not in self._calendars:
                    raise ValueError(f"SLA policy {policy.name!r} refers to undefined calendar {name!r}")

    @property
    def calendars(self) -> Mapping[str, BusinessCalendar]:
        return self._calendars

    @property
    def policies(self) -> Mapping[str, SlaPolicy]:
        return self._policies

    @property
    def rules(self) -> tuple[SlaRule, ...]:
        return self._rules

    @property
    def default_policy(self) -> SlaPolicy:
        return self._policies[self._default_policy]

    def select_policy(self, subject: SlaSubject) -> SlaPolicy:
        """The policy of the first matching rule, else the default policy."""
        for rule in self._rules:
            if rule.matches(subject):
                return self._policies[rule.policy]
        return self.default_policy

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible document; calendars and policies sorted by name."""
        return {
            "calendars": [self._calendars[name].to_dict() for name in sorted(self._calendars)],
            "policies": [self._policies[name].to_dict() for name in sorted(self._policies)],
            "rules": [rule.to_dict() for rule in self._rules],
            "default_policy": self._default_policy,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaConfig:
        """Inverse of :meth:`to_dict`; ValueError on a malformed document."""
        try:
            return cls(
                calendars=[BusinessCalendar.from_dict(item) for item in data["calendars"]],
                policies=[SlaPolicy.from_dict(item) for item in data["policies"]],
                rules=[SlaRule.from_dict(item) for item in data.get("rules", [])],
                default_policy=str(data["default_policy"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid SLA configuration document: {exc!r}") from exc

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlaConfig):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


def _by_name(items: Iterable[_Named], kind: str) -> dict[str, _Named]:
    result: dict[str, _Named] = {}
    for item in items:
        if item.name in result:
            raise ValueError(f"two SLA {kind} documents are named {item.name!r}")
        result[item.name] = item
    return result
