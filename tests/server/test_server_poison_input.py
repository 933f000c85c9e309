"""Inputs that used to answer 500 or slip past the limits (issue 12, findings 4 and 5).

A mutation the server cannot take is rejected for good (``invalid_input``) and the next
one is still applied, so a device's outbox never sticks behind it; a rejected update
leaves the ticket exactly as it was. Duplicate names are a clear 409 on every database.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import pytest
from server.server_harness import PASSWORD, Device, ServerUnderTest
from sqlalchemy import select

from sync.domain.activity_values import ACTIVITY_VALUE_CHARS
from sync.server.db.models import Queue, Ticket

EDGE_TIMES = ("9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59")


@pytest.fixture
def ana(server: ServerUnderTest) -> Device:
    server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    return server.device("ana")


def _ticket_row(server: ServerUnderTest, ticket_id: str) -> dict[str, Any]:
    with server.db.snapshot_session() as s:
        t = s.get(Ticket, ticket_id)
        assert t is not None
        return {c.name: getattr(t, c.name) for c in Ticket.__table__.columns}


def _new_ticket(server: ServerUnderTest, ana: Device) -> str:
    m = ana.new_ticket(server.queues["IT"], "Printer jammed")
    [outcome] = ana.push_ok(m)
    assert outcome["status"] == "applied"
    return str(m["entity_id"])


def _assert_rejected_then_next_applies(ana: Device, poison: dict[str, Any], ticket_id: str) -> dict[str, Any]:
    good = ana.comment(ticket_id, "Still here")
    r = ana.push(poison, good)
    assert r.status_code == 200, r.text
    bad, ok = r.json()["outcomes"]
    assert bad["status"] == "rejected" and bad["kind"] == "invalid_input", bad
    assert bad["reason"], bad
    assert ok["status"] == "applied", ok
    assert r.json()["last_seq"] == good["seq"]
    return dict(bad)


@pytest.mark.parametrize("edge", EDGE_TIMES)
def test_a_device_time_at_the_edge_of_the_range_is_rejected_not_stuck(
    server: ServerUnderTest, ana: Device, edge: str
) -> None:
    ticket_id = _new_ticket(server, ana)
    before = _ticket_row(server, ticket_id)
    poison = ana.update(ticket_id, {"subject": "Edge"}, {"subject": "Printer jammed"})
    poison["device_time"] = edge
    bad = _assert_rejected_then_next_applies(ana, poison, ticket_id)
    assert "time" in bad["reason"]
    assert _ticket_row(server, ticket_id)["subject"] == before["subject"]


@pytest.mark.parametrize("edge", EDGE_TIMES)
def test_a_payload_time_at_the_edge_of_the_range_is_rejected(
    server: ServerUnderTest, ana: Device, edge: str
) -> None:
    ticket_id = _new_ticket(server, ana)
    poison = ana.new_ticket(server.queues["IT"], "From the far future", created_at=edge)
    bad = _assert_rejected_then_next_applies(ana, poison, ticket_id)
    assert "created_at" in bad["reason"]
    with server.db.snapshot_session() as s:
        assert s.get(Ticket, poison["entity_id"]) is None


@pytest.mark.parametrize("field", ["queue_id", "assignee_id", "requester_id"])
@pytest.mark.parametrize("wrap", ["list", "object"])
def test_reference_fields_of_the_wrong_type_are_rejected(
    server: ServerUnderTest, ana: Device, field: str, wrap: str
) -> None:
    ticket_id = _new_ticket(server, ana)
    before = _ticket_row(server, ticket_id)
    ref = server.queues["IT"] if field == "queue_id" else ana.user_id  # a record that exists
    value = [ref] if wrap == "list" else {"id": ref}
    poison = ana.update(ticket_id, {field: value}, {field: None})
    bad = _assert_rejected_then_next_applies(ana, poison, ticket_id)
    assert field in bad["reason"]
    after = _ticket_row(server, ticket_id)
    moved_by_the_comment = ("version", "updated_at", "first_response_at")
    assert {k: v for k, v in after.items() if k not in moved_by_the_comment} == {
        k: v for k, v in before.items() if k not in moved_by_the_comment
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "d" * 500_001),
        ("resolution", "r" * 500_001),
        ("category", "c" * 121),
        ("location", "l" * 201),
        ("asset", "a" * 201),
        ("subject", ["x"]),
        ("subject", "s" * 301),
        ("tags", ["t" * 61]),
        ("impact", 10**30),
    ],
)
def test_update_fields_have_the_limits_of_create(
    server: ServerUnderTest, ana: Device, field: str, value: object
) -> None:
    ticket_id = _new_ticket(server, ana)
    before = _ticket_row(server, ticket_id)
    poison = ana.update(ticket_id, {field: value}, {})
    bad = _assert_rejected_then_next_applies(ana, poison, ticket_id)
    assert f"changes.{field}" in bad["reason"]
    assert _ticket_row(server, ticket_id)[field] == before[field]


def test_activity_keeps_a_bounded_preview_of_long_text(server: ServerUnderTest, ana: Device) -> None:
    ticket_id = _new_ticket(server, ana)
    long_text = "x" * 400_000
    [outcome] = ana.push_ok(ana.update(ticket_id, {"description": long_text}, {"description": ""}))
    assert outcome["status"] == "applied"
    assert _ticket_row(server, ticket_id)["description"] == long_text
    pages = ana.pull_all()
    activity = [a for p in pages for a in p["records"]["activity"] if a["field"] == "description"]
    assert len(activity) == 1
    assert len(activity[0]["new_value"]) == ACTIVITY_VALUE_CHARS
    assert activity[0]["new_value"].endswith("…")
    assert sum(len(str(p)) for p in pages) < len(long_text) + 50_000  # the text travels once


def _admin(server: ServerUnderTest) -> Device:
    server.add_user("root", role="admin")
    return server.device("root")


@pytest.mark.parametrize(
    "variant",
    ["Équipe", "ÉQUIPE", "équipe", unicodedata.normalize("NFD", "Équipe"), "  Équipe "],
)
def test_a_duplicate_queue_name_is_a_409_in_any_case_or_form(server: ServerUnderTest, variant: str) -> None:
    root = _admin(server)
    first = root.http.post("/v1/admin/queues", json={"name": "Équipe"})
    assert first.status_code in (200, 201), first.text
    again = root.http.post("/v1/admin/queues", json={"name": variant})
    assert again.status_code == 409, again.text
    assert again.json()["kind"] == "exists"
    other = root.http.post("/v1/admin/queues", json={"name": "Equipe"})  # other letters: another name
    assert other.status_code in (200, 201), other.text
    with server.db.snapshot_session() as s:
        assert sorted(s.execute(select(Queue.name)).scalars()) == ["Equipe", "Équipe"]


def test_a_pushed_queue_with_a_duplicate_name_is_rejected_clearly(server: ServerUnderTest) -> None:
    root = _admin(server)
    server.add_queue("Équipe")
    queue = {"id": str(uuid.uuid4()), "name": "ÉQUIPE", "description": "", "categories": []}
    [outcome] = root.push_ok(root.mutation("queue.create", "queue", queue["id"], {"queue": queue}))
    assert outcome["status"] == "rejected" and "already exists" in outcome["reason"]


def test_a_user_name_in_another_unicode_form_is_a_409(server: ServerUnderTest) -> None:
    root = _admin(server)
    body = {"username": "Ärne", "password": PASSWORD, "role": "agent"}
    assert root.http.post("/v1/admin/users", json=body).status_code in (200, 201)
    for variant in ("ärne", unicodedata.normalize("NFD", "Ärne")):
        again = root.http.post("/v1/admin/users", json={**body, "username": variant})
        assert again.status_code == 409, (variant, again.text)


def test_a_user_signs_in_with_the_name_typed_in_another_unicode_form(server: ServerUnderTest) -> None:
    server.add_user("Ärne")
    for typed in ("ÄRNE", unicodedata.normalize("NFD", "ärne"), " Ärne "):
        assert Device.sign_in(server, typed, PASSWORD).user_id


@pytest.mark.parametrize(
    "field", ["subject", "description", "category", "location"], ids=lambda f: f"nul-in-{f}"
)
def test_a_nul_character_in_ticket_text_is_rejected_not_stuck(
    server: ServerUnderTest, ana: Device, field: str
) -> None:
    """PostgreSQL cannot store NUL in text: such a mutation is rejected on its own (the same on
    SQLite, so a device behaves alike on both), and the outbox goes on behind it."""
    ticket_id = _new_ticket(server, ana)
    poison = ana.update(ticket_id, {field: "before\x00after"}, {})
    bad = _assert_rejected_then_next_applies(ana, poison, ticket_id)
    assert field in bad["reason"]
    created = ana.new_ticket(server.queues["IT"], "Jam\x00med")
    bad = _assert_rejected_then_next_applies(ana, created, ticket_id)
    with server.db.snapshot_session() as s:
        assert s.get(Ticket, created["entity_id"]) is None


def test_a_queue_named_twice_when_adding_a_user_gives_one_membership(server: ServerUnderTest) -> None:
    """Found by the API fuzz: the same queue twice (or in two spellings) in ``POST
    /v1/admin/users`` answered 500 (the membership was inserted twice)."""
    server.add_queue("IT")
    server.add_user("root", role="admin")
    root = server.device("root")
    r = root.http.post(
        "/v1/admin/users",
        json={"username": "eve", "password": "longenough1", "role": "agent", "queues": ["IT", "IT", "it"]},
    )
    assert r.status_code == 201, r.text
    users = {u["username"]: u for u in root.http.get("/v1/admin/users").json()}
    assert users["eve"]["queues"] == ["IT"]
