"""One-click rating links in the resolution mail, over a real server and a real SMTP receiver.

The mail's five links each name the ticket, a score and an expiry, signed by the server. A
link works without signing in, only for its ticket and score; opening it records nothing
(mail scanners fetch links), the button on its page records the score once, then the
requester may add a comment once. Replays, a second score from the same mail, changed
parts and expired links are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from mail.mail_support import make_queue
from server.portal_harness import csrf_of
from server.server_harness import ServerUnderTest, iter_server
from sqlalchemy import func, select
from support.smtp_receiver import SmtpReceiver

from sync.server.db.models import Ticket
from sync.server.db.state_models import ChangeLog
from sync.server.mail.intake import deliver
from sync.server.mail.outbox import queue_pending_replies, send_due
from sync.server.mail.smtp_send import smtp_sender
from sync.server.portal.portal_models import PortalRating
from sync.server.portal.portal_ratings import rating_link_paths
from sync.server.portal.portal_settings import store_portal_setting

REQUEST = (
    b"From: Anna Meyer <anna.meyer@example.org>\r\nTo: it-help@desk.example.com\r\n"
    b"Subject: Printer jams\r\nMessage-ID: <req.7@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nIt jams again.\r\n"
)
_LINK = re.compile(r"(http://\S+/portal/rate/\S+)")


@pytest.fixture(params=["sqlite", "postgres"])
def srv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerUnderTest]:
    if request.param == "sqlite":
        yield from iter_server(f"sqlite:///{tmp_path / 'server.db'}")
    else:
        yield from iter_server(request.getfixturevalue("postgres_db_url"))


def resolution_mail_links(srv: ServerUnderTest, receiver: SmtpReceiver) -> tuple[str, dict[int, str]]:
    """File a mail request, resolve it as an agent's device would, send the mails; return
    the ticket id and the rating links of the resolution mail (score -> URL)."""
    queue_id = make_queue(srv.db, smtp=receiver.url)
    with srv.db.write_session() as s:
        store_portal_setting(s, "base_url", srv.url)
    result = deliver(srv.db, REQUEST, queue_id)
    assert result.ticket_id
    srv.add_user("agent1", queues=("IT",))
    agent = srv.device("agent1")
    agent.push_ok(
        agent.update(result.ticket_id, {"status": "resolved", "resolution": "New roller"}, {"status": "new"})
    )
    agent.close()
    assert queue_pending_replies(srv.db) == 1
    assert send_due(srv.db, smtp_sender).sent == 2  # the acknowledgement, the resolution
    mail = receiver.messages[-1].message
    assert mail["Subject"].endswith("Resolved: Printer jams")
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    urls = _LINK.findall(plain)
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert len(urls) == 5 and all(url in html for url in urls)
    return result.ticket_id, {n: url for n, url in enumerate(urls, start=1)}


def rating(srv: ServerUnderTest, ticket_id: str) -> tuple[int, str] | None:
    with srv.db.read_session() as s:
        row = s.get(PortalRating, ticket_id)
        return None if row is None else (row.score, row.comment)


def open_link(http: httpx.Client, url: str) -> httpx.Response:
    return http.get("/portal/" + url.split("/portal/", 1)[1])


def test_a_link_records_its_score_once_then_a_comment_and_nothing_else(
    srv: ServerUnderTest, smtp_receiver: SmtpReceiver
) -> None:
    ticket_id, links = resolution_mail_links(srv, smtp_receiver)
    http = httpx.Client(base_url=srv.url, timeout=30)
    try:
        page = open_link(http, links[2])
        assert page.status_code == 200 and "2 out of 5" in page.text
        assert rating(srv, ticket_id) is None  # opening the link (a mail scanner) records nothing
        token = links[2].rsplit("/", 1)[1]

        recorded = http.post("/portal/rate", data={"csrf": csrf_of(page.text), "token": token})
        assert recorded.status_code == 200 and "rating of 2 out of 5 was recorded" in recorded.text
        assert rating(srv, ticket_id) == (2, "")
        with srv.db.read_session() as s:  # a synced record: agents' replicas pull it
            logged = s.execute(
                select(func.count()).where(
                    ChangeLog.entity_type == "ratings", ChangeLog.entity_id == ticket_id
                )
            ).scalar_one()
        assert logged == 1

        # replayed, or another score from the same mail: refused, nothing changes
        assert open_link(http, links[2]).status_code == 409
        assert http.post("/portal/rate", data={"csrf": csrf_of(page.text), "token": token}).status_code == 409
        assert open_link(http, links[5]).status_code == 409
        assert rating(srv, ticket_id) == (2, "")

        # then a comment, once, proven by the page that recorded the score
        proof = re.search(r'name="proof" value="([0-9a-f]+)"', recorded.text)
        assert proof is not None
        form = {"csrf": csrf_of(recorded.text), "token": token, "proof": proof.group(1)}
        assert http.post("/portal/rate/comment", data={**form, "comment": "Quick, thanks"}).status_code == 200
        assert rating(srv, ticket_id) == (2, "Quick, thanks")
        again = http.post("/portal/rate/comment", data={**form, "comment": "Changed my mind"})
        assert again.status_code == 409 and rating(srv, ticket_id) == (2, "Quick, thanks")
        forged = http.post("/portal/rate/comment", data={**form, "proof": "0" * 64, "comment": "x"})
        assert forged.status_code == 409

        # the link signed nobody in
        assert http.get("/portal/requests").status_code in (303, 307)
    finally:
        http.close()


def test_changed_or_expired_links_are_refused(srv: ServerUnderTest, smtp_receiver: SmtpReceiver) -> None:
    ticket_id, links = resolution_mail_links(srv, smtp_receiver)
    token = links[1].rsplit("/", 1)[1]
    ticket, nonce, expires, score, signature = token.split(".")
    with srv.db.read_session() as s:
        other = s.execute(select(Ticket.id).where(Ticket.id != ticket_id)).scalar()
    changed = [
        f"{ticket}.{nonce}.{expires}.5.{signature}",  # a better score
        f"{ticket}.{nonce}.{int(expires) + 86400}.{score}.{signature}",  # a later expiry
        f"{other or 'x'}.{nonce}.{expires}.{score}.{signature}",  # another ticket
        f"{ticket}.{nonce}.{expires}.{score}.{signature[:-1]}0",
        f"{ticket}.{nonce}.{expires}.9.{signature}",
        "not-a-token",
    ]
    http = httpx.Client(base_url=srv.url, timeout=30)
    try:
        for bad in changed:
            assert http.get(f"/portal/rate/{bad}").status_code == 404, bad
            page = http.get(f"/portal/rate/{token}")
            assert (
                http.post("/portal/rate", data={"csrf": csrf_of(page.text), "token": bad}).status_code == 404
            )
        with srv.db.read_session() as s:
            stale = rating_link_paths(s, ticket_id, "older-mail", datetime.now(UTC) - timedelta(days=31))
        assert http.get(stale[3]).status_code == 410
        assert rating(srv, ticket_id) is None
        # without the page's CSRF cookie, even a good link's form changes nothing
        assert httpx.post(f"{srv.url}/portal/rate", data={"csrf": "x", "token": token}).status_code == 403
        assert rating(srv, ticket_id) is None
    finally:
        http.close()
