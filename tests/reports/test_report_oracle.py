"""The reports agree with an independent oracle (tests/reports/report_oracle.py).

The oracle reads the tickets as JSON and recomputes the figures from the rules in
docs/reports.md with its own calendar walk. Checked on the demo replica and on
hypothesis-generated histories: reopenings, pauses, priority changes (which switch
between the 24/7 and the office-hours calendar), escalations, reassignment, device clocks
that stamp events before the ticket's creation, tickets spanning the range's edges, and
ranges across the DST changes of Europe/Paris.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from sync import reports
from sync.replica.models import Activity, Comment, Person, Queue, Ticket
from sync.replica.rating_models import Rating
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica, set_setting
from sync.services.config_documents import canonical_json
from sync.sla import default_sla_config
from tests.reports import report_oracle as oracle
from tests.reports.conftest import DEMO_NOW

PARIS = ZoneInfo("Europe/Paris")
#: Kept small for CI (~3 s); REPORT_ORACLE_EXAMPLES=2000 for a longer hunt.
EXAMPLES = int(os.environ.get("REPORT_ORACLE_EXAMPLES", "25"))
LATER = datetime(2027, 6, 1, tzinfo=UTC)  # "now" for generated histories: after all of them


def oracle_figures(db: Path, request: reports.ReportRequest, sla_doc: dict[str, Any]) -> tuple[Any, Any, Any]:
    tickets = [oracle.History(d) for d in json.loads(json.dumps(oracle.tickets_json(db)))]
    sla = oracle.Sla(sla_doc)
    zone = request.tz
    assert isinstance(zone, ZoneInfo)
    start, end = (
        oracle.local_midnight(request.start, zone),
        oracle.local_midnight(request.end + timedelta(days=1), zone),
    )
    length = timedelta(days=(request.end - request.start).days + 1)
    prev_start = oracle.local_midnight(request.start - length, zone)
    now = oracle.period(tickets, sla, start, end)
    before = oracle.period(tickets, sla, prev_start, start)
    return now, before, oracle.daily(tickets, request.start, request.end, zone)


def check(
    replica: Replica, db: Path, request: reports.ReportRequest, sla_doc: dict[str, Any], now: datetime
) -> None:
    with replica.read() as s:
        summary = reports.summary(s, request, now=now)
        volume = reports.volume(s, request, now=now).to_json()
        backlog = reports.backlog(s, request, now=now).to_json()
    expected, before, days = oracle_figures(db, request, sla_doc)
    doc = summary.to_json()
    for name, value in expected.items():
        if not name.startswith("_"):
            assert doc[name] == value, name
            assert doc["previous"][name] == before[name], f"previous {name}"
    assert [(r["bucket"], r["created"], r["resolved"]) for r in volume["rows"]] == [
        (d["bucket"], d["created"], d["resolved"]) for d in days
    ]
    assert [(r["bucket"], r["open"]) for r in backlog["rows"]] == [(d["bucket"], d["open"]) for d in days]
    assert set(summary.tickets["resolved"]) == set(expected["_resolved_at"])
    with replica.read() as s:
        sla_rows = reports.sla(s, request, now=now).to_json()["rows"]
        csat = reports.csat(s, request, now=now).to_json()
    assert {r["clock"]: (r["met"], r["breached"]) for r in sla_rows} == expected["_sla_counts"]
    want = expected["_csat"]
    assert doc["csat_note"] == want["note"]
    for name in ("requests", "responses", "average", "response_rate", "note", "scores"):
        assert csat[name] == want[name], name
    by_queue = {g["queue_id"]: (g["requests"], g["responses"], g["average"]) for g in csat["by_queue"]}
    by_agent = {g["agent_id"] or "": (g["requests"], g["responses"], g["average"]) for g in csat["by_agent"]}
    assert (by_queue, by_agent) == (want["by_queue"], want["by_agent"])


@pytest.mark.parametrize(
    ("start", "end"), [(date(2026, 10, 21), date(2026, 11, 19)), (date(2026, 9, 1), date(2026, 10, 31))]
)
def test_demo_reports_agree_with_the_oracle(
    demo_dir: Path, demo_replica: Replica, start: date, end: date
) -> None:
    with demo_replica.read() as s:
        from sync.services import config_documents

        text = config_documents.read_text(s, "sla")
    sla_doc = json.loads(text) if text else default_sla_config().to_dict()
    request = reports.ReportRequest(start, end, tz=ZoneInfo(sla_doc["calendars"][-1]["time_zone"]))
    check(demo_replica, demo_dir / REPLICA_FILENAME, request, sla_doc, DEMO_NOW)


# -- generated histories ---------------------------------------------------------------------

AGENTS = ("a1", "a2")
STATUSES = ("new", "open", "in_progress", "pending_requester", "pending_third_party", "resolved", "closed")
# Around the end of summer time in Paris (25 October 2026, 03:00 -> 02:00).
BASE = datetime(2026, 10, 19, 6, 0, tzinfo=UTC)

event = st.tuples(
    st.integers(
        min_value=-120, max_value=3 * 24 * 60
    ),  # minutes after the previous event (< 0: skewed clock)
    st.sampled_from(
        ("status", "status", "status", "priority", "reply", "note", "requester", "assign", "tier", "queue")
    ),
    st.integers(min_value=0, max_value=6),  # which value
)
ticket = st.tuples(
    st.integers(min_value=0, max_value=14 * 24 * 60),  # created, minutes after BASE
    st.integers(min_value=1, max_value=4),  # priority at creation
    st.lists(event, max_size=8),
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Replica, Path, dict[str, Any]]]:
    path = tmp_path_factory.mktemp("oracle")
    replica = open_replica(path)
    sla_doc = default_sla_config("Europe/Paris").to_dict()
    with replica.write() as s:
        set_setting(s, "config.sla", canonical_json(sla_doc))
        for q in ("q1", "q2"):
            s.add(Queue(id=q, name=q.upper()))
        for a in AGENTS:
            s.add(Person(id=a, name=a.upper(), username=a, role="agent"))
        s.add(Person(id="r1", name="Requester", role="requester"))
    yield replica, path / REPLICA_FILENAME, sla_doc
    replica.close()


def history_rows(n: int, created_min: int, priority: int, events: list[tuple[int, str, int]]) -> list[Any]:
    """One generated ticket as replica rows: the ticket first, then its activity and comments."""
    tid = f"t{n:03d}"
    created = BASE + timedelta(minutes=created_min)
    at, status, prio, tier, queue = created, "new", priority, 1, "q1"
    assignee: str | None = None
    first_response = None
    later: list[Any] = []

    def log(field: str, old: object, new: object, when: datetime) -> None:
        later.append(
            Activity(
                id=f"{tid}-{len(later)}",
                entity_type="ticket",
                entity_id=tid,
                field=field,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
                at=when,
            )
        )

    for delta, kind, value in events:
        at = at + timedelta(minutes=delta)
        if kind == "status" and STATUSES[value] != status:
            log("status", status, STATUSES[value], at)
            status = STATUSES[value]
        elif kind == "priority" and value % 4 + 1 != prio:
            log("priority", prio, value % 4 + 1, at)
            prio = value % 4 + 1
        elif kind in ("reply", "note", "requester"):
            by_requester = kind == "requester"
            kind_value = "note" if kind == "note" else "reply"
            later.append(
                Comment(
                    id=f"{tid}-c{len(later)}",
                    ticket_id=tid,
                    kind=kind_value,
                    author_id="r1" if by_requester else "a1",
                    from_requester=by_requester,
                    body="x",
                    created_at=at,
                )
            )
            if kind == "reply" and first_response is None:
                first_response = at
        elif kind == "assign" and (None, *AGENTS)[value % 3] != assignee:
            log("assignee_id", assignee, (None, *AGENTS)[value % 3], at)
            assignee = (None, *AGENTS)[value % 3]
        elif kind == "tier" and tier < 3:
            log("tier", tier, tier + 1, at)
            tier += 1
        elif kind == "queue":
            other = "q2" if queue == "q1" else "q1"
            log("queue_id", queue, other, at)
            queue = other
    ticket = Ticket(
        id=tid,
        local_number=n + 1,
        subject="s",
        status=status,
        priority=prio,
        queue_id=queue,
        assignee_id=assignee,
        tier=tier,
        created_at=created,
        updated_at=max(at, created),
        first_response_at=first_response,
    )
    return [ticket, *later]


def write_history(replica: Replica, specs: list[tuple[int, int, list[tuple[int, str, int]]]]) -> None:
    with replica.write() as s:
        for table in (Activity, Comment, Ticket, Rating):
            s.execute(delete(table))
        rows = [history_rows(n, *spec) for n, spec in enumerate(specs)]
        s.add_all(r[0] for r in rows)  # tickets first: the others' foreign keys name them
        s.flush()
        s.add_all(x for r in rows for x in r[1:])
        for n, (created_min, _priority, events) in enumerate(specs):
            score = (None, 1, 2, 3, 4, 5)[(created_min + len(events)) % 6]  # a third unrated
            if score is not None and (n + created_min) % 3:
                tid = f"t{n:03d}"
                s.add(
                    Rating(
                        id=tid, ticket_id=tid, person_id="r1", score=score, comment="", at=LATER, version=1
                    )
                )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(ticket, min_size=1, max_size=6),
    start_day=st.integers(min_value=0, max_value=16),
    days=st.integers(min_value=1, max_value=9),
)
def test_generated_histories_agree_with_the_oracle(
    generated: tuple[Replica, Path, dict[str, Any]], specs: Any, start_day: int, days: int
) -> None:
    replica, db, sla_doc = generated
    write_history(replica, specs)
    first = date(2026, 10, 19) + timedelta(days=start_day)
    request = reports.ReportRequest(first, first + timedelta(days=days - 1), tz=PARIS)
    check(replica, db, request, sla_doc, LATER)
