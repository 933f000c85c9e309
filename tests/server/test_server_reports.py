"""``GET /v1/reports/{name}``: the server's figures equal the replica's on the same records.

The demo replica is imported into a server (SQLite and PostgreSQL) by
``outpost-server import-replica``, which also adopts the replica's SLA document; then
every report, asked over real HTTP, must equal the one computed on the replica itself.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from server.server_harness import ServerUnderTest

from sync import reports
from sync.demo.generator import DemoSpec, build_demo_replica
from sync.replica.replica import open_replica
from sync.server.cli import main
from sync.server.db.state_models import ServerSetting
from sync.server.reports.report_side import SLA_SETTING
from sync.services import config_documents

DEMO_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PARAMS = {"from": "2026-10-21", "to": "2026-11-19", "tz": "Europe/Paris"}
SERVER_REPORTS = ("summary", "volume", "backlog", "sla", "agents", "work", "csat")


def _without_numbers(doc: Any) -> Any:
    """The server numbers tickets itself (the demo's are provisional): compare the rest."""
    if isinstance(doc, dict):
        return {k: _without_numbers(v) for k, v in doc.items() if k != "number"}
    if isinstance(doc, list):
        return [_without_numbers(v) for v in doc]
    return doc


def test_server_reports_equal_the_replicas(server: ServerUnderTest, tmp_path: Path) -> None:
    office = tmp_path / "office"
    build_demo_replica(office, DemoSpec(tickets=150, articles=5, seed=11, now=DEMO_NOW))
    url = str(server.db.engine.url.render_as_string(hide_password=False))
    assert main(["import-replica", str(office), "--db", url]) == 0
    replica = open_replica(office)
    with replica.read() as s:
        document = config_documents.read_text(s, "sla")
    assert document is not None
    with server.db.read_session() as s:
        setting = s.get(ServerSetting, SLA_SETTING)
        assert setting is not None and json.loads(setting.value) == json.loads(document)
    server.add_user("boss", role="admin")
    boss = server.device("boss")
    request = reports.ReportRequest(date(2026, 10, 21), date(2026, 11, 19), tz=ZoneInfo("Europe/Paris"))
    for by in (None, "queue"):
        for name in SERVER_REPORTS:
            params = {**PARAMS, "interval": "week", **({"by": by} if by else {})}
            r = boss.http.get(f"/v1/reports/{name}", params=params)
            assert r.status_code == 200, r.text
            with replica.read() as s:
                local = reports.run_report(
                    s, reports.ReportRequest(request.start, request.end, "", "week", by, request.tz), name
                ).to_json()
            remote = r.json()
            if name == "csat":  # portal deflections are counted by the server alone
                assert (remote.pop("deflections"), local.pop("deflections")) == (0, None)
                assert local.pop("deflections_note").startswith("deflections are counted on the server")
                assert remote.pop("deflections_note") == ""
            assert _without_numbers(remote) == _without_numbers(local), (name, by)
    filtered = boss.http.get("/v1/reports/summary", params={**PARAMS, "query": "queue:it priority:<=2"})
    with replica.read() as s:
        local = reports.summary(
            s, reports.ReportRequest(request.start, request.end, "queue:it priority:<=2", tz=request.tz)
        )
    assert filtered.json() == local.to_json() and local.current.created > 0
    written = "channel:email,portal"  # requests that came in writing (the demo mixes channels)
    by_channel = boss.http.get("/v1/reports/summary", params={**PARAMS, "query": written})
    with replica.read() as s:
        local = reports.summary(s, reports.ReportRequest(request.start, request.end, written, tz=request.tz))
    assert by_channel.status_code == 200, by_channel.text
    assert by_channel.json() == local.to_json() and 0 < local.current.created < filtered_all(replica, request)
    replica.close()


def filtered_all(replica: Any, request: reports.ReportRequest) -> int:
    """Tickets created in the period without a filter (a channel filter must select fewer)."""
    with replica.read() as s:
        return int(reports.summary(s, request).current.created)


def test_reports_are_for_managers_of_their_queues_and_admins(server: ServerUnderTest) -> None:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("mia", role="manager", queues=(it,))
    server.add_user("al", role="agent", queues=(it, hr))
    mia, al = server.device("mia"), server.device("al")
    mia.push_ok(mia.new_ticket(it))
    al.push_ok(al.new_ticket(hr))
    today = mia.clock.date().isoformat()
    params = {"from": today, "to": today}
    assert al.http.get("/v1/reports/summary", params=params).status_code == 403
    assert mia.http.get("/v1/reports/summary", params=params).json()["created"] == 1  # IT only
    bad = mia.http.get("/v1/reports/summary", params={**params, "query": "is:overdue"})
    assert bad.status_code == 400 and "deadlines" in bad.text
    assert mia.http.get("/v1/reports/nonsense", params=params).status_code == 422
