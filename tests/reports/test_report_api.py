"""The report API on the demo replica: shapes, drill-down counts, filters, bad input."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sync import reports
from sync.errors import ValidationError
from sync.replica.models import Queue, Ticket
from sync.replica.replica import Replica
from tests.reports.conftest import DEMO_NOW

PARIS = ZoneInfo("Europe/Paris")
MONTH = reports.ReportRequest(date(2026, 10, 21), date(2026, 11, 19), tz=PARIS)


def test_summary_figures_equal_their_drill_down(demo_replica: Replica) -> None:
    with demo_replica.read() as s:
        result = reports.summary(s, MONTH, now=DEMO_NOW)
        doc = result.to_json()
        assert doc["created"] == len(result.tickets["created"]) > 0
        assert doc["resolved"] == len(result.tickets["resolved"]) > 0
        assert doc["open_at_end"] == len(result.tickets["open_at_end"]) > 0
        assert doc["first_response_minutes"]["business"]["count"] == len(result.tickets["first_response"])
        assert doc["csat"] is None and doc["csat_note"] == "no ratings yet"
        assert doc["previous"]["range"] == {**doc["range"], "from": "2026-09-21", "to": "2026-10-20"}
        for key, ids in result.tickets.items():
            assert reports.drill(s, MONTH, "summary", key, now=DEMO_NOW) == ids
        met, late = result.tickets["sla_resolution_met"], result.tickets["sla_resolution_breached"]
        assert sorted(met + late) == sorted(result.tickets["resolved"])
        assert doc["sla_resolution_met_pct"] == round(100 * len(met) / doc["resolved"], 1)


def test_volume_buckets_add_up_to_the_summary(demo_replica: Replica) -> None:
    weekly = reports.ReportRequest(MONTH.start, MONTH.end, interval="week", by="queue", tz=PARIS)
    with demo_replica.read() as s:
        head = reports.summary(s, weekly, now=DEMO_NOW).to_json()
        vol = reports.volume(s, weekly, now=DEMO_NOW)
    rows = vol.to_json()["rows"]
    assert {r["group"] for r in rows} == {"IT", "Facilities", "HR"}
    assert sum(r["created"] for r in rows) == head["created"]
    assert sum(r["resolved"] for r in rows) == head["resolved"]
    assert rows[0]["bucket"] == "2026-W43" and rows[-1]["bucket"] == "2026-W47"
    for r in rows:
        assert len(vol.tickets[f"created:{r['bucket']}:{r['group']}"]) == r["created"]


def test_backlog_ends_with_the_open_at_end_and_its_ages(demo_replica: Replica) -> None:
    with demo_replica.read() as s:
        head = reports.summary(s, MONTH, now=DEMO_NOW).to_json()
        back = reports.backlog(s, MONTH, now=DEMO_NOW).to_json()
    assert len(back["rows"]) == 30
    assert back["rows"][-1]["open"] == back["open_at_end"] == head["open_at_end"]
    assert sum(back["age"].values()) == back["open_at_end"]


def test_query_filters_like_the_search(demo_replica: Replica) -> None:
    it = reports.ReportRequest(MONTH.start, MONTH.end, query="queue:it priority:<=2", tz=PARIS)
    with demo_replica.read() as s:
        everything = reports.summary(s, MONTH, now=DEMO_NOW)
        some = reports.summary(s, it, now=DEMO_NOW)
        queues = {q.id: q.name for q in s.execute(select(Queue)).scalars()}
        rows = {t.id: (queues[t.queue_id], t.priority) for t in s.execute(select(Ticket)).scalars()}
    assert 0 < some.current.created < everything.current.created
    assert {rows[tid] for tid in some.tickets["created"]} <= {("IT", 1), ("IT", 2)}


@pytest.mark.parametrize(
    ("query", "message"),
    [("printer", "free text"), ("kind:article", "kind:article"), ("queue:", "not valid")],
)
def test_bad_queries_are_refused_with_a_reason(demo_replica: Replica, query: str, message: str) -> None:
    with demo_replica.read() as s, pytest.raises(ValidationError, match=message):
        reports.summary(s, reports.ReportRequest(MONTH.start, MONTH.end, query=query), now=DEMO_NOW)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        reports.ReportRequest(date(2026, 2, 2), date(2026, 2, 1))
    with pytest.raises(ValidationError, match="split by"):
        reports.ReportRequest(date(2026, 2, 1), date(2026, 2, 1), by="colour")


def test_buckets_follow_the_local_calendar_across_dst() -> None:
    request = reports.ReportRequest(date(2026, 10, 24), date(2026, 10, 26), tz=PARIS)
    hours = [(b.end_at - b.start_at).total_seconds() / 3600 for b in request.buckets()]
    assert hours == [24, 25, 24]  # clocks go back on 25 October 2026 in Paris
    months = reports.ReportRequest(date(2026, 1, 15), date(2026, 3, 2), interval="month").buckets()
    assert [(b.label, b.first.day, b.last.day) for b in months] == [
        ("2026-01", 15, 31),
        ("2026-02", 1, 28),
        ("2026-03", 1, 2),
    ]


def test_dashboard_is_the_four_reports_from_one_read(demo_replica: Replica) -> None:
    weekly = reports.ReportRequest(MONTH.start, MONTH.end, interval="week", by="priority", tz=PARIS)
    with demo_replica.read() as s:
        board = reports.dashboard(s, weekly, now=DEMO_NOW).to_json()
        assert board == {
            name: reports.run_report(s, weekly, name, now=DEMO_NOW).to_json()
            for name in ("summary", "volume", "backlog", "sla")
        }


def test_backlog_cells_drill_to_the_tickets_open_then(demo_replica: Replica) -> None:
    split = reports.ReportRequest(MONTH.start, MONTH.end, interval="week", by="queue", tz=PARIS)
    with demo_replica.read() as s:
        back = reports.backlog(s, split, now=DEMO_NOW)
        for row in back.rows():
            key = f"open:{row['bucket']}:{row['group']}"
            assert len(back.tickets[key]) == row["open"], key
            assert reports.drill(s, split, "backlog", key, now=DEMO_NOW) == back.tickets[key]
        with pytest.raises(ValidationError, match="no figure"):
            reports.drill(s, split, "backlog", "open:1999-01-01:IT", now=DEMO_NOW)


def test_channel_splits_and_filters_like_the_search(demo_replica: Replica) -> None:
    by_channel = reports.ReportRequest(MONTH.start, MONTH.end, interval="month", by="channel", tz=PARIS)
    with demo_replica.read() as s:
        rows = reports.volume(s, by_channel, now=DEMO_NOW).to_json()["rows"]
        channels = {t.id: t.channel for t in s.execute(select(Ticket)).scalars()}
        for channel in {r["group"] for r in rows}:
            only = reports.ReportRequest(MONTH.start, MONTH.end, query=f"channel:{channel}", tz=PARIS)
            found = reports.summary(s, only, now=DEMO_NOW)
            assert found.current.created == sum(r["created"] for r in rows if r["group"] == channel)
            assert {channels[i] for i in found.tickets["created"]} <= {channel}
    assert len({r["group"] for r in rows}) > 1


def test_ranges_at_the_ends_of_the_calendar_are_refused_not_crashing() -> None:
    for start, end in ((date(1, 1, 1), date(1, 1, 1)), (date(9999, 12, 31), date(9999, 12, 31))):
        with pytest.raises(ValidationError, match="Reports cover days"):
            reports.ReportRequest(start, end, tz=PARIS)


def test_every_backlog_day_drills_to_the_tickets_open_at_its_end(demo_replica: Replica) -> None:
    daily = reports.ReportRequest(MONTH.start, MONTH.end, tz=PARIS)
    with demo_replica.read() as s:
        data = reports.load_report_data(s, daily, side=reports.REPLICA, now=DEMO_NOW)
        back = reports.backlog(s, daily, now=DEMO_NOW)
    for bucket in daily.buckets():
        expected = tuple(t.ticket_id for t in data.tickets if t.open_at_end(bucket.end_at))
        assert back.tickets[f"open:{bucket.label}:"] == expected, bucket.label
