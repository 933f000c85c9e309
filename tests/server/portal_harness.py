"""Test support for the requester portal: a served database with a portal queue, requesters,
articles, and a cookie-keeping HTTP client that fills in forms like a browser does."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from server.server_harness import ServerUnderTest

from sync.server.db.models import Article, Person
from sync.server.portal.portal_auth import issue_link
from sync.server.portal.portal_settings import load_portal_settings, store_portal_setting

QUEUE = "Service desk"
CATEGORIES = ("Printing", "Network", "Accounts")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_requester(srv: ServerUnderTest, name: str, email: str) -> str:
    with srv.db.write_session() as s:
        person = Person(
            id=str(uuid.uuid4()),
            name=name,
            username=None,
            email=email,
            role="requester",
            active=True,
            created_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
        s.add(person)
        return person.id


def add_article(
    srv: ServerUnderTest, title: str, body: str, *, state: str = "published", tags: str = ""
) -> str:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with srv.db.write_session() as s:
        article = Article(
            id=str(uuid.uuid4()),
            title=title,
            body=body,
            state=state,
            tags=tags,
            created_at=now,
            updated_at=now,
        )
        s.add(article)
        return article.id


def setup_portal(srv: ServerUnderTest) -> str:
    """A portal queue with categories and the server's own URL as the links' base."""
    from sync.server.admin import admin_service

    queue_id = admin_service.add_queue(srv.db, QUEUE, categories=CATEGORIES)
    srv.queues[QUEUE] = queue_id
    with srv.db.write_session() as s:
        store_portal_setting(s, "queue", QUEUE)
        store_portal_setting(s, "base_url", srv.url)
    return queue_id


def link_for(srv: ServerUnderTest, email: str) -> str:
    with srv.db.read_session() as s:
        settings = load_portal_settings(s)
    token = issue_link(srv.db, email, settings, datetime.now(UTC))
    assert token is not None
    return f"{srv.url}/portal/link/{token}"


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class PortalClient:
    """One browser: keeps cookies, reads the CSRF token off the page it posts from."""

    http: httpx.Client

    @classmethod
    def open(cls, srv: ServerUnderTest) -> PortalClient:
        return cls(httpx.Client(base_url=srv.url, timeout=30, follow_redirects=False))

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post_form(self, page: str, action: str, data: dict[str, Any], files: Any = None) -> httpx.Response:
        """Open ``page``, take its CSRF token, post ``data`` to ``action``."""
        token = csrf_of(self.http.get(page).text)
        return self.http.post(action, data={"csrf": token, **data}, files=files)

    def follow_link(self, url: str) -> httpx.Response:
        path = url.split("/portal/", 1)[1]
        page = self.http.get("/portal/" + path)
        token = path.removeprefix("link/")
        return self.http.post("/portal/link", data={"csrf": csrf_of(page.text), "token": token})

    def sign_in(self, srv: ServerUnderTest, email: str) -> None:
        r = self.follow_link(link_for(srv, email))
        assert r.status_code == 303, r.text

    def close(self) -> None:
        self.http.close()
