"""The portal in a real browser (Playwright driving Debian's chromium, no JavaScript of ours).

A requester who has only an e-mail address asks for a link, takes it from the mail the real
SMTP receiver got, searches the knowledge base without typing accents, submits a request
with a file after checking for answers, sees the agent's reply (written offline in a real
desktop replica and pushed by its sync engine over loopback), rates the resolution, then
reopens the request within the reopen window (the replica pulls the reopen and the
rating). While the subject is typed, suggested articles appear (the portal's one same-origin
script); without JavaScript the "Check for answers first" button gives the same.
``OUTPOST_SCREENSHOTS=1`` refreshes the screenshots in docs/screenshots/ (a normal run
writes nothing there).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from server.portal_harness import QUEUE, add_article, add_requester, setup_portal
from server.server_harness import ServerUnderTest, iter_server
from server.smtp_receiver import smtp_receiver
from sqlalchemy import select
from sync_engine.support_sync import USERS, Desk

from sync.server.db.models import Attachment, Ticket
from sync.server.mail.mailbox_service import add_mailbox
from sync.server.portal.portal_models import PortalDeflection, PortalRating
from sync.services.ticket_queries import TicketQueries

CHROMIUM = Path("/usr/bin/chromium")
USERS.setdefault("agnes", ("agent", (QUEUE,)))  # the agent whose desktop replica answers
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page: Page, name: str) -> None:
    """Save ``docs/screenshots/<name>`` only when OUTPOST_SCREENSHOTS=1 (as the GUI tests do)."""
    if os.environ.get("OUTPOST_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: bash scripts/install-system-deps.sh --browser")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServerUnderTest]:
    yield from iter_server(f"sqlite:///{tmp_path / 'server.db'}")


def test_a_requester_signs_in_finds_an_answer_submits_follows_rates_and_reopens(
    served: ServerUnderTest, browser: Browser, tmp_path: Path
) -> None:
    srv = served
    setup_portal(srv)
    add_requester(srv, "Alice Martin", "alice@example.org")
    add_article(srv, "Réseau Wi-Fi des invités", "Choisissez **Invités** puis acceptez les conditions.")
    add_article(srv, "VPN won't connect", "Restart the VPN client, then sign in again.")
    with smtp_receiver() as (port, inbox):
        add_mailbox(
            srv.db,
            queue=QUEUE,
            address="desk@example.org",
            imap_url="imap://127.0.0.1:9/?tls=none",
            smtp_url=f"smtp://127.0.0.1:{port}/?tls=none",
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        page = context.new_page()
        console_errors: list[str] = []  # a CSP violation or a script error would show here
        page.on(
            "console",
            lambda m: console_errors.append(f"{m.text} {m.location}") if m.type == "error" else None,
        )
        page.goto(f"{srv.url}/portal")
        page.get_by_label("E-mail address").fill("alice@example.org")
        page.get_by_role("button", name="Email me a sign-in link").click()
        assert page.get_by_role("heading", name="Check your mail").is_visible()
        mail = inbox.get(timeout=20)
        assert (mail["To"], mail["From"]) == ("alice@example.org", "desk@example.org")
        link = re.search(r"http://\S+/portal/link/\S+", mail.get_content())
        assert link is not None
        page.goto(link.group(0))
        page.get_by_role("button", name="Continue to the help desk").click()
        assert page.get_by_role("heading", name="Hello, Alice Martin").is_visible()
        shot(page, "portal-home.png")

        page.get_by_label("Search the knowledge base").fill("reseau invites")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name="Réseau Wi-Fi des invités").click()
        assert page.locator("strong", has_text="Invités").is_visible()
        shot(page, "portal-article.png")

        # suggestions while typing; "this solved it" from there makes no ticket
        page.get_by_role("link", name="New request").click()
        page.get_by_label("Subject").press_sequentially("vpn won", delay=30)
        live = page.locator("#live-suggestions")
        live.get_by_role("link", name="VPN won't connect").wait_for()
        shot(page, "portal-typing.png")
        live.get_by_role("button", name="This solved it").click()
        assert page.get_by_role("heading", name="Glad that helped").is_visible()
        with srv.db.read_session() as s:
            assert s.execute(select(PortalDeflection.subject)).scalar_one() == "vpn won"
            assert s.execute(select(Ticket)).first() is None

        page.get_by_role("link", name="New request").click()
        page.get_by_label("Subject").fill("VPN does not connect from home")
        page.get_by_label("What happened?").fill("Since this morning the VPN says 'timeout'.")
        page.get_by_label("Category").select_option("Network")
        page.get_by_role("button", name="Check for answers first").click()
        assert page.get_by_role("link", name="VPN won't connect").is_visible()
        shot(page, "portal-suggestions.png")
        page.get_by_label("Files (up to 10 MB each)").set_input_files(
            {"name": "vpn-error.txt", "mimeType": "text/plain", "buffer": b"error 809: timeout"}
        )
        page.get_by_role("button", name="Submit request").click()
        assert page.get_by_text("Your request was sent").is_visible()

        with srv.db.read_session() as s:
            ticket = s.execute(select(Ticket)).scalar_one()
            assert s.execute(select(Attachment.filename)).scalar_one() == "vpn-error.txt"
        assert (ticket.queue_id, ticket.category, ticket.channel) == (srv.queues[QUEUE], "Network", "portal")
        # The agent answers in a desktop replica (local writes, no network), then its sync
        # engine pushes them over loopback.
        agent = Desk.create(tmp_path / "agent-replica", srv, "agnes")
        try:
            agent.sync()
            agent.clock.now = datetime.now(UTC)  # the reopen window runs on the server's clock
            agent.work.note(ticket.id, "Internal: user is on the old client")
            agent.work.reply(ticket.id, "Please update the VPN client to 5.2; it fixes error 809.")
            agent.tickets.change_status(ticket.id, "resolved", resolution="Client updated")
            assert agent.pending() > 0  # written locally, not yet on the server
            agent.sync()
            assert agent.pending() == 0

            page.reload()
            assert page.get_by_text("Please update the VPN client to 5.2").is_visible()
            assert page.get_by_text("old client").count() == 0
            page.get_by_label("5", exact=True).check()
            page.get_by_label("Comment (optional)").fill("Fast and clear, thanks!")
            page.get_by_role("button", name="Send rating").click()
            assert page.get_by_text("You rated this 5 out of 5").is_visible()
            shot(page, "portal-request.png")

            # within the reopen window the requester reopens it, and the agent's replica learns
            page.get_by_label("What is still wrong?").fill("Still error 809 after the update.")
            page.get_by_role("button", name="Reopen the request").click()
            assert page.locator("dd.status").inner_text() == "open"
            assert page.get_by_role("button", name="Reopen the request").count() == 0
            context.close()
            assert [e for e in console_errors if "/favicon.ico" not in e] == []  # the browser's own ask
            agent.sync()
            seen = TicketQueries(agent.replica).detail(ticket.id)
            assert (seen.status, seen.csat) == ("open", 5)  # reopened; the rating is in the app
        finally:
            agent.close()
    with srv.db.read_session() as s:
        rating = s.get(PortalRating, ticket.id)
    assert rating is not None and rating.score == 5


def test_without_javascript_check_for_answers_still_suggests(
    served: ServerUnderTest, browser: Browser
) -> None:
    srv = served
    setup_portal(srv)
    add_requester(srv, "Bob Stone", "bob@example.org")
    add_article(srv, "VPN won't connect", "Restart the VPN client, then sign in again.")
    from server.portal_harness import link_for

    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(link_for(srv, "bob@example.org"))
    page.get_by_role("button", name="Continue to the help desk").click()
    page.goto(f"{srv.url}/portal/new")
    page.get_by_label("Subject").fill("vpn won")
    assert page.locator("#live-suggestions").is_hidden()
    page.get_by_role("button", name="Check for answers first").click()
    assert page.get_by_role("link", name="VPN won't connect").is_visible()
    context.close()
