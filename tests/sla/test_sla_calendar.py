"""BusinessCalendar: hours, holidays, DST, week boundaries and the agreement properties."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sync.sla import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold)  # type: ignore[misc]


def every_day(zone: str, *spans: tuple[time, time], holidays: tuple[date, ...] = ()) -> BusinessCalendar:
    return BusinessCalendar("test", zone, [list(spans)] * 7, holidays)


OFFICE = BusinessCalendar.weekdays("office", "Europe/Berlin", time(9), time(17))


# --- plain weekly hours ---------------------------------------------------------------


def test_a_full_week_of_office_hours_is_forty_hours() -> None:
    monday = local(BERLIN, 2026, 6, 1)
    assert OFFICE.business_seconds_between(monday, monday + timedelta(days=7)) == 40 * HOUR


def test_a_year_of_weekdays_counts_every_weekday_once() -> None:
    calendar = BusinessCalendar.weekdays("office", "UTC", time(8), time(18))
    weekdays_2026 = sum(1 for n in range(365) if (date(2026, 1, 1) + timedelta(n)).weekday() < 5)
    assert calendar.business_seconds_between(utc(2026, 1, 1), utc(2027, 1, 1)) == weekdays_2026 * 10 * HOUR


def test_adding_from_a_closed_time_starts_at_the_next_opening() -> None:
    saturday = local(BERLIN, 2026, 6, 6, 10)
    assert OFFICE.add_business_seconds(saturday, 1) == local(BERLIN, 2026, 6, 8, 9, 0, 1)
    assert OFFICE.add_business_seconds(saturday, 90 * 60) == local(BERLIN, 2026, 6, 8, 10, 30)


def test_adding_gives_the_earliest_instant_so_a_full_day_ends_at_closing_time() -> None:
    monday_open = local(BERLIN, 2026, 6, 1, 9)
    assert OFFICE.add_business_seconds(monday_open, 8 * HOUR) == local(BERLIN, 2026, 6, 1, 17)
    assert OFFICE.add_business_seconds(monday_open, 5 * 8 * HOUR) == local(BERLIN, 2026, 6, 5, 17)
    assert OFFICE.add_business_seconds(monday_open, 5 * 8 * HOUR + 1) == local(BERLIN, 2026, 6, 8, 9, 0, 1)


def test_zero_seconds_is_the_start_itself_even_when_closed() -> None:
    sunday = local(BERLIN, 2026, 6, 7, 3)
    assert OFFICE.add_business_seconds(sunday, 0) == sunday
    assert OFFICE.business_seconds_between(sunday, sunday) == 0
    monday = local(BERLIN, 2026, 6, 8, 10)
    assert OFFICE.business_seconds_between(monday, monday) == 0


def test_reversed_range_is_negative_and_negative_additions_are_refused() -> None:
    start, end = local(BERLIN, 2026, 6, 1, 9), local(BERLIN, 2026, 6, 1, 12)
    assert OFFICE.business_seconds_between(end, start) == -3 * HOUR
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add_business_seconds(start, -1)


def test_open_from_the_first_second_to_before_the_last() -> None:
    assert OFFICE.is_open(local(BERLIN, 2026, 6, 1, 9))
    assert OFFICE.is_open(local(BERLIN, 2026, 6, 1, 16, 59, 59))
    assert not OFFICE.is_open(local(BERLIN, 2026, 6, 1, 17))
    assert not OFFICE.is_open(local(BERLIN, 2026, 6, 1, 8, 59, 59))
    assert not OFFICE.is_open(local(BERLIN, 2026, 6, 6, 12))


def test_sub_second_parts_are_floored() -> None:
    start = local(BERLIN, 2026, 6, 1, 9, 0, 0) + timedelta(microseconds=999_999)
    assert OFFICE.business_seconds_between(start, local(BERLIN, 2026, 6, 1, 9, 0, 10)) == 10


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.is_open(datetime(2026, 6, 1, 10))


# --- overnight spans, holidays, the week boundary --------------------------------------

NIGHTS = BusinessCalendar("nights", "Europe/Berlin", [[(time(22), time(6))]] * 5 + [[], []])


def test_an_overnight_span_belongs_to_the_weekday_it_starts_on() -> None:
    assert NIGHTS.is_open(local(BERLIN, 2026, 6, 6, 3))  # Saturday morning: Friday's shift
    assert not NIGHTS.is_open(local(BERLIN, 2026, 6, 7, 3))  # Sunday morning: no Saturday shift
    assert not NIGHTS.is_open(local(BERLIN, 2026, 6, 8, 3))  # Monday morning: no Sunday shift
    assert NIGHTS.is_open(local(BERLIN, 2026, 6, 9, 3))
    friday_noon = local(BERLIN, 2026, 6, 5, 12)
    assert NIGHTS.business_seconds_between(friday_noon, friday_noon + timedelta(days=3)) == 8 * HOUR
    assert NIGHTS.add_business_seconds(friday_noon, 8 * HOUR) == local(BERLIN, 2026, 6, 6, 6)


def test_a_holiday_removes_spans_starting_that_day_but_not_the_night_before() -> None:
    holiday = date(2026, 6, 2)  # a Tuesday
    calendar = BusinessCalendar("nights", "Europe/Berlin", [[(time(22), time(6))]] * 5 + [[], []], [holiday])
    assert calendar.is_open(local(BERLIN, 2026, 6, 2, 3))  # Monday's shift
    assert not calendar.is_open(local(BERLIN, 2026, 6, 2, 23))
    assert not calendar.is_open(local(BERLIN, 2026, 6, 3, 3))
    monday_noon = local(BERLIN, 2026, 6, 1, 12)
    assert calendar.business_seconds_between(monday_noon, monday_noon + timedelta(days=2)) == 8 * HOUR
    assert calendar.add_business_seconds(monday_noon, 8 * HOUR + 1) == local(BERLIN, 2026, 6, 3, 22, 0, 1)


def test_office_holiday_is_skipped_when_adding() -> None:
    calendar = BusinessCalendar.weekdays("office", "Europe/Berlin", time(9), time(17), [date(2026, 12, 25)])
    thursday = local(BERLIN, 2026, 12, 24, 16)
    assert calendar.add_business_seconds(thursday, 2 * HOUR) == local(BERLIN, 2026, 12, 28, 10)


def test_a_sunday_night_span_crosses_the_week_boundary() -> None:
    calendar = BusinessCalendar("weekend-watch", "UTC", [[], [], [], [], [], [], [(time(20), time(4))]])
    assert calendar.is_open(utc(2026, 6, 8, 2))  # Monday 02:00, Sunday's span
    assert not calendar.is_open(utc(2026, 6, 8, 4))
    assert calendar.business_seconds_between(utc(2026, 6, 7, 19), utc(2026, 6, 8, 5)) == 8 * HOUR
    assert calendar.add_business_seconds(utc(2026, 6, 8, 5), 1) == utc(2026, 6, 14, 20, 0, 1)


def test_overlapping_spans_are_refused_also_across_the_week_boundary() -> None:
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar("bad", "UTC", [[(time(8), time(12)), (time(11), time(13))]] + [[]] * 6)
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar("bad", "UTC", [[(time(22), time(6))], [(time(5), time(9))]] + [[]] * 5)
    with pytest.raises(ValueError, match="week boundary"):
        BusinessCalendar("bad", "UTC", [[(time(5), time(9))]] + [[]] * 5 + [[(time(22), time(6))]])
    # touching spans are fine
    BusinessCalendar("ok", "UTC", [[(time(22), time(6))], [(time(6), time(9))]] + [[]] * 5)


def test_a_calendar_without_hours_never_accumulates_time() -> None:
    closed = BusinessCalendar("closed", "UTC", [[]] * 7)
    assert closed.business_seconds_between(utc(2026, 1, 1), utc(2027, 1, 1)) == 0
    assert not closed.is_open(utc(2026, 1, 1))
    with pytest.raises(ValueError, match="no opening hours"):
        closed.add_business_seconds(utc(2026, 1, 1), 1)


# --- DST --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        (BERLIN, date(2026, 3, 29), date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_dst_days_keep_wall_hours_and_overnight_spans_last_their_real_length(
    zone: ZoneInfo, spring: date, autumn: date
) -> None:
    day_shift = every_day(zone.key, (time(9), time(17)))
    night_shift = every_day(zone.key, (time(22), time(6)))
    for change in (spring, autumn):
        midnight = local(zone, change.year, change.month, change.day)
        opening = local(zone, change.year, change.month, change.day, 9)
        closing = local(zone, change.year, change.month, change.day, 17)
        assert day_shift.business_seconds_between(midnight, midnight + timedelta(days=1)) == 8 * HOUR
        assert day_shift.add_business_seconds(opening, 8 * HOUR) == closing
    spring_eve = local(zone, spring.year, spring.month, spring.day, 12) - timedelta(days=1)
    autumn_eve = local(zone, autumn.year, autumn.month, autumn.day, 12) - timedelta(days=1)
    assert night_shift.business_seconds_between(spring_eve, spring_eve + timedelta(hours=23)) == 7 * HOUR
    assert night_shift.business_seconds_between(autumn_eve, autumn_eve + timedelta(hours=25)) == 9 * HOUR
    # The shift still ends at 06:00 local time on the morning of the change.
    assert night_shift.add_business_seconds(spring_eve, 7 * HOUR) == local(
        zone, spring.year, spring.month, spring.day, 6
    )
    assert night_shift.add_business_seconds(autumn_eve, 9 * HOUR) == local(
        zone, autumn.year, autumn.month, autumn.day, 6
    )


def test_a_span_starting_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    calendar = every_day("Europe/Berlin", (time(2, 30), time(4)))
    assert not calendar.is_open(utc(2026, 3, 29, 0, 59, 59))
    assert calendar.is_open(utc(2026, 3, 29, 1))  # 03:00 CEST, the instant after 01:59:59 CET
    assert calendar.business_seconds_between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == HOUR


def test_a_span_starting_in_the_repeated_hour_starts_at_its_first_occurrence() -> None:
    calendar = every_day("Europe/Berlin", (time(2, 30), time(3, 30)))
    assert calendar.is_open(utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert calendar.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET, second time round
    assert not calendar.is_open(utc(2026, 10, 25, 2, 30))  # 03:30 CET
    assert calendar.business_seconds_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == 2 * HOUR


def test_a_wall_clock_full_day_is_23_or_25_hours_on_dst_days_but_24_7_is_plain_time() -> None:
    full_days = every_day("America/New_York", (time(0), time(0)))
    assert full_days.is_always_open  # 23- and 25-hour days still leave no gap
    assert not every_day("UTC", (time(0), time(0)), holidays=(date(2026, 3, 8),)).is_always_open
    march_7 = local(NEW_YORK, 2026, 3, 7)
    assert full_days.business_seconds_between(march_7, march_7 + timedelta(days=3)) == 71 * HOUR
    always = BusinessCalendar.always_open()
    assert always.is_always_open
    assert always.business_seconds_between(march_7, march_7 + timedelta(days=3)) == 71 * HOUR
    assert always.add_business_seconds(utc(2026, 3, 7), 15 * 60) == utc(2026, 3, 7, 0, 15)
    assert always.is_open(utc(2026, 12, 25, 3))


# --- serialisation ----------------------------------------------------------------------


def test_to_dict_is_plain_json_and_round_trips() -> None:
    calendar = BusinessCalendar(
        "support",
        "America/New_York",
        [[(time(8, 30), time(12)), (time(13), time(17, 30, 15))]] * 5 + [[(time(22), time(6))], []],
        [date(2026, 12, 25), date(2026, 7, 3)],
    )
    document = json.loads(json.dumps(calendar.to_dict()))
    assert document["weekly"]["mon"] == [["08:30", "12:00"], ["13:00", "17:30:15"]]
    assert document["weekly"]["sat"] == [["22:00", "06:00"]]
    assert document["holidays"] == ["2026-07-03", "2026-12-25"]
    assert BusinessCalendar.from_dict(document) == calendar
    assert BusinessCalendar.from_dict(document).weekly == calendar.weekly


@pytest.mark.parametrize(
    "document",
    [
        {"name": "x", "time_zone": "Mars/Olympus_Mons", "weekly": {}},
        {"name": "x", "time_zone": "UTC", "weekly": {"funday": []}},
        {"name": "x", "time_zone": "UTC", "weekly": {"mon": [["25:00", "26:00"]]}},
        {"name": "x", "time_zone": "UTC", "weekly": {"mon": [[8, 9]]}},
        {"name": "x", "weekly": {}},
        {"name": "x", "time_zone": "UTC", "holidays": ["not a date"]},
    ],
)
def test_bad_documents_are_refused_with_value_error(document: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.from_dict(document)


# --- properties -------------------------------------------------------------------------

# Lord Howe moves its clocks by 30 minutes; Kolkata and St John's have half-hour offsets.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/St_Johns",
]
START_2025 = int(utc(2025, 1, 1).timestamp())
END_2028 = int(utc(2028, 12, 31).timestamp())


@st.composite
def calendars(draw: st.DrawFn, granularity: int = 1, zones: list[str] = ZONES) -> BusinessCalendar:
    """Random non-overlapping weekly spans (possibly overnight, possibly across the week
    boundary) in a random zone, with a few holidays."""
    count = draw(st.integers(0, 8)) * 2
    points = sorted(
        draw(st.lists(st.integers(0, WEEK // granularity - 1), min_size=count, max_size=count, unique=True))
    )
    shift = draw(st.integers(0, WEEK // granularity - 1))
    weekly: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for start, end in zip(points[::2], points[1::2], strict=True):
        start_s, length = (start + shift) * granularity % WEEK, min((end - start) * granularity, DAY)
        day, second = divmod(start_s, DAY)
        end_s = (second + length) % DAY
        weekly[day].append((_clock_time(second), _clock_time(end_s)))
    holidays = draw(st.lists(st.dates(date(2025, 1, 1), date(2028, 12, 31)), max_size=20))
    return BusinessCalendar("random", draw(st.sampled_from(zones)), weekly, holidays)


def _clock_time(second: int) -> time:
    return time(second // 3600, second // 60 % 60, second % 60)


instants = st.integers(START_2025, END_2028).map(lambda s: datetime.fromtimestamp(s, UTC))


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.integers(0, 30 * DAY))
def test_adding_then_measuring_round_trips_and_the_result_is_the_earliest(
    calendar: BusinessCalendar, start: datetime, seconds: int
) -> None:
    if not calendar.business_seconds_between(utc(2025, 1, 1), utc(2025, 1, 8)) and seconds:
        return  # a calendar without hours never gets there (tested above)
    reached = calendar.add_business_seconds(start, seconds)
    assert reached >= start
    assert calendar.business_seconds_between(start, reached) == seconds
    if seconds:
        assert calendar.business_seconds_between(start, reached - timedelta(seconds=1)) == seconds - 1
        assert calendar.is_open(reached - timedelta(seconds=1))


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, instants, instants)
def test_business_time_is_additive_and_monotonic(
    calendar: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    ab, bc, ac = (calendar.business_seconds_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac
    first, middle, last = sorted((a, b, c))
    early, late = (
        calendar.business_seconds_between(first, middle),
        calendar.business_seconds_between(first, last),
    )
    assert 0 <= early <= late <= int((last - first).total_seconds())


@settings(max_examples=100, deadline=None)
@given(calendars(), st.lists(st.tuples(instants, instants), min_size=1, max_size=6), st.integers(0, 10 * DAY))
def test_a_calendar_rebuilt_from_its_document_gives_identical_answers(
    calendar: BusinessCalendar, ranges: list[tuple[datetime, datetime]], seconds: int
) -> None:
    """The client/server agreement property: same document, same answers, whatever
    each side's cache happens to hold (the copy sees the queries in reverse order)."""
    copy = BusinessCalendar.from_dict(json.loads(json.dumps(calendar.to_dict())))
    has_hours = calendar.business_seconds_between(utc(2025, 1, 1), utc(2025, 1, 8)) > 0

    def answer(subject: BusinessCalendar, start: datetime, end: datetime) -> tuple[object, ...]:
        added = subject.add_business_seconds(start, seconds) if has_hours else None
        return subject.business_seconds_between(start, end), subject.is_open(start), added

    forward = [answer(calendar, start, end) for start, end in ranges]
    backward = [answer(copy, start, end) for start, end in reversed(ranges)]
    assert forward == backward[::-1]


def _wall_model_is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Independent reference: open when the local wall time lies inside a span that
    started on that local date or the one before (valid when no span boundary falls in
    a DST transition hour)."""
    zone = ZoneInfo(calendar.time_zone)
    wall = at.astimezone(zone).replace(tzinfo=None)
    for day in (wall.date(), wall.date() - timedelta(days=1)):
        if day in calendar.holidays:
            continue
        midnight = datetime(day.year, day.month, day.day)
        for start, end in calendar.weekly[day.weekday()]:
            opens = midnight + timedelta(hours=start.hour, minutes=start.minute)
            length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            closes = opens + timedelta(minutes=length if length > 0 else length + 24 * 60)
            if opens <= wall < closes:
                return True
    return False


@st.composite
def calendars_off_transition_hours(draw: st.DrawFn) -> BusinessCalendar:
    calendar = draw(calendars(granularity=60, zones=["Europe/Berlin", "America/New_York"]))
    bounds = [bound for spans in calendar.weekly for span in spans for bound in span]
    assume(all(not 1 <= bound.hour < 4 for bound in bounds))
    return calendar


dst_weeks = st.sampled_from(
    [utc(2026, 3, 26), utc(2026, 10, 22), utc(2026, 3, 5), utc(2026, 10, 29), utc(2026, 6, 10)]
)


@settings(max_examples=60, deadline=None)
@given(calendars_off_transition_hours(), dst_weeks, st.integers(0, 4 * 24 * 60), st.integers(0, 3 * 24 * 60))
def test_matches_a_minute_by_minute_wall_clock_model_around_dst_changes(
    calendar: BusinessCalendar, week: datetime, offset: int, minutes: int
) -> None:
    start = week + timedelta(minutes=offset)
    expected = sum(
        60 for minute in range(minutes) if _wall_model_is_open(calendar, start + timedelta(minutes=minute))
    )
    assert calendar.business_seconds_between(start, start + timedelta(minutes=minutes)) == expected
