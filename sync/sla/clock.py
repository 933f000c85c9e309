"""The SLA clocks of one ticket, computed from its event timeline.

A pure function of its inputs: the replica and the server, given the same events,
policy, calendars and ``now``, return the same :class:`SlaStatus`. Times are the
instants the actions were done on the device, not when they reached the server, so
work done offline is judged by when it was done.

Rules
-----
* Both clocks start at ``created_at`` and count business seconds of the calendar of the
  priority in force, only while the ticket is *active*: not in a pending status
  (:data:`PENDING_STATUSES` pause the clock; leaving them resumes it) and not resolved
  or closed.
* **First response** stops for good at the first public reply. Resolving (or closing)
  before any reply also stops it, at that instant: the resolution notice answers the
  requester. It never restarts.
* **Resolution** stops when the ticket becomes resolved or closed. A reopened ticket's
  clock continues from the elapsed time it had; time spent resolved never counts. It
  is "met" only while the ticket stays resolved; ``met_at`` is the latest resolution.
* **Priority changes** switch the targets (and the calendar) to the new priority's from
  that instant on; elapsed time carries over unchanged. A stopped clock is judged with
  the priority in force when it stopped. A clock whose elapsed time already exceeds a
  new, shorter target has been due since the instant its elapsed time reached it.
* **Due and breach**: ``due_at`` is the first instant the elapsed time reached the
  target; before that, when it will, counting from now as if running without pause
  (for a paused clock: "due if resumed now"). A clock not stopped is breached once
  ``now`` is past ``due_at``; a stopped clock is "met_late" if it stopped after due_at.
  So a clock due at 18:00 Friday is breached at 18:00:01, though no business time
  passes until Monday. Warnings start at the policy's ``warn_at`` fraction.
* **Messy timestamps** from devices with skewed clocks are made consistent, never
  rejected: events before ``created_at`` count as at ``created_at``; events after
  ``now`` have not happened yet; an event stamped earlier than the one listed before it
  (each list is in the order the changes were applied) counts as at that earlier
  event's time. At one instant, priority changes apply first, then the reply, then the
  status change. ``now`` before ``created_at`` counts as ``created_at``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple, TypeVar

from sync.domain.priority import Priority
from sync.domain.ticket_status import PENDING_STATUSES, TicketStatus
from sync.sla.calendar import BusinessCalendar
from sync.sla.local_time import epoch_seconds, from_epoch_seconds
from sync.sla.policy import SlaPolicy
from sync.sla.status import SlaClock, SlaState, SlaStatus

__all__ = ["compute_sla_status", "stored_sla_epoch"]

_STOPPED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
_PRIORITY, _REPLY, _STATUS, _END = 0, 1, 2, 3
_Value = TypeVar("_Value")
_Time = TypeVar("_Time", datetime, int)
# (start, calendar, elapsed before, elapsed after) of an interval in which the clocks counted.
_Segment = tuple[int, BusinessCalendar, int, int]
# Events sort by instant, then kind; a stable sort keeps same-kind events in applied order.
_BY_TIME_THEN_KIND = itemgetter(0, 1)


def compute_sla_status(
    *,
    created_at: datetime,
    priority: Priority,
    status_changes: Sequence[tuple[datetime, TicketStatus]],
    first_response_at: datetime | None,
    policy: SlaPolicy,
    calendars: Mapping[str, BusinessCalendar],
    now: datetime,
    priority_changes: Sequence[tuple[datetime, Priority]] = (),
    initial_status: TicketStatus = TicketStatus.NEW,
) -> SlaStatus:
    """Both SLA clocks of a ticket at ``now`` (see the module docstring for the rules).

    ``priority`` and ``initial_status`` are the values at creation; ``calendars`` must
    hold every calendar the policy names (KeyError otherwise). All datetimes must be
    timezone-aware; they are floored to whole seconds.
    """
    created = epoch_seconds(created_at)
    current = max(epoch_seconds(now), created)
    run = _run_clocks(
        created,
        current,
        priority,
        _consistent(status_changes, created, current, epoch_seconds),
        _consistent(priority_changes, created, current, epoch_seconds),
        None if first_response_at is None else epoch_seconds(first_response_at),
        policy,
        calendars,
        initial_status,
    )
    response_args, resolution_args = _clock_inputs(run, policy, calendars, current)
    first_response = _clock(*response_args)
    resolution = _clock(*resolution_args)
    clocks = (first_response, resolution)
    pending_due = [clock.due_at for clock in clocks if clock.met_at is None]
    return SlaStatus(
        policy=policy.name,
        priority=run[0],
        computed_at=from_epoch_seconds(current),
        first_response=first_response,
        resolution=resolution,
        state=max((clock.state for clock in clocks), key=lambda state: state.rank),
        next_due_at=min(pending_due) if pending_due else None,
    )


def stored_sla_epoch(
    created: int,
    priority: Priority,
    status_changes: Sequence[tuple[int, TicketStatus]],
    first_response: int | None,
    policy: SlaPolicy,
    calendars: Mapping[str, BusinessCalendar],
    now: int,
    priority_changes: Sequence[tuple[int, Priority]],
    initial_status: TicketStatus,
) -> tuple[int | None, SlaState]:
    """What a ticket stores of :func:`compute_sla_status` — ``(due, state)`` with ``due``
    the POSIX seconds of ``next_due_at`` (None while paused or when both clocks are met) —
    from the same inputs as POSIX seconds (``epoch_seconds`` of each datetime), without
    building the status objects: the bulk recompute's path. Same rules, same code; the
    tests compare the two on varied tickets."""
    current = max(now, created)
    run = _run_clocks(
        created,
        current,
        priority,
        _consistent(status_changes, created, current, None),
        _consistent(priority_changes, created, current, None),
        first_response,
        policy,
        calendars,
        initial_status,
    )
    response_args, resolution_args = _clock_inputs(run, policy, calendars, current)
    response_due, response_state = _due_and_state(*response_args)
    resolution_due, resolution_state = _due_and_state(*resolution_args)
    response_at, resolution_at = response_args.stopped_at, resolution_args.stopped_at
    # max() by rank keeps the first of equal ranks; equal ranks are equal states.
    state = response_state if response_state.rank >= resolution_state.rank else resolution_state
    if state is SlaState.PAUSED:
        return None, state
    if response_at is None:
        return (response_due if resolution_at is not None else min(response_due, resolution_due)), state
    return (resolution_due if resolution_at is None else None), state


# (priority in force, paused, elapsed, segments, response stop (at, priority, elapsed),
# resolution stop (at, priority)); a stop's instant is None while its clock runs.
_Run = tuple[
    Priority, bool, int, list[_Segment], tuple[int | None, Priority, int], tuple[int | None, Priority]
]


def _run_clocks(
    created: int,
    current: int,
    priority: Priority,
    status_changes: list[tuple[int, TicketStatus]],
    priority_changes: list[tuple[int, Priority]],
    first_response: int | None,
    policy: SlaPolicy,
    calendars: Mapping[str, BusinessCalendar],
    initial_status: TicketStatus,
) -> _Run:
    """Run both clocks from creation to ``current`` over the consistent changes (POSIX
    seconds): the shared core of :func:`compute_sla_status` and :func:`stored_sla_epoch`."""
    events: list[tuple[int, int, object]] = []
    events += [(at, _STATUS, status) for at, status in status_changes]
    events += [(at, _PRIORITY, value) for at, value in priority_changes]
    if first_response is not None:
        reply = max(first_response, created)
        if reply <= current:
            events.append((reply, _REPLY, None))
    events.sort(key=_BY_TIME_THEN_KIND)
    events.append((current, _END, None))

    status, prio = initial_status, Priority(priority)
    calendar = calendars[policy.calendar_for(prio)]  # the calendar of the priority in force
    elapsed, cursor = 0, created
    segments: list[_Segment] = []
    response_stop: tuple[int | None, Priority, int] | None = None  # (at, priority, elapsed)
    resolution_stop: tuple[int | None, Priority] | None = None
    for at, kind, value in events:
        if at > cursor and status not in _STOPPED and status not in PENDING_STATUSES:
            counted = calendar.business_seconds_between_epoch(cursor, at)
            if counted:
                segments.append((cursor, calendar, elapsed, elapsed + counted))
                elapsed += counted
        cursor = at
        if kind == _PRIORITY:
            prio = value  # type: ignore[assignment]
            calendar = calendars[policy.calendar_for(prio)]
        elif kind == _REPLY:
            if response_stop is None:
                response_stop = (at, prio, elapsed)
        elif kind == _STATUS:
            was_stopped = status in _STOPPED
            status = value  # type: ignore[assignment]
            if status in _STOPPED:
                if not was_stopped:
                    resolution_stop = (at, prio)
                    if response_stop is None:
                        response_stop = (at, prio, elapsed)
            else:
                resolution_stop = None

    if response_stop is None:
        response_stop = (None, prio, elapsed)
    if resolution_stop is None:
        resolution_stop = (None, prio)
    return prio, status in PENDING_STATUSES, elapsed, segments, response_stop, resolution_stop


class _ClockInputs(NamedTuple):
    """The arguments of :func:`_clock` / :func:`_due_and_state` for one clock."""

    target: int
    warn_at: float
    calendar: BusinessCalendar
    elapsed: int
    stopped_at: int | None
    segments: list[_Segment]
    current: int
    paused: bool


def _clock_inputs(
    run: _Run, policy: SlaPolicy, calendars: Mapping[str, BusinessCalendar], current: int
) -> tuple[_ClockInputs, _ClockInputs]:
    """The first-response and the resolution clock's inputs from one run of both clocks; each
    counts in the calendar and against the target of the priority in force when it stopped."""
    _prio, paused, elapsed, segments, response_stop, resolution_stop = run
    response_at, response_priority, response_elapsed = response_stop
    resolution_at, resolution_priority = resolution_stop
    return (
        _ClockInputs(
            policy.targets_for(response_priority).first_response,
            policy.warn_at,
            calendars[policy.calendar_for(response_priority)],
            response_elapsed,
            response_at,
            segments,
            current,
            paused,
        ),
        _ClockInputs(
            policy.targets_for(resolution_priority).resolution,
            policy.warn_at,
            calendars[policy.calendar_for(resolution_priority)],
            elapsed,
            resolution_at,
            segments,
            current,
            paused,
        ),
    )


def _clock(
    target: int,
    warn_at: float,
    calendar: BusinessCalendar,
    elapsed: int,
    stopped_at: int | None,
    segments: list[_Segment],
    current: int,
    paused: bool,
) -> SlaClock:
    """One clock from its elapsed time; ``calendar`` is the one its priority counts in."""
    due, state = _due_and_state(target, warn_at, calendar, elapsed, stopped_at, segments, current, paused)
    return SlaClock(
        target_seconds=target,
        elapsed_seconds=elapsed,
        due_at=from_epoch_seconds(due),
        met_at=None if stopped_at is None else from_epoch_seconds(stopped_at),
        state=state,
    )


def _due_and_state(
    target: int,
    warn_at: float,
    calendar: BusinessCalendar,
    elapsed: int,
    stopped_at: int | None,
    segments: list[_Segment],
    current: int,
    paused: bool,
) -> tuple[int, SlaState]:
    """A clock's due instant (POSIX seconds) and state (see "Due and breach")."""
    if elapsed >= target:
        due = _instant_reaching(segments, target)
    else:
        due = calendar.add_business_seconds_epoch(
            current if stopped_at is None else stopped_at, target - elapsed
        )
    if stopped_at is not None:
        state = SlaState.MET_LATE if stopped_at > due else SlaState.MET
    elif current > due:
        state = SlaState.BREACHED
    elif paused:
        state = SlaState.PAUSED
    elif elapsed >= target * warn_at:
        state = SlaState.WARNING
    else:
        state = SlaState.OK
    return due, state


def _instant_reaching(segments: list[_Segment], target: int) -> int:
    """The first instant at which the counted time reached ``target`` (which it has)."""
    for start, calendar, before, after in segments:
        if after >= target:
            return calendar.add_business_seconds_epoch(start, target - before)
    raise AssertionError("elapsed time reached the target but no segment reaches it")


def _consistent(
    changes: Sequence[tuple[_Time, _Value]],
    created: int,
    current: int,
    seconds: Callable[[_Time], int] | None,
) -> list[tuple[int, _Value]]:
    """Changes as POSIX seconds (``seconds`` converts each instant; None: they already
    are), clamped to [created, ...], never going back in time, and without those after
    ``current`` (see "Messy timestamps")."""
    result: list[tuple[int, _Value]] = []
    floor = created
    for at, value in changes:
        instant: int = at if seconds is None else seconds(at)  # type: ignore[assignment]
        floor = max(floor, instant)
        if floor > current:
            break
        result.append((floor, value))
    return result
