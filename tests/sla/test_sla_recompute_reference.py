"""The bulk recompute stores exactly what the per-ticket path computes, on a varied replica.

The scan (rowid-ordered pages, facts parsed straight to POSIX seconds, only the stored
columns computed) is compared ticket by ticket with the straightforward path a single
ticket write takes: ``load_facts`` by id, ``compute_ticket_sla`` (the full status objects)
and ``stored_columns``. The replica is a demo (new, open, pending, resolved, closed,
breached and met tickets) made messier by hand: several calendars in zones with DST and a
half-hour offset, holidays, an overnight shift, policies chosen by queue, category, type
and requester group, priority changes, reopened tickets, logs that do not end in the
current status, device times before creation or after ``now``, and unknown values.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from sync.demo.generator import DemoSpec, build_demo_replica
from sync.domain.priority import Priority
from sync.domain.ticket_type import TicketType
from sync.replica.replica import REPLICA_FILENAME, Replica, open_replica
from sync.services.config_documents import apply_config_change
from sync.services.sla_facts import compute_ticket_sla, load_facts
from sync.services.sla_recompute import RecomputeProgress, SlaRecompute, stored_time_text
from sync.services.sla_service import SlaService, stored_columns
from sync.sla import BusinessCalendar, SlaConfig, SlaPolicy, SlaRule, SlaTargets, default_sla_policy

NOW = datetime(2026, 11, 20, 10, tzinfo=UTC)
_H = 3600


def varied_config() -> SlaConfig:
    berlin_holidays = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 19)]
    night = [(time(22), time(6))]  # overnight shifts, Sunday to Thursday nights, and Saturday day
    calendars = [
        BusinessCalendar.always_open("24/7"),
        BusinessCalendar.weekdays("office-hours", "UTC", time(8), time(18), [date(2026, 11, 18)]),
        BusinessCalendar.weekdays("berlin", "Europe/Berlin", time(9), time(17), berlin_holidays),
        BusinessCalendar("night", "America/New_York", [night] * 4 + [[], [(time(10), time(14))], night]),
        BusinessCalendar.weekdays("kolkata", "Asia/Kolkata", time(9, 30), time(18, 15), [date(2026, 11, 6)]),
    ]

    def targets(first: int, resolution: int, calendar: str | None = None) -> SlaTargets:
        return SlaTargets(first, resolution, calendar=calendar)

    policies = [
        default_sla_policy(),
        SlaPolicy(
            "berlin-gold",
            "berlin",
            {
                Priority.CRITICAL: targets(_H // 4, 2 * _H, "night"),
                Priority.HIGH: targets(_H, 6 * _H),
                Priority.MEDIUM: targets(3 * _H, 20 * _H, "kolkata"),
                Priority.LOW: targets(8 * _H, 60 * _H),
            },
            warn_at=0.5,
        ),
        SlaPolicy(
            "night-desk",
            "night",
            {
                Priority.CRITICAL: targets(600, 3 * _H, "24/7"),
                Priority.HIGH: targets(2 * _H, 12 * _H),
                Priority.MEDIUM: targets(5 * _H, 30 * _H, "berlin"),
                Priority.LOW: targets(30 * _H, 9 * _H),  # allowed: the earlier due date counts
            },
            warn_at=0.9,
        ),
    ]
    rules = [
        SlaRule("berlin-gold", requester_group="vip"),
        SlaRule("night-desk", category="Network"),
        SlaRule("night-desk", ticket_type=TicketType.QUESTION),
        SlaRule("berlin-gold", queue=None, category="Payroll", ticket_type=TicketType.SERVICE_REQUEST),
    ]
    return SlaConfig(calendars=calendars, policies=policies, rules=rules, default_policy="standard")


def _text(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _mess_up(path: Path) -> None:
    """Histories the demo does not make: every kind of change the facts reader handles."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    rows = conn.execute("SELECT id, created_at, priority, status FROM tickets ORDER BY rowid").fetchall()

    def log(tid: str, field: str, old: str, new: str, at: datetime) -> None:
        conn.execute(
            "INSERT INTO activity (id, entity_type, entity_id, actor_id, field, old_value, new_value, note,"
            " at, version) VALUES (?, 'ticket', ?, NULL, ?, ?, ?, '', ?, 1)",
            (str(uuid.uuid4()), tid, field, old, new, _text(at)),
        )

    for n, (tid, created_text, priority, status) in enumerate(rows):
        created = datetime.fromisoformat(created_text).replace(tzinfo=UTC)
        if n % 5 == 0:  # priority raised, later lowered: targets and calendars switch mid-way
            raised = str(max(1, priority - 2))
            log(tid, "priority", str(priority), raised, created + timedelta(hours=n % 9 + 1))
            if n % 10 == 0:
                log(tid, "priority", raised, str(priority), created + timedelta(hours=n % 31 + 2))
        if n % 7 == 0:  # a device whose clock ran behind: a change stamped before creation
            log(tid, "status", "new", "open", created - timedelta(hours=3, microseconds=1))
        if n % 11 == 0:  # reopened after resolution, then worked on
            log(tid, "status", status, "resolved", created + timedelta(days=1))
            log(tid, "status", "resolved", "open", created + timedelta(days=2, hours=3))
            log(tid, "status", "open", status, created + timedelta(days=2, hours=5))
        if n % 13 == 0:  # a status from a newer Outpost, and a change after now
            log(tid, "status", status, "escalated_v9", created + timedelta(minutes=30))
            log(tid, "status", "escalated_v9", status, NOW + timedelta(days=3))
        if n % 17 == 0:  # pulled without its full history: the log ends in another status
            conn.execute(
                "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
                (
                    "pending_third_party" if status != "pending_third_party" else "open",
                    _text(NOW - timedelta(hours=n % 50)),
                    tid,
                ),
            )
        if n % 19 == 0:  # the first reply stamped before creation (skewed clock)
            conn.execute(
                "UPDATE tickets SET first_response_at = ? WHERE id = ?",
                (_text(created - timedelta(minutes=5)), tid),
            )
        if n % 3 == 0:  # times a hair before the next second: they count from the second they are in
            conn.execute(
                "UPDATE tickets SET created_at = substr(created_at, 1, 19) || '.999999' WHERE id = ?", (tid,)
            )
        if n % 23 == 0:  # a priority value this build does not know
            log(tid, "priority", str(priority), "7", created + timedelta(minutes=1))
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("varied")
    build_demo_replica(folder, DemoSpec(tickets=600, articles=5, seed=11, now=NOW))
    _mess_up(folder / REPLICA_FILENAME)
    return folder / REPLICA_FILENAME


@pytest.fixture
def varied(demo_file: Path, tmp_path: Path) -> Iterator[Replica]:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    (folder / REPLICA_FILENAME).write_bytes(demo_file.read_bytes())
    replica = open_replica(folder, clock=lambda: NOW)
    try:
        yield replica
    finally:
        replica.close()


def stored(replica: Replica) -> dict[str, tuple[str | None, str]]:
    conn = sqlite3.connect(replica.path)
    try:
        return {
            tid: (due, state) for tid, due, state in conn.execute("SELECT id, due_at, sla_state FROM tickets")
        }
    finally:
        conn.close()


def reference(replica: Replica, config: SlaConfig, now: datetime) -> dict[str, tuple[str | None, str]]:
    """The per-ticket path, one ticket at a time, as a ticket write computes it."""
    out = {}
    with replica.bulk_write() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM tickets ORDER BY id")]
        for tid in ids:
            due, state = stored_columns(compute_ticket_sla(load_facts(conn, [tid])[tid], config, now))
            out[tid] = (stored_time_text(due), state)
    return out


@pytest.mark.parametrize("now", [NOW, NOW + timedelta(days=2, hours=7, minutes=13)])
def test_the_bulk_recompute_stores_what_the_per_ticket_path_computes(varied: Replica, now: datetime) -> None:
    config = varied_config()
    SlaService(varied).save_config(config)
    with varied.bulk_write() as conn:  # nothing left from the demo's own computation
        conn.exec_driver_sql("UPDATE tickets SET due_at = NULL, sla_state = ''")
    result = SlaRecompute(varied, batch_size=97).run(now)
    assert result.finished and result.done == result.total == 600 and result.changed == 600
    expected = reference(varied, config, now)
    got = stored(varied)
    assert got == expected
    # The replica really is varied: every state, policies of every kind, paused tickets.
    assert {state for _due, state in got.values()} == {
        "ok",
        "warning",
        "breached",
        "paused",
        "met",
        "met_late",
    }
    assert sum(1 for due, state in got.values() if due is None and state == "paused") > 10
    # A second run finds nothing to write.
    assert SlaRecompute(varied, batch_size=500).run(now).changed == 0


def test_a_scan_whose_cursor_row_moved_starts_over(varied: Replica) -> None:
    """Rowids renumbered between two runs (as a VACUUM may do) must not skip tickets."""
    config = varied_config()
    SlaService(varied).save_config(config)
    with varied.bulk_write() as conn:
        conn.exec_driver_sql("UPDATE tickets SET due_at = NULL, sla_state = ''")
    seen: list[RecomputeProgress] = []
    first = SlaRecompute(varied, batch_size=200).run(
        NOW, progress=seen.append, cancelled=lambda: len(seen) >= 1
    )
    assert first.done == 200 and not first.finished
    with varied.bulk_write() as conn:  # reverse the storage order: unscanned rows now sit before the cursor
        top = int(conn.exec_driver_sql("SELECT max(rowid) FROM tickets").scalar_one())
        conn.exec_driver_sql("UPDATE tickets SET rowid = -rowid")
        conn.exec_driver_sql("UPDATE tickets SET rowid = ? + rowid", (top + 1,))
    rest = SlaRecompute(varied, batch_size=200).run(NOW)
    assert rest.finished and rest.done == 600
    assert stored(varied) == reference(varied, config, NOW)


def test_an_unreadable_configuration_recomputes_with_the_built_in_one(varied: Replica) -> None:
    with varied.write() as s:  # as if pulled from a newer Outpost
        apply_config_change(s, "config.sla", {"document": {"calendars": "from the future"}})
    assert SlaRecompute(varied, batch_size=250).run(NOW).finished
    assert stored(varied) == reference(varied, SlaService(varied).config(), NOW)
