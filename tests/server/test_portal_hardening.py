"""The portal over TLS (Secure, __Host- cookies) and under malformed input (never a 5xx)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server.portal_harness import PortalClient, add_requester, csrf_of, link_for, setup_portal
from server.server_harness import ServerUnderTest, iter_server

from sync.server.db import migration
from sync.server.db.database import open_database
from sync.server.serve import ServerThread
from sync.server.settings import ServerSettings


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServerUnderTest]:
    yield from iter_server(f"sqlite:///{tmp_path / 'server.db'}")


def test_over_tls_the_cookies_are_secure_host_only(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    url = f"sqlite:///{tmp_path / 'tls.db'}"
    db = open_database(url)
    migration.upgrade(db)
    settings = ServerSettings(database_url=url, host="127.0.0.1", port=0, certfile=cert, keyfile=key)
    thread = ServerThread(settings, db).start()
    srv = ServerUnderTest(thread.url, db, thread)
    try:
        setup_portal(srv)
        add_requester(srv, "Alice", "alice@example.org")
        verify = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=srv.url, verify=verify, timeout=30) as http:
            first = http.get("/portal/sign-in")
            pre = first.headers["set-cookie"]
            assert pre.startswith("__Host-outpost_portal_pre=") and "Secure" in pre and "HttpOnly" in pre
            token = link_for(srv, "alice@example.org").rsplit("/", 1)[1]
            page = http.get(f"/portal/link/{token}")
            r = http.post("/portal/link", data={"csrf": csrf_of(page.text), "token": token})
            assert r.status_code == 303
            cookie = r.headers["set-cookie"]
            assert (
                cookie.startswith("__Host-outpost_portal=")
                and "Secure" in cookie
                and "SameSite=lax" in cookie
            )
            assert "Hello, Alice" in http.get("/portal").text
    finally:
        thread.stop()
        db.dispose()


def test_malformed_input_to_every_portal_route_is_never_a_server_error(served: ServerUnderTest) -> None:
    setup_portal(served)
    add_requester(served, "Alice", "alice@example.org")
    client = PortalClient.open(served)
    client.sign_in(served, "alice@example.org")
    csrf = csrf_of(client.get("/portal/new").text)
    posts = [
        "/portal/sign-in",
        "/portal/link",
        "/portal/new",
        "/portal/solved",
        "/portal/sign-out",
        "/portal/requests/1/reply",
        "/portal/requests/1/rate",
        "/portal/requests/1/reopen",
        "/portal/requests/x/rate",
        "/portal/requests/1/nothing",
        "/portal/rate",
        "/portal/rate/comment",
    ]
    bodies: list[dict[str, object]] = [
        {"content": b"\x00\xff" * 100, "headers": {"content-type": "multipart/form-data; boundary=zz"}},
        {
            "content": b"--zz\r\nContent-Disposition: form-data\r\n\r\n",
            "headers": {"content-type": "multipart/form-data"},
        },
        {"content": b"{}", "headers": {"content-type": "application/json"}},
        {"data": {"csrf": csrf, "subject": "\x00" * 10, "score": "99999999999999999999", "action": "submit"}},
        {
            "data": {
                "csrf": csrf,
                "subject": "s" * 400,
                "body": "b",
                "article_id": "'; drop table x",
                "action": "submit",
            }
        },
        {
            "data": {
                "csrf": csrf,
                "score": "-1",
                "reason": "x",
                "token": "\ud800".encode("utf-8", "surrogatepass").hex(),
            }
        },
    ]
    for path in posts:
        for body in bodies:
            r = client.http.post(path, **body)  # type: ignore[arg-type]
            assert r.status_code < 500, (path, body, r.status_code)
    for path in (
        "/portal/kb?q=" + "%00%ff" * 50,
        "/portal/kb/" + "x" * 300,
        "/portal/link/" + "y" * 5000,
        "/portal/requests/" + "9" * 40,
        "/portal/requests/1/files/" + "z" * 100,
        "/portal/rate/" + "y" * 5000,
        "/portal/rate/a.b.c.d.e",
        "/portal/rate/x.y.99999999999.3." + "0" * 64,
        "/portal/rate/x.y.1.3." + "\u00e9" * 64,
        "/portal/suggestions?q=" + "%00%ff" * 50,
    ):
        assert client.get(path).status_code < 500, path
    anonymous = csrf_of(client.get("/portal/link/nothing").text)  # the pre-sign-in token
    for token in ("", "a.b.c.d.e", "x" * 400, "t.n.1.3." + "0" * 64, "t.n.99999999999999.3.zz", "\x00.\x00"):
        for path in ("/portal/rate", "/portal/rate/comment"):
            data = {"csrf": anonymous, "token": token, "proof": token, "comment": "c" * 6000}
            r = client.http.post(path, data=data)
            assert r.status_code < 500 and r.status_code != 200, (path, token, r.status_code)
