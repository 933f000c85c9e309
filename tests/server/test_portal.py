"""The requester portal over a real server: sign-in links, what a requester may see, forms.

Each test drives the portal over loopback HTTP as a browser would (cookies, CSRF tokens read
off the pages), against SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from server.portal_harness import (
    QUEUE,
    PortalClient,
    add_article,
    add_requester,
    link_for,
    setup_portal,
)
from server.server_harness import ServerUnderTest
from sqlalchemy import func, select

from sync.server import cli
from sync.server.db.database import open_database
from sync.server.db.models import Article, Attachment, Comment, Person, Ticket
from sync.server.portal.portal_models import PortalDeflection, PortalLink, PortalLinkRequest, PortalRating
from sync.server.portal.portal_settings import load_portal_settings


@pytest.fixture
def portal(server: ServerUnderTest) -> ServerUnderTest:
    setup_portal(server)
    add_requester(server, "Alice Martin", "alice@example.org")
    add_requester(server, "Bob Stone", "bob@example.org")
    server.add_user("agent1", queues=(QUEUE,))
    return server


@pytest.fixture
def alice(portal: ServerUnderTest) -> Iterator[PortalClient]:
    client = PortalClient.open(portal)
    client.sign_in(portal, "alice@example.org")
    yield client
    client.close()


@pytest.fixture
def bob(portal: ServerUnderTest) -> Iterator[PortalClient]:
    client = PortalClient.open(portal)
    client.sign_in(portal, "bob@example.org")
    yield client
    client.close()


def submit(
    client: PortalClient, subject: str, description: str = "", files: object = None, **extra: str
) -> int:
    r = client.post_form(
        "/portal/new",
        "/portal/new",
        {"subject": subject, "description": description, "action": "submit", **extra},
        files=files,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/portal/requests/")[1].split("?")[0])


def ticket_id(srv: ServerUnderTest, number: int) -> str:
    with srv.db.read_session() as s:
        return s.execute(select(Ticket.id).where(Ticket.number == number)).scalar_one()


# -- sign-in links ------------------------------------------------------------------------
def test_a_link_signs_in_once_and_not_after_it_expires(portal: ServerUnderTest) -> None:
    client = PortalClient.open(portal)
    assert client.get("/portal").headers["location"] == "/portal/sign-in"
    url = link_for(portal, "alice@example.org")
    r = client.follow_link(url)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain HTTP here
    home = client.get("/portal")
    assert home.status_code == 200 and "Hello, Alice Martin" in home.text

    replay = PortalClient.open(portal).follow_link(url)
    assert replay.status_code == 404 and "expired or was used" in replay.text

    late = link_for(portal, "alice@example.org")
    portal.thread.app.state.portal_clock = lambda: datetime.now(UTC) + timedelta(minutes=16)
    try:
        r = PortalClient.open(portal).follow_link(late)
    finally:
        del portal.thread.app.state.portal_clock
    assert r.status_code == 404 and "expired or was used" in r.text
    assert PortalClient.open(portal).follow_link(link_for(portal, "alice@example.org")).status_code == 303


def test_asking_for_a_link_answers_the_same_for_unknown_addresses_and_is_rate_limited(
    portal: ServerUnderTest,
) -> None:
    client = PortalClient.open(portal)

    def ask(address: str) -> str:
        r = client.post_form("/portal/sign-in", "/portal/sign-in", {"email": address})
        assert r.status_code == 200
        return r.text

    known, unknown = ask("Alice@Example.org"), ask("nobody@example.org")
    assert known == unknown
    for _ in range(5):
        assert ask("alice@example.org") == known
    with portal.db.read_session() as s:
        links = s.execute(select(func.count()).select_from(PortalLink)).scalar_one()
    assert links == 3  # links_per_address_per_hour: the 4th to 6th asks made none

    with portal.db.write_session() as s:
        from sync.server.portal.portal_settings import store_portal_setting

        store_portal_setting(s, "links_per_source_per_hour", "7")
    assert ask("bob@example.org") == known  # this source has asked 7 times already
    with portal.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(PortalLink)).scalar_one() == 3


def test_forms_without_the_right_csrf_token_change_nothing(
    portal: ServerUnderTest, alice: PortalClient
) -> None:
    for token in ("", "forged"):
        r = alice.http.post("/portal/new", data={"csrf": token, "subject": "Help", "action": "submit"})
        assert r.status_code == 403
    stranger = PortalClient.open(portal)  # no pre-sign-in cookie: a cross-site post
    assert (
        stranger.http.post("/portal/sign-in", data={"csrf": "x", "email": "alice@example.org"}).status_code
        == 403
    )
    with portal.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(PortalLinkRequest)).scalar_one() == 0


# -- what a requester may see -------------------------------------------------------------
def test_a_requester_never_sees_what_is_not_theirs(
    portal: ServerUnderTest, alice: PortalClient, bob: PortalClient
) -> None:
    bobs = submit(bob, "Bob's salary question", "my payslip", files={"files": ("payslip.txt", b"secret")})
    mine = submit(alice, "Printer jam")
    agent = portal.device("agent1")
    mine_id = ticket_id(portal, mine)
    agent.push_ok(
        agent.comment(mine_id, "Requester seems upset; VIP", kind="note"),
        agent.comment(mine_id, "We are on it", kind="reply"),
        agent.work_log(mine_id, 45),
    )
    agent.close()
    nowhere = alice.get("/portal/requests/999999")
    theirs = alice.get(f"/portal/requests/{bobs}")
    assert theirs.status_code == nowhere.status_code == 404
    assert theirs.text == nowhere.text and "salary" not in theirs.text
    assert "salary" not in alice.get("/portal/requests").text

    page = alice.get(f"/portal/requests/{mine}").text
    assert "We are on it" in page and "VIP" not in page and "45 min" not in page
    assert "agent1" not in page.lower() or "help desk" in page.lower()

    with portal.db.read_session() as s:
        payslip = s.execute(select(Attachment.id).where(Attachment.filename == "payslip.txt")).scalar_one()
    for path in (f"/portal/requests/{mine}/files/{payslip}", f"/portal/requests/{bobs}/files/{payslip}"):
        r = alice.get(path)
        assert r.status_code == 404 and r.text == nowhere.text
    assert bob.get(f"/portal/requests/{bobs}/files/{payslip}").content == b"secret"
    for guess in ("abc", "-1", "1e3", "99999999999999999999"):
        assert alice.get(f"/portal/requests/{guess}").status_code == 404


def test_only_published_public_articles_are_found_and_read(
    portal: ServerUnderTest, alice: PortalClient
) -> None:
    public = add_article(portal, "Réseau Wi-Fi: se connecter", "Choisissez le réseau Invités.")
    draft = add_article(portal, "Réseau draft", "not yet", state="draft")
    internal = add_article(portal, "Réseau admin passwords", "root:hunter2", tags="network internal")
    withdrawn = add_article(portal, "Réseau old", "old", state="withdrawn")
    found = alice.get("/portal/kb?q=reseau").text  # no accent typed
    assert f"/portal/kb/{public}" in found
    for hidden in (draft, internal, withdrawn):
        assert hidden not in found
        r = alice.get(f"/portal/kb/{hidden}")
        assert r.status_code == 404 and "hunter2" not in r.text
    assert "Invités" in alice.get(f"/portal/kb/{public}").text
    assert alice.get("/portal/kb?q=hunter2").text.count("/portal/kb/") == 0
    typed = alice.get("/portal/suggestions?q=reseau wifi")  # suggestions while typing (suggest.js)
    assert typed.headers["content-type"] == "application/json"
    assert [a["id"] for a in typed.json()["articles"]] == [public]
    anonymous = PortalClient.open(portal)
    assert anonymous.get(f"/portal/kb/{public}").status_code == 303
    assert anonymous.get("/portal/suggestions?q=reseau").status_code == 401

    with portal.db.write_session() as s:  # an agent marks it internal after it was searched
        row = s.get(Article, public)
        assert row is not None
        row.tags = "wifi internal"
    assert public not in alice.get("/portal/kb?q=reseau").text
    assert alice.get(f"/portal/kb/{public}").status_code == 404


def test_ticket_and_article_text_is_shown_inert(portal: ServerUnderTest, alice: PortalClient) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    number = submit(alice, "<b>bold</b><script>alert(0)</script>", evil)
    page = alice.get(f"/portal/requests/{number}")
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    csp = page.headers["content-security-policy"]  # our own script files only, never inline code
    assert "script-src 'self';" in csp and "unsafe" not in csp
    for raw in ("<script", "<img", "<b>", 'href="javascript:'):
        assert raw not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text

    article = add_article(
        portal, "Evil <script>x</script>", evil + "\n\n[click](javascript:alert(4)) [ok](https://example.org)"
    )
    html = alice.get(f"/portal/kb/{article}").text
    for raw in ("<script", "<img", "javascript:alert(4)", 'href="javascript'):
        assert raw not in html
    assert 'href="https://example.org"' in html


# -- requests -----------------------------------------------------------------------------
def test_check_for_answers_then_this_solved_it_makes_no_ticket(
    portal: ServerUnderTest, alice: PortalClient
) -> None:
    article = add_article(portal, "Printer shows paper jam", "Open tray 2 and pull the sheet.")
    add_article(portal, "Printer secrets", "x", state="draft")
    r = alice.post_form("/portal/new", "/portal/new", {"subject": "printer jam again", "action": "check"})
    assert r.status_code == 200
    assert f"/portal/kb/{article}" in r.text and "Printer secrets" not in r.text
    assert 'value="printer jam again"' in r.text  # the form keeps what was typed
    token = r.text.split('name="csrf" value="')[1].split('"')[0]
    done = alice.http.post(
        "/portal/solved", data={"csrf": token, "article_id": article, "subject": "printer jam"}
    )
    assert done.status_code == 200 and "No request was sent" in done.text
    with portal.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0
        deflection = s.execute(select(PortalDeflection)).scalar_one()
    assert deflection.article_id == article


def test_a_request_reaches_the_agent_and_the_reply_rating_and_reopen_come_back(
    portal: ServerUnderTest, alice: PortalClient
) -> None:
    number = submit(
        alice,
        "Laptop will not boot",
        "Black screen since Monday",
        category="Accounts",
        files=[
            ("files", ("photo.png", b"\x89PNG fake", "image/png")),
            ("files", ("log.txt", b"boot log", "text/plain")),
        ],
    )
    agent = portal.device("agent1")
    pulled = [t for page in agent.pull_all() for t in page["records"]["tickets"]]
    ticket = next(t for t in pulled if t["number"] == number)
    assert ticket["subject"] == "Laptop will not boot" and ticket["category"] == "Accounts"
    assert ticket["queue_id"] == portal.queues[QUEUE] and ticket["requester_id"]
    assert ticket["channel"] == "portal"

    tid = ticket["id"]
    agent.push_ok(
        agent.comment(tid, "Hold the power button for 30 s", kind="reply"),
        agent.update(tid, {"status": "resolved", "resolution": "Power reset"}, {"status": "new"}),
    )
    page = alice.get(f"/portal/requests/{number}").text
    assert "Hold the power button" in page and "resolved" in page and "photo.png" in page
    bad = alice.post_form(f"/portal/requests/{number}", f"/portal/requests/{number}/rate", {"score": "9"})
    assert bad.status_code == 400
    r = alice.post_form(
        f"/portal/requests/{number}", f"/portal/requests/{number}/rate", {"score": "4", "comment": "quick"}
    )
    assert r.status_code == 303
    with portal.db.read_session() as s:
        rating = s.get(PortalRating, tid)
    assert rating is not None and (rating.score, rating.comment) == (4, "quick")

    resolved = agent.clock  # the agent's device time stamps the resolution
    portal.thread.app.state.portal_clock = lambda: resolved + timedelta(days=13)
    try:
        r = alice.post_form(
            f"/portal/requests/{number}", f"/portal/requests/{number}/reopen", {"reason": "Black again"}
        )
    finally:
        del portal.thread.app.state.portal_clock
    assert r.status_code == 303
    with portal.db.read_session() as s:
        t = s.get(Ticket, tid)
        assert t is not None and t.status == "open"
        replies = (
            s.execute(select(Comment.body).where(Comment.ticket_id == tid, Comment.from_requester))
            .scalars()
            .all()
        )
    assert replies == ["Black again"]
    agent.close()


def test_reopen_is_refused_after_the_configured_days(portal: ServerUnderTest, alice: PortalClient) -> None:
    number = submit(alice, "Mouse broken")
    agent = portal.device("agent1")
    agent.push_ok(
        agent.update(
            ticket_id(portal, number), {"status": "resolved", "resolution": "new mouse"}, {"status": "new"}
        )
    )
    agent.close()
    resolved = agent.clock
    portal.thread.app.state.portal_clock = lambda: resolved + timedelta(days=14, minutes=1)
    try:
        r = alice.post_form(
            f"/portal/requests/{number}", f"/portal/requests/{number}/reopen", {"reason": "again"}
        )
        late = alice.post_form(
            f"/portal/requests/{number}", f"/portal/requests/{number}/reply", {"body": "again"}
        )
    finally:
        del portal.thread.app.state.portal_clock
    assert r.status_code == 400 and "within 14 days" in r.text
    assert late.status_code == 400 and "more than 14 days ago" in late.text
    with portal.db.read_session() as s:
        assert s.execute(select(Ticket.status).where(Ticket.number == number)).scalar_one() == "resolved"


def test_an_attachment_over_the_limit_is_refused_and_nothing_is_filed(
    portal: ServerUnderTest, alice: PortalClient
) -> None:
    with portal.db.write_session() as s:
        from sync.server.portal.portal_settings import store_portal_setting

        store_portal_setting(s, "attachment_max_bytes", "1000")
    r = alice.post_form(
        "/portal/new",
        "/portal/new",
        {"subject": "Big", "action": "submit"},
        files={"files": ("big.bin", b"x" * 1001)},
    )
    assert r.status_code == 400 and "larger than" in r.text
    with portal.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 0


def test_an_admin_prints_a_link_and_sets_the_portal_queue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["migrate", "--db", url]) == 0
    assert cli.main(["queue", "add", "Front desk", "--db", url]) == 0
    assert cli.main(["portal", "set", "queue", "Front desk", "--db", url]) == 0
    assert cli.main(["portal", "set", "reopen_days", "many", "--db", url]) == 1
    db = open_database(url)
    try:
        with db.write_session() as s:
            s.add(
                Person(
                    id=str(uuid.uuid4()),
                    name="Carol",
                    email="carol@example.org",
                    role="requester",
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
        capsys.readouterr()
        assert cli.main(["portal", "link", "CAROL@example.org", "--db", url]) == 0
        printed = capsys.readouterr().out
        assert "/portal/link/" in printed and "15 minutes" in printed
        assert cli.main(["portal", "link", "nobody@example.org", "--db", url]) == 1
        assert "no active requester" in capsys.readouterr().err
        with db.read_session() as s:
            assert load_portal_settings(s).queue == "Front desk"
            assert s.execute(select(func.count()).select_from(PortalLink)).scalar_one() == 1
    finally:
        db.dispose()


def test_portal_answers_carry_the_server_time(portal: ServerUnderTest, alice: PortalClient) -> None:
    """Pages and static files under /portal say the server's own time (the benchmark reads it);
    other paths outside /v1 are left alone."""
    for path in ("/portal", "/portal/kb?q=reseau", "/portal/requests", "/portal/static/portal.css"):
        timing = alice.get(path).headers.get("server-timing", "")
        assert re.fullmatch(r"app;dur=\d+\.\d", timing), (path, timing)
    assert "server-timing" not in alice.get("/healthz").headers
