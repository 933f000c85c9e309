"""Every authorization rule: a forbidden read or write is refused and leaks nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import select

from sync.server.db.models import Article, Queue, Ticket


@pytest.fixture
def desk(server: ServerUnderTest) -> dict[str, Any]:
    """IT and HR queues; ana (IT) with an IT ticket, an HR ticket assigned to her, and one not."""
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    server.add_user("meg", role="manager", queues=("IT",))
    server.add_user("kim", role="knowledge_manager", queues=("IT",))
    server.add_user("root", role="admin")
    ana, hal = server.device("ana"), server.device("hal")
    it_ticket = ana.new_ticket(it, "IT secret subject")
    hr_mine = hal.new_ticket(hr, "HR assigned to ana", assignee_id=ana.user_id)
    hr_other = hal.new_ticket(hr, "HR private salary matter")
    ana.push_ok(it_ticket)
    hal.push_ok(hr_mine, hr_other)
    hal.push_ok(hal.comment(hr_other["entity_id"], "salary details"))
    return {
        "it": it,
        "hr": hr,
        "ana": ana,
        "hal": hal,
        "it_ticket": it_ticket["entity_id"],
        "hr_mine": hr_mine["entity_id"],
        "hr_other": hr_other["entity_id"],
    }


def _everything(dev: Device) -> str:
    dev.cursor = None
    return json.dumps(dev.pull_all())


def test_agent_pulls_their_queues_and_assigned_tickets_only(desk: dict[str, Any]) -> None:
    text = _everything(desk["ana"])
    assert desk["it_ticket"] in text and desk["hr_mine"] in text
    assert desk["hr_other"] not in text
    assert "salary" not in text.lower()
    assert "password" not in text and "argon2" not in text


def test_writes_to_an_invisible_ticket_look_like_a_missing_one(
    desk: dict[str, Any], server: ServerUnderTest
) -> None:
    ana: Device = desk["ana"]
    hidden = desk["hr_other"]
    missing = str(uuid.uuid4())
    outcomes = ana.push_ok(
        ana.update(hidden, {"subject": "pwned"}, {"subject": "HR private salary matter"}),
        ana.update(missing, {"subject": "pwned"}, {"subject": "x"}),
        ana.comment(hidden, "peek"),
        ana.work_log(hidden),
    )
    assert [o["status"] for o in outcomes] == ["rejected"] * 4
    assert outcomes[0]["reason"] == outcomes[1]["reason"]  # no difference between hidden and absent
    assert {o["kind"] for o in outcomes} == {"not_found"}
    with server.db.snapshot_session() as s:
        assert s.get(Ticket, hidden).subject == "HR private salary matter"  # type: ignore[union-attr]


def test_agent_cannot_file_tickets_in_other_queues_but_can_move_one_away(
    desk: dict[str, Any], server: ServerUnderTest
) -> None:
    ana: Device = desk["ana"]
    [filed] = ana.push_ok(ana.new_ticket(desk["hr"], "sneaky"))
    assert filed["status"] == "rejected" and filed["kind"] == "forbidden"
    [moved] = ana.push_ok(ana.update(desk["it_ticket"], {"queue_id": desk["hr"]}, {"queue_id": desk["it"]}))
    assert moved["status"] == "applied"
    # ... after which she can no longer change it
    [later] = ana.push_ok(ana.update(desk["it_ticket"], {"subject": "x"}, {"subject": "IT secret subject"}))
    assert later["kind"] == "not_found"


def test_admin_routes_are_for_admins_only(desk: dict[str, Any], server: ServerUnderTest) -> None:
    ana: Device = desk["ana"]
    calls = [
        ("GET", "/v1/admin/users", None),
        ("POST", "/v1/admin/users", {"username": "eve", "password": "longenough1", "role": "admin"}),
        ("POST", "/v1/admin/users/hal/disable", None),
        ("PUT", "/v1/admin/users/ana/queues", {"queues": ["IT", "HR"]}),
        ("POST", "/v1/admin/queues", {"name": "Mine"}),
        ("GET", "/v1/admin/settings", None),
        ("PUT", "/v1/admin/settings", {"token_lifetime_days": 365}),
    ]
    for method, path, body in calls:
        r = ana.http.request(method, path, json=body)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["kind"] == "forbidden"
    with server.db.snapshot_session() as s:
        assert s.execute(select(Queue).where(Queue.name == "Mine")).first() is None
    root = server.device("root")
    assert root.http.get("/v1/admin/users").status_code == 200
    r = root.http.post("/v1/admin/queues", json={"name": "Facilities"})
    assert r.status_code == 201
    assert (
        root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT", "Facilities"]}).status_code == 204
    )
    assert (
        root.http.put("/v1/admin/settings", json={"token_lifetime_days": 7}).json()["token_lifetime_days"]
        == 7
    )


def test_queue_creation_through_sync_is_admin_only(desk: dict[str, Any], server: ServerUnderTest) -> None:
    ana: Device = desk["ana"]
    queue = {"id": str(uuid.uuid4()), "name": "Shadow IT", "description": "", "categories": []}
    [o] = ana.push_ok(ana.mutation("queue.create", "queue", queue["id"], {"queue": queue}))
    assert o["status"] == "rejected" and o["kind"] == "forbidden"
    root = server.device("root")
    [o] = root.push_ok(root.mutation("queue.create", "queue", queue["id"], {"queue": queue}))
    assert o["status"] == "applied"


def test_agents_add_requesters_but_never_agents(desk: dict[str, Any]) -> None:
    ana: Device = desk["ana"]
    person = {
        "id": str(uuid.uuid4()),
        "name": "Rita Requester",
        "email": "rita@example.org",
        "phone": "",
        "department": "Sales",
        "location": "",
        "role": "requester",
    }
    agent = {**person, "id": str(uuid.uuid4()), "role": "admin"}
    outcomes = ana.push_ok(
        ana.mutation("person.create", "person", person["id"], {"person": person}),
        ana.mutation("person.create", "person", agent["id"], {"person": agent}),
    )
    assert [o["status"] for o in outcomes] == ["applied", "rejected"]


def test_reports_managers_their_queues_admins_all(desk: dict[str, Any], server: ServerUnderTest) -> None:
    meg, root, ana = server.device("meg"), server.device("root"), desk["ana"]
    it, hr = desk["it"], desk["hr"]
    assert meg.http.get(f"/v1/reports/queues/{it}").status_code == 200
    assert meg.http.get(f"/v1/reports/queues/{it}").json()["open_backlog"] == 1
    assert meg.http.get(f"/v1/reports/queues/{hr}").status_code == 403
    assert ana.http.get(f"/v1/reports/queues/{it}").status_code == 403
    assert root.http.get(f"/v1/reports/queues/{hr}").json()["open_backlog"] == 2


def _article(dev: Device, title: str) -> dict[str, Any]:
    article = {
        "id": str(uuid.uuid4()),
        "title": title,
        "body": "Steps",
        "category": "Network",
        "tags": "vpn",
        "kind": "how-to",
        "state": "draft",
        "revision": 1,
        "created_at": dev.clock.isoformat(),
    }
    return dev.mutation("article.create", "article", article["id"], {"article": article})


def test_articles_readable_by_all_curated_by_knowledge_managers(
    desk: dict[str, Any], server: ServerUnderTest
) -> None:
    ana, hal, kim = desk["ana"], desk["hal"], server.device("kim")
    create = _article(ana, "Reset the VPN")
    article_id = create["entity_id"]
    assert ana.push_ok(create)[0]["status"] == "applied"  # any agent writes a draft
    assert article_id in _everything(hal)  # every agent reads articles
    edit = {"article_id": article_id, "changes": {"body": "hal's edit"}, "base_revision": 1}
    publish = {"article_id": article_id, "state": "published"}
    outcomes = hal.push_ok(
        hal.mutation("article.update", "article", article_id, edit),  # someone else's draft
        hal.mutation("article.set_state", "article", article_id, publish),
    )
    assert [(o["status"], o["kind"]) for o in outcomes] == [("rejected", "forbidden")] * 2
    [own] = ana.push_ok(ana.mutation("article.set_state", "article", article_id, publish))
    assert own["kind"] == "forbidden"  # agents do not publish, even their own
    outcomes = kim.push_ok(
        kim.mutation("article.update", "article", article_id, {**edit, "changes": {"body": "kim's edit"}}),
        kim.mutation("article.set_state", "article", article_id, publish),
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"]
    [late] = ana.push_ok(
        ana.mutation(
            "article.update", "article", article_id, {**edit, "changes": {"title": "x"}, "base_revision": 2}
        )
    )
    assert late["kind"] == "forbidden"  # published now: curators only
    with server.db.snapshot_session() as s:
        article = s.get(Article, article_id)
        assert article is not None and (article.state, article.body) == ("published", "kim's edit")


def test_attachment_download_needs_a_visible_ticket(desk: dict[str, Any], server: ServerUnderTest) -> None:
    hal, ana = desk["hal"], desk["ana"]
    data = b"payslip " * 100
    sha = hashlib.sha256(data).hexdigest()
    r = hal.http.put(f"/v1/blobs/{sha}/upload", params={"offset": 0, "size": len(data)}, content=data)
    assert r.json()["complete"] is True
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": desk["hr_other"],
        "sha256": sha,
        "filename": "pay.pdf",
        "size": len(data),
        "mime_type": "application/pdf",
        "added_at": hal.clock.isoformat(),
    }
    hal.push_ok(hal.mutation("ticket.attach", "ticket", desk["hr_other"], {"attachment": attachment}))
    assert hal.http.get(f"/v1/blobs/{sha}").content == data
    denied = ana.http.get(f"/v1/blobs/{sha}")
    absent = ana.http.get(f"/v1/blobs/{'0' * 64}")
    assert denied.status_code == absent.status_code == 404
    assert denied.json()["message"] == absent.json()["message"]


def test_every_route_except_hello_and_sign_in_needs_a_token(server: ServerUnderTest) -> None:
    with server.http() as http:
        assert http.get("/v1/hello").status_code == 200
        for method, path in [
            ("GET", "/v1/me"),
            ("POST", "/v1/push"),
            ("POST", "/v1/pull"),
            ("GET", "/v1/admin/users"),
            ("GET", f"/v1/blobs/{'0' * 64}"),
            ("GET", f"/v1/blobs/{'0' * 64}/upload"),
            ("DELETE", "/v1/session"),
        ]:
            body = {"client_id": "x", "mutations": []} if path == "/v1/push" else {}
            r = http.request(method, path, json=body if method == "POST" else None)
            assert r.status_code == 401, (path, r.status_code, r.text)
            assert r.json()["kind"] == "sign_in"
