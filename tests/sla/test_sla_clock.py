"""SLA clocks from a ticket's timeline: pauses, reopening, warnings, breaches, priority changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.domain.priority import Priority
from sync.domain.ticket_status import TicketStatus
from sync.sla import (
    BusinessCalendar,
    SlaConfig,
    SlaPolicy,
    SlaState,
    SlaStatus,
    SlaTargets,
    compute_sla_status,
    default_sla_config,
)

HOUR = 3600
MINUTE = 60
P1, P3, P4 = Priority.CRITICAL, Priority.MEDIUM, Priority.LOW
OPEN, PENDING, RESOLVED = TicketStatus.OPEN, TicketStatus.PENDING_REQUESTER, TicketStatus.RESOLVED

CALENDARS = {
    "office": BusinessCalendar.weekdays("office", "UTC", time(9), time(17)),
    "24/7": BusinessCalendar.always_open("24/7"),
}
POLICY = SlaPolicy(
    name="test",
    calendar="office",
    targets={
        P1: SlaTargets(15 * MINUTE, 4 * HOUR, calendar="24/7"),
        Priority.HIGH: SlaTargets(HOUR, 8 * HOUR),
        P3: SlaTargets(4 * HOUR, 16 * HOUR),
        P4: SlaTargets(8 * HOUR, 40 * HOUR),
    },
)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """June 2026: the 1st is a Monday."""
    return datetime(2026, 6, day, hour, minute, second, tzinfo=UTC)


def sla(
    created: datetime,
    now: datetime,
    *,
    status: Sequence[tuple[datetime, TicketStatus]] = (),
    reply: datetime | None = None,
    priority: Priority = P3,
    priority_changes: Sequence[tuple[datetime, Priority]] = (),
) -> SlaStatus:
    return compute_sla_status(
        created_at=created,
        priority=priority,
        status_changes=status,
        first_response_at=reply,
        policy=POLICY,
        calendars=CALENDARS,
        now=now,
        priority_changes=priority_changes,
    )


def test_a_new_ticket_runs_both_clocks_in_business_time() -> None:
    result = sla(at(1, 10), at(1, 11))
    assert result.first_response.elapsed_seconds == HOUR
    assert result.first_response.target_seconds == 4 * HOUR
    assert result.first_response.fraction == 0.25
    assert result.first_response.due_at == at(1, 14)
    assert result.first_response.state is SlaState.OK
    assert result.resolution.due_at == at(3, 10)  # 7 h Monday, 8 h Tuesday, 1 h Wednesday
    assert (result.state, result.next_due_at, result.policy) == (SlaState.OK, at(1, 14), "test")


def test_warning_starts_at_three_quarters_of_the_target() -> None:
    assert sla(at(1, 10), at(1, 12, 59, 59)).first_response.state is SlaState.OK
    assert sla(at(1, 10), at(1, 13)).first_response.state is SlaState.WARNING
    assert sla(at(1, 10), at(1, 13)).state is SlaState.WARNING


def test_breached_only_after_the_due_instant_and_due_at_stays_put() -> None:
    on_the_dot = sla(at(1, 10), at(1, 14))
    assert on_the_dot.first_response.state is SlaState.WARNING
    late = sla(at(1, 10), at(1, 14, 0, 1))
    assert late.first_response.state is SlaState.BREACHED
    assert late.first_response.due_at == at(1, 14)
    assert sla(at(1, 10), at(2, 10)).first_response.due_at == at(1, 14)
    assert sla(at(1, 10), at(2, 10)).first_response.remaining_seconds == -4 * HOUR


def test_due_at_closing_time_is_breached_just_after_though_no_business_time_passes() -> None:
    friday = sla(at(5, 13), at(5, 17, 0, 1))
    assert friday.first_response.elapsed_seconds == 4 * HOUR
    assert friday.first_response.state is SlaState.BREACHED
    assert sla(at(5, 13), at(6, 12)).first_response.state is SlaState.BREACHED


def test_a_reply_meets_the_first_response_target_on_time_or_late() -> None:
    on_time = sla(at(1, 10), at(1, 16), reply=at(1, 12))
    assert on_time.first_response.state is SlaState.MET
    assert on_time.first_response.met_at == at(1, 12)
    assert on_time.first_response.elapsed_seconds == 2 * HOUR
    assert on_time.first_response.due_at == at(1, 14)  # the deadline it beat
    assert on_time.next_due_at == on_time.resolution.due_at
    late = sla(at(1, 10), at(1, 16), reply=at(1, 15))
    assert late.first_response.state is SlaState.MET_LATE
    assert late.first_response.due_at == at(1, 14)
    assert late.state is SlaState.OK  # the resolution clock is what is still running


def test_a_pause_over_the_weekend_stops_the_clock_and_due_at_is_as_if_resumed_now() -> None:
    created, reply = at(4, 9), at(4, 10)  # Thursday
    pause = [(at(5, 12), PENDING)]  # Friday noon
    paused = sla(created, at(6, 12), status=pause, reply=reply)  # Saturday
    assert paused.resolution.state is SlaState.PAUSED
    assert paused.resolution.elapsed_seconds == 11 * HOUR
    assert paused.resolution.due_at == at(8, 14)  # 5 h left from Monday 09:00
    assert paused.state is SlaState.PAUSED
    resumed = sla(created, at(8, 12), status=[*pause, (at(8, 11), OPEN)], reply=reply)  # Monday
    assert resumed.resolution.elapsed_seconds == 12 * HOUR
    assert resumed.resolution.state is SlaState.WARNING
    assert resumed.resolution.due_at == at(8, 16)
    never_paused = sla(created, at(8, 12), reply=reply)
    assert never_paused.resolution.state is SlaState.BREACHED
    assert never_paused.resolution.due_at == at(5, 17)


def test_the_third_party_pending_status_pauses_too() -> None:
    result = sla(at(1, 9), at(1, 17), status=[(at(1, 10), TicketStatus.PENDING_THIRD_PARTY)])
    assert result.first_response.elapsed_seconds == HOUR
    assert result.first_response.state is SlaState.PAUSED


def test_a_reopened_ticket_continues_the_resolution_clock_from_where_it_stopped() -> None:
    created, reply = at(1, 9), at(1, 9, 30)
    resolved = [(at(1, 13), RESOLVED)]
    while_resolved = sla(created, at(2, 12), status=resolved, reply=reply)
    assert while_resolved.resolution.state is SlaState.MET
    assert while_resolved.resolution.met_at == at(1, 13)
    assert (while_resolved.state, while_resolved.next_due_at) == (SlaState.MET, None)
    reopened = sla(created, at(3, 12), status=[*resolved, (at(3, 10), OPEN)], reply=reply)
    assert reopened.resolution.met_at is None
    assert reopened.resolution.elapsed_seconds == 6 * HOUR  # 4 h before, 2 h since reopening
    assert reopened.resolution.state is SlaState.OK
    assert reopened.resolution.due_at == at(4, 14)


def test_a_reopened_ticket_resolved_again_after_its_due_time_is_met_late() -> None:
    timeline = [(at(1, 13), RESOLVED), (at(2, 9), OPEN), (at(3, 15), RESOLVED)]
    result = sla(at(1, 9), at(4, 9), status=timeline, reply=at(1, 10))
    assert result.resolution.elapsed_seconds == 18 * HOUR
    assert result.resolution.met_at == at(3, 15)
    assert result.resolution.due_at == at(3, 13)  # 4 h Monday + 8 h Tuesday + 4 h Wednesday
    assert result.resolution.state is SlaState.MET_LATE
    assert result.state is SlaState.MET_LATE


def test_closing_stops_the_clocks_and_resolving_without_a_reply_counts_as_the_response() -> None:
    result = sla(at(1, 9), at(2, 9), status=[(at(1, 10), TicketStatus.CLOSED)])
    assert result.first_response.met_at == at(1, 10)
    assert result.first_response.state is SlaState.MET
    assert result.resolution.met_at == at(1, 10)
    assert result.state is SlaState.MET


def test_raising_the_priority_switches_targets_and_calendar_and_keeps_elapsed_time() -> None:
    raised = [(at(1, 10), P1)]
    soon_after = sla(at(1, 9), at(1, 11), priority=P4, priority_changes=raised)
    assert soon_after.priority is P1
    # An hour of office time already exceeds P1's 15 minutes: due since it reached them.
    assert soon_after.first_response.due_at == at(1, 9, 15)
    assert soon_after.first_response.state is SlaState.BREACHED
    # Resolution: 1 h office time + 1 h around the clock, 2 h of P1's 4 h left, 24/7.
    assert soon_after.resolution.elapsed_seconds == 2 * HOUR
    assert soon_after.resolution.due_at == at(1, 13)
    evening = sla(at(1, 9), at(1, 20), priority=P4, priority_changes=raised)
    assert evening.resolution.elapsed_seconds == 11 * HOUR
    assert evening.resolution.due_at == at(1, 13)
    assert evening.resolution.state is SlaState.BREACHED


def test_lowering_the_priority_lengthens_targets_and_counts_in_office_hours_from_then_on() -> None:
    result = sla(at(6, 10), at(8, 10), priority=P1, priority_changes=[(at(6, 10, 5), P4)])  # Saturday
    assert result.first_response.elapsed_seconds == 5 * MINUTE + HOUR
    assert result.first_response.target_seconds == 8 * HOUR
    assert result.first_response.due_at == at(8, 16, 55)
    assert result.first_response.state is SlaState.OK


def test_a_stopped_clock_is_judged_by_the_priority_when_it_stopped() -> None:
    result = sla(at(1, 9), at(1, 16), reply=at(1, 12), priority_changes=[(at(1, 14), P1)])
    assert result.first_response.target_seconds == 4 * HOUR
    assert result.first_response.state is SlaState.MET


def test_inconsistent_device_timestamps_are_made_consistent_not_rejected() -> None:
    created = at(1, 9)
    # Pending stamped before creation: pending from the start.
    assert sla(created, at(1, 12), status=[(at(1, 8), PENDING)]).first_response.elapsed_seconds == 0
    # A status change and a reply stamped after now have not happened yet.
    future = sla(created, at(1, 12), status=[(at(1, 13), PENDING)], reply=at(1, 13))
    assert future.first_response.elapsed_seconds == 3 * HOUR
    assert future.first_response.met_at is None
    # Listed out of order: the later-listed change counts at the earlier one's time.
    shuffled = sla(created, at(1, 14), status=[(at(1, 12), PENDING), (at(1, 11), OPEN)])
    assert shuffled.first_response.elapsed_seconds == 5 * HOUR
    # now before creation: nothing has elapsed yet.
    early = sla(created, at(1, 8))
    assert early.first_response.elapsed_seconds == 0
    assert early.first_response.due_at == at(1, 13)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sla(datetime(2026, 6, 1, 9), at(1, 10))


def test_the_default_policy_counts_p1_around_the_clock_and_p4_in_office_hours() -> None:
    config = default_sla_config("Europe/Berlin")
    policy = config.default_policy
    saturday = datetime(2026, 6, 6, 10, tzinfo=UTC)
    p1 = compute_sla_status(
        created_at=saturday,
        priority=P1,
        status_changes=[],
        first_response_at=None,
        policy=policy,
        calendars=config.calendars,
        now=saturday + timedelta(minutes=12),
    )
    assert (p1.first_response.state, p1.first_response.due_at) == (
        SlaState.WARNING,
        saturday + timedelta(minutes=15),
    )
    friday_5pm_berlin = datetime(2026, 6, 5, 15, tzinfo=UTC)
    p4 = compute_sla_status(
        created_at=friday_5pm_berlin,
        priority=P4,
        status_changes=[],
        first_response_at=None,
        policy=policy,
        calendars=config.calendars,
        now=friday_5pm_berlin,
    )
    assert p4.first_response.due_at == datetime(2026, 6, 8, 15, tzinfo=UTC)  # 1 h Friday + 9 h Monday


# --- properties -------------------------------------------------------------------------

BERLIN_CONFIG = default_sla_config("Europe/Berlin")
START = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


@st.composite
def timelines(draw: st.DrawFn) -> dict[str, object]:
    created = datetime.fromtimestamp(draw(st.integers(START, START + 365 * 86_400)), UTC)
    gaps = st.integers(-HOUR, 3 * 86_400).map(lambda s: timedelta(seconds=s))
    statuses = draw(st.lists(st.tuples(gaps, st.sampled_from(list(TicketStatus))), max_size=8))
    priorities = draw(st.lists(st.tuples(gaps, st.sampled_from(list(Priority))), max_size=3))

    def stamped(changes: list[tuple[timedelta, object]]) -> list[tuple[datetime, object]]:
        moment, result = created, []
        for gap, value in changes:
            moment += gap
            result.append((moment, value))
        return result

    reply = draw(st.none() | gaps.map(lambda gap: created + gap))
    return {
        "created_at": created,
        "priority": draw(st.sampled_from(list(Priority))),
        "status_changes": stamped(statuses),  # type: ignore[arg-type]
        "priority_changes": stamped(priorities),  # type: ignore[arg-type]
        "first_response_at": reply,
        "now": created + draw(gaps) * 3,
    }


@settings(max_examples=200, deadline=None)
@given(timelines())
def test_client_and_server_agree_and_the_result_is_self_consistent(timeline: dict[str, object]) -> None:
    synced = SlaConfig.from_dict(json.loads(json.dumps(BERLIN_CONFIG.to_dict())))
    local = compute_sla_status(
        policy=BERLIN_CONFIG.default_policy,
        calendars=BERLIN_CONFIG.calendars,
        **timeline,  # type: ignore[arg-type]
    )
    remote = compute_sla_status(policy=synced.default_policy, calendars=synced.calendars, **timeline)  # type: ignore[arg-type]
    assert local == remote

    now = max(local.computed_at, timeline["created_at"])  # type: ignore[type-var]
    wall_seconds = int((now - timeline["created_at"]).total_seconds())  # type: ignore[operator]
    assert 0 <= local.first_response.elapsed_seconds <= local.resolution.elapsed_seconds <= wall_seconds
    for clock in (local.first_response, local.resolution):
        if clock.state is SlaState.MET:
            assert clock.met_at is not None and clock.met_at <= clock.due_at
        elif clock.state is SlaState.MET_LATE:
            assert clock.met_at is not None and clock.met_at > clock.due_at
        else:
            assert clock.met_at is None
            assert (clock.state is SlaState.BREACHED) == (clock.due_at < now)
    unmet = [clock.due_at for clock in (local.first_response, local.resolution) if clock.met_at is None]
    assert local.next_due_at == (min(unmet) if unmet else None)
    assert local.state.rank == max(local.first_response.state.rank, local.resolution.state.rank)
