"""The desk's SLA document reaches the server, so the server's reports count business time
as the replicas do: an admin's replica pushes ``config.sla``, ``import-replica`` adopts it.

The document used here counts office hours in Tokyo (08:00-18:00 JST = 23:00-09:00 UTC);
the server's built-in fallback counts them in UTC, so a ticket worked on a Monday morning
UTC has different business times under the two, and equal ones only once the server holds
the replica's document.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.server_harness import ServerUnderTest
from sync_engine.support_sync import Desk

from sync import reports
from sync.server.cli import main
from sync.server.db.state_models import ServerSetting
from sync.server.push.sla_document import SLA_SETTING, server_sla_config
from sync.services.sla_service import SlaService
from sync.sla import default_sla_config

TOKYO = default_sla_config("Asia/Tokyo")
DAY = date(2026, 3, 2)  # a Monday; the desks' clocks start at 08:00 UTC (17:00 in Tokyo)
PARAMS = {"from": DAY.isoformat(), "to": DAY.isoformat(), "tz": "UTC"}


def _work_a_morning(desk: Desk) -> None:
    """Three tickets, each answered and resolved hours later (across Tokyo's 18:00 close)."""
    for hours in (1, 2, 4):
        ticket = desk.new_ticket(f"Printer {hours}", impact=3, urgency=3)
        desk.clock.now += timedelta(hours=hours)
        desk.work.reply(ticket, "Looking at it")
        desk.clock.now += timedelta(minutes=30)
        desk.tickets.change_status(ticket, "resolved", resolution="cleared the jam")


def _business(summary: dict[str, Any]) -> tuple[Any, Any]:
    return summary["first_response_minutes"]["business"], summary["resolution_minutes"]["business"]


def _replica_summary(desk: Desk) -> dict[str, Any]:
    request = reports.ReportRequest(DAY, DAY, tz=ZoneInfo("UTC"))
    with desk.replica.read() as s:
        return reports.summary(s, request).to_json()


def test_an_admins_sla_document_syncs_and_the_servers_business_times_match(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    root = Desk.create(tmp_path / "root", server, "root")
    root.sync()  # the directory first: the replica learns its user is an admin
    SlaService(root.replica).save_config(TOKYO)
    _work_a_morning(root)
    report = root.sync()
    assert root.pending() == 0 and not report.rejected, report
    with server.db.read_session() as s:
        assert server_sla_config(s) == TOKYO
    served = server.device("root").http.get("/v1/reports/summary", params=PARAMS)
    assert served.status_code == 200, served.text
    local = _replica_summary(root)
    assert served.json()["resolved"] == local["resolved"] == 3
    assert _business(served.json()) == _business(local)
    # Counted in UTC office hours instead, the same tickets' business times differ (what the
    # server reported before it applied the document).
    assert _business(local) != _business(_summary_under(root, default_sla_config()))
    root.close()


def test_an_agent_cannot_change_the_desks_sla_document(server: ServerUnderTest, tmp_path: Path) -> None:
    root = Desk.create(tmp_path / "root", server, "root")
    root.sync()  # the directory first: the replica learns its user is an admin
    SlaService(root.replica).save_config(TOKYO)
    root.sync()
    alice = Desk.create(tmp_path / "alice", server, "alice")
    push = server.device("alice").push(
        server.device("alice").mutation(
            "config.sla", "config", "sla", {"document": default_sla_config().to_dict()}
        )
    )
    [outcome] = push.json()["outcomes"]
    assert (outcome["status"], outcome["kind"]) == ("rejected", "forbidden")
    broken = server.device("root").push(
        server.device("root").mutation("config.sla", "config", "sla", {"document": {"calendars": []}})
    )
    [outcome] = broken.json()["outcomes"]
    assert (outcome["status"], outcome["kind"]) == ("rejected", "invalid_input")
    with server.db.read_session() as s:
        assert server_sla_config(s) == TOKYO
    root.close()
    alice.close()


def test_import_replica_adopts_the_offices_sla_document_once(server: ServerUnderTest, tmp_path: Path) -> None:
    office = Desk.create(tmp_path / "office", server, "root", connect=False)
    office.set_up_standalone("Root Admin")
    SlaService(office.replica).save_config(TOKYO)
    office.close()
    url = str(server.db.engine.url.render_as_string(hide_password=False))
    assert main(["import-replica", str(tmp_path / "office"), "--db", url]) == 0
    with server.db.read_session() as s:
        assert server_sla_config(s) == TOKYO
    with server.db.write_session() as s:
        row = s.get(ServerSetting, SLA_SETTING)
        assert row is not None
        row.value = row.value.replace("Asia/Tokyo", "Europe/Paris")  # an admin changed it since
    assert main(["import-replica", str(tmp_path / "office"), "--db", url]) == 0
    with server.db.read_session() as s:
        assert server_sla_config(s) == default_sla_config("Europe/Paris")  # kept, not replaced


def _summary_under(desk: Desk, config: Any) -> dict[str, Any]:
    """The replica's summary as it would be with ``config`` as its SLA document."""
    side = reports.REPLICA
    forced: Callable[[Any], Any] = lambda _session: config  # noqa: E731
    other = reports.ReportSide(tables=side.tables, conditions=side.conditions, sla_config=forced)
    request = reports.ReportRequest(DAY, DAY, tz=ZoneInfo("UTC"))
    with desk.replica.read() as s:
        return reports.summary(s, request, side=other, now=datetime.now(UTC)).to_json()
