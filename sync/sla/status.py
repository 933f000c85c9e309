"""The result of an SLA computation: plain frozen values for lists, badges and reports.

See :mod:`sync.sla.clock` for how the values are derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sync.domain.priority import Priority

__all__ = ["SlaClock", "SlaState", "SlaStatus"]


class SlaState(StrEnum):
    OK = "ok"  # running, below the warning fraction
    WARNING = "warning"  # running, at or past the warning fraction, not yet due
    BREACHED = "breached"  # not stopped, and its due instant has passed
    PAUSED = "paused"  # in a pending status, not breached
    MET = "met"  # stopped no later than due
    MET_LATE = "met_late"  # stopped after it was due

    @property
    def rank(self) -> int:
        """Urgency for sorting and for the overall badge: higher needs attention sooner.
        Every clock still running outranks every clock that has stopped."""
        return _RANKS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_RANKS = {
    SlaState.MET: 0,
    SlaState.MET_LATE: 1,
    SlaState.PAUSED: 2,
    SlaState.OK: 3,
    SlaState.WARNING: 4,
    SlaState.BREACHED: 5,
}
_LABELS = {
    SlaState.OK: "On track",
    SlaState.WARNING: "Due soon",
    SlaState.BREACHED: "Breached",
    SlaState.PAUSED: "Paused",
    SlaState.MET: "Met",
    SlaState.MET_LATE: "Met late",
}


@dataclass(frozen=True, slots=True)
class SlaClock:
    """One SLA clock (first response or resolution) at the moment of computation.

    ``due_at`` is always set: the instant the elapsed time reached the target if it has;
    otherwise when it will, counting from now as if the clock ran without pause (also
    while paused: "due at, if resumed now"); for a stopped clock, the deadline that was
    in force when it stopped.
    """

    target_seconds: int
    elapsed_seconds: int  # business seconds counted so far (or until stopped)
    due_at: datetime
    met_at: datetime | None
    state: SlaState

    @property
    def fraction(self) -> float:
        """Elapsed over target; above 1.0 once the target is exceeded."""
        return self.elapsed_seconds / self.target_seconds

    @property
    def remaining_seconds(self) -> int:
        """Business seconds left; negative once exceeded."""
        return self.target_seconds - self.elapsed_seconds


@dataclass(frozen=True, slots=True)
class SlaStatus:
    """Both clocks of a ticket, the overall state and the time to sort the "due" column by.

    ``state`` is the clock state with the highest :attr:`SlaState.rank`, so a ticket
    whose response was late but whose resolution is on track shows "ok" (the history is
    in ``first_response``), and a fully stopped ticket shows "met" or "met_late".
    ``next_due_at`` is the earliest ``due_at`` of the clocks not yet met, None when both are.
    """

    policy: str
    priority: Priority
    computed_at: datetime
    first_response: SlaClock
    resolution: SlaClock
    state: SlaState
    next_due_at: datetime | None
