"""SLA policies: targets per priority, counted in the business time of a named calendar.

A policy names its calendar rather than holding it, so calendars and policies sync as
separate documents and one calendar (say "Berlin office hours") serves many policies.
A priority's targets may name a different calendar: the usual default counts P1 around
the clock and everything else in office hours.

Targets are whole business seconds and must be positive: a zero target would be
breached the instant a ticket is created, which is never what an admin means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sync.domain.priority import Priority

__all__ = ["DEFAULT_WARN_AT", "SlaPolicy", "SlaTargets"]

#: Fraction of a target after which a running clock shows a warning.
DEFAULT_WARN_AT = 0.75


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Targets for one priority, in business seconds of ``calendar`` (or of the policy's
    calendar when ``calendar`` is None). ``next_update`` is optional: the longest gap
    between public replies while the ticket is worked."""

    first_response: int
    resolution: int
    next_update: int | None = None
    calendar: str | None = None

    def __post_init__(self) -> None:
        for label, value in (
            ("first_response", self.first_response),
            ("resolution", self.resolution),
            ("next_update", self.next_update),
        ):
            if value is None and label == "next_update":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"SLA target {label} must be a positive number of seconds, got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_response": self.first_response,
            "resolution": self.resolution,
            "next_update": self.next_update,
            "calendar": self.calendar,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTargets:
        return cls(
            first_response=data["first_response"],
            resolution=data["resolution"],
            next_update=data.get("next_update"),
            calendar=data.get("calendar"),
        )


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """A named set of targets for every priority, plus when to warn.

    ``targets`` must have an entry for each :class:`Priority`; it is stored as a
    read-only mapping so a policy shared between threads cannot change under them.
    """

    name: str
    calendar: str
    targets: Mapping[Priority, SlaTargets]
    warn_at: float = DEFAULT_WARN_AT

    def __post_init__(self) -> None:
        missing = [priority.label for priority in Priority if priority not in self.targets]
        if missing:
            raise ValueError(f"SLA policy {self.name!r} has no targets for {', '.join(missing)}")
        if not 0.0 < self.warn_at <= 1.0:
            raise ValueError(f"warn_at must be in (0, 1], got {self.warn_at!r}")
        frozen = MappingProxyType({Priority(key): value for key, value in sorted(self.targets.items())})
        object.__setattr__(self, "targets", frozen)

    def targets_for(self, priority: Priority) -> SlaTargets:
        return self.targets[priority]

    def calendar_for(self, priority: Priority) -> str:
        """Name of the calendar the given priority's clocks count in."""
        return self.targets[priority].calendar or self.calendar

    def calendar_names(self) -> frozenset[str]:
        return frozenset(self.calendar_for(priority) for priority in Priority)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "calendar": self.calendar,
            "warn_at": self.warn_at,
            "targets": {str(int(priority)): targets.to_dict() for priority, targets in self.targets.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaPolicy:
        """Inverse of :meth:`to_dict`; ValueError on a malformed document."""
        try:
            targets = {
                Priority(int(key)): SlaTargets.from_dict(value) for key, value in data["targets"].items()
            }
            return cls(
                name=str(data["name"]),
                calendar=str(data["calendar"]),
                targets=targets,
                warn_at=float(data.get("warn_at", DEFAULT_WARN_AT)),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid SLA policy document: {exc!r}") from exc
