"""Priority from impact × urgency (an ITIL priority matrix).

Impact and urgency run from 1 (high) to 3 (low); priority from 1 (critical) to 4 (low).
A ticket may override the computed priority, but only with a reason, which the
services record in the activity log.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Impact", "Priority", "Urgency", "priority_for"]


class Impact(IntEnum):
    HIGH = 1  # many people, a whole site or service
    MEDIUM = 2  # a team or a room
    LOW = 3  # one person

    @property
    def label(self) -> str:
        return ("", "High", "Medium", "Low")[self.value]


class Urgency(IntEnum):
    HIGH = 1  # work stopped, safety, money lost now
    MEDIUM = 2  # work slowed
    LOW = 3  # can wait

    @property
    def label(self) -> str:
        return ("", "High", "Medium", "Low")[self.value]


class Priority(IntEnum):
    CRITICAL = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4

    @property
    def label(self) -> str:
        return f"P{self.value} " + ("", "Critical", "High", "Medium", "Low")[self.value]


_MATRIX: dict[tuple[Impact, Urgency], Priority] = {
    (Impact.HIGH, Urgency.HIGH): Priority.CRITICAL,
    (Impact.HIGH, Urgency.MEDIUM): Priority.HIGH,
    (Impact.HIGH, Urgency.LOW): Priority.MEDIUM,
    (Impact.MEDIUM, Urgency.HIGH): Priority.HIGH,
    (Impact.MEDIUM, Urgency.MEDIUM): Priority.MEDIUM,
    (Impact.MEDIUM, Urgency.LOW): Priority.LOW,
    (Impact.LOW, Urgency.HIGH): Priority.MEDIUM,
    (Impact.LOW, Urgency.MEDIUM): Priority.LOW,
    (Impact.LOW, Urgency.LOW): Priority.LOW,
}


def priority_for(impact: Impact | int, urgency: Urgency | int) -> Priority:
    """The matrix priority for an impact and urgency (each 1-3)."""
    return _MATRIX[(Impact(impact), Urgency(urgency))]
