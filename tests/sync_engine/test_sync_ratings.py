"""Requesters' ratings as synced records: rated in the portal (real HTTP, real server), pulled
by an agent's replica, shown in the ticket's detail and the list's ``csat`` column, found
by ``csat:`` searches; a new rating replaces the old. SQLite and PostgreSQL servers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from server.portal_harness import QUEUE, PortalClient, add_requester, setup_portal
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import USERS, Desk

from sync import reports
from sync.search.search_service import SearchService
from sync.services.ticket_queries import TicketFilter, TicketQueries, TicketSort
from sync.services.ticket_search import resolve_search

MakeDesk = Callable[..., Desk]
USERS.setdefault("rita", ("manager", (QUEUE,)))


def portal_request(srv: ServerUnderTest, client: PortalClient, subject: str) -> int:
    r = client.post_form("/portal/new", "/portal/new", {"subject": subject, "action": "submit"})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/portal/requests/")[1].split("?")[0])


def rate(client: PortalClient, number: int, score: int, comment: str = "") -> None:
    page = f"/portal/requests/{number}"
    r = client.post_form(page, f"{page}/rate", {"score": str(score), "comment": comment})
    assert r.status_code == 303, r.text


def ticket_by_number(d: Desk, number: int) -> str:
    with d.replica.read() as s:
        return str(s.execute(text("SELECT id FROM tickets WHERE number = :n"), {"n": number}).scalar_one())


def hits(d: Desk, query: str) -> set[str]:
    found = SearchService(d.replica).search(query, catch_up=False, limit=50)
    return {t.id for t in found.tickets}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_portal_rating_reaches_the_replica_detail_list_and_search(
    engine: str, request: pytest.FixtureRequest, desk: MakeDesk
) -> None:
    srv: ServerUnderTest = request.getfixturevalue("server" if engine == "sqlite" else "pg_server")
    setup_portal(srv)
    add_requester(srv, "Alice Martin", "alice@example.org")
    alice = PortalClient.open(srv)
    try:
        alice.sign_in(srv, "alice@example.org")
        low, high, unrated = (portal_request(srv, alice, s) for s in ("VPN drops", "New mouse", "Toner"))
        rita = desk(srv, "rita")
        rita.sync()
        ids = {n: ticket_by_number(rita, n) for n in (low, high, unrated)}
        rita.clock.now = datetime.now(UTC)  # the portal stamps requests with the server's time
        for n in (low, high, unrated):
            rita.tickets.assign(ids[n], rita.person("rita"))
            rita.work.reply(ids[n], "Done: please check")
            rita.tickets.change_status(ids[n], "resolved", resolution="fixed")
        rita.sync()
        rate(alice, low, 2, "took three days")
        rate(alice, high, 5)
        rita.sync()
    finally:
        alice.close()

    queries = TicketQueries(rita.replica)
    detail = queries.detail(ids[low])
    assert detail.rating is not None
    assert (detail.rating.score, detail.rating.comment) == (2, "took three days")
    assert queries.detail(ids[unrated]).rating is None
    rows = queries.rows(TicketFilter(), TicketSort("csat", descending=True))
    assert [(r.id, r.csat) for r in rows[:2]] == [(ids[high], 5), (ids[low], 2)]
    assert {r.id: r.csat for r in rows}[ids[unrated]] is None

    assert hits(rita, "csat:<=2") == {ids[low]}
    listed = resolve_search(rita.replica, "csat:<=2", me=None)  # the ticket list's search box
    assert listed.ok and not listed.ignored
    assert [r.id for r in queries.rows(listed.filter)] == [ids[low]]
    unrated_list = resolve_search(rita.replica, "csat:none", me=None).filter
    assert ids[unrated] in {r.id for r in queries.rows(unrated_list)}
    assert hits(rita, "csat:5") == {ids[high]}
    assert ids[unrated] in hits(rita, "csat:none") and not {ids[low], ids[high]} & hits(rita, "csat:none")
    assert hits(rita, '-csat:none queue:"Service desk"') == {ids[low], ids[high]}

    # the csat report counts them, on the replica and on the server alike
    today = rita.clock.now.date()
    request = reports.ReportRequest(today - timedelta(days=1), today + timedelta(days=1), tz=UTC)
    with rita.replica.read() as s:
        local = reports.csat(s, request).to_json()
        summary = reports.summary(s, request)
    assert (local["requests"], local["responses"], local["average"], local["response_rate"]) == (
        3,
        2,
        3.5,
        66.7,
    )
    assert local["scores"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [(g["name"], g["responses"], g["average"]) for g in local["by_queue"]] == [(QUEUE, 2, 3.5)]
    assert [(g["name"], g["requests"], g["average"]) for g in local["by_agent"]] == [("Rita", 3, 3.5)]
    assert summary.current.csat == 3.5 and summary.csat_note == ""
    params = {"from": str(request.start), "to": str(request.end), "tz": "UTC"}
    manager = srv.device("rita")
    remote = manager.http.get("/v1/reports/csat", params=params).json()
    low_only = manager.http.get("/v1/reports/summary", params={**params, "query": "csat:<=2"}).json()
    manager.close()
    with rita.replica.read() as s:  # the search language's csat: filters reports on both sides
        low_local = reports.summary(
            s, reports.ReportRequest(request.start, request.end, "csat:<=2", tz=UTC)
        ).to_json()
    # (the figures that do not depend on the SLA calendar: the server's is UTC 24/7 unless set)
    keys = ("created", "resolved", "csat", "csat_note")
    assert {k: low_local[k] for k in keys} == {k: low_only[k] for k in keys}
    assert (low_only["resolved"], low_only["csat"], low_only["csat_note"]) == (1, 2.0, "")
    assert remote.pop("deflections") == 0 and remote.pop("deflections_note") == ""
    assert {k: v for k, v in local.items() if not k.startswith("deflections")} == remote

    # a new rating replaces the old one, on the next pull
    alice = PortalClient.open(srv)
    try:
        alice.sign_in(srv, "alice@example.org")
        rate(alice, low, 4, "fine after all")
    finally:
        alice.close()
    rita.sync()
    detail = queries.detail(ids[low])
    assert detail.rating is not None and (detail.rating.score, detail.rating.comment) == (4, "fine after all")
    assert hits(rita, "csat:<=2") == set()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_ratings_made_before_the_upgrade_reach_replicas(
    engine: str, request: pytest.FixtureRequest, desk: MakeDesk
) -> None:
    """Migration 0012 logs every rating the portal recorded before ratings were synced."""
    server: ServerUnderTest = request.getfixturevalue("server" if engine == "sqlite" else "pg_server")
    from alembic import command

    from sync.server.db.migration import alembic_config

    setup_portal(server)
    add_requester(server, "Alice Martin", "alice@example.org")
    alice = PortalClient.open(server)
    try:
        alice.sign_in(server, "alice@example.org")
        number = portal_request(server, alice, "Printer jam")
        rita = desk(server, "rita")
        rita.sync()
        tid = ticket_by_number(rita, number)
        rita.tickets.change_status(tid, "resolved", resolution="cleared")
        rita.sync()
        rate(alice, number, 3, "ok")
    finally:
        alice.close()
    rita.sync()
    # as an 0011 server kept it: the rating row without its change-log entry
    cfg = alembic_config()
    with server.db.engine.begin() as c:
        cfg.attributes["connection"] = c
        command.downgrade(cfg, "0011_portal")
        assert c.execute(text("SELECT count(*) FROM change_log WHERE entity_type = 'ratings'")).scalar() == 0
    with rita.replica.write() as s:
        s.execute(text("DELETE FROM ratings"))
    with server.db.engine.begin() as c:
        cfg.attributes["connection"] = c
        command.upgrade(cfg, "head")
    rita.sync()
    detail = TicketQueries(rita.replica).detail(tid)
    assert detail.rating is not None and detail.rating.score == 3
