"""The OpenAPI document tells the truth: every status a route answers, with the real body.

schemathesis (``scripts/fuzz-api``) checks the same against a live server with generated
requests; these tests pin the rules it relies on, in the fast suite.
"""

from __future__ import annotations

import tempfile
from typing import Any

import pytest
from server.server_harness import PASSWORD, ServerUnderTest

from sync import protocol
from sync.server.api.app import create_app
from sync.server.api.error_responses import ALWAYS
from sync.server.db.database import open_database
from sync.server.settings import ServerSettings


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/server.db")
        try:
            return create_app(ServerSettings(database_url="sqlite://"), db).openapi()
        finally:
            db.dispose()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), path, op) for path, ops in spec["paths"].items() for m, op in ops.items()]


def _schema_ref(response: dict[str, Any]) -> str | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref: str | None = schema.get("$ref")
    return ref


def test_every_error_is_documented_with_the_body_the_server_sends(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # FastAPI's, never sent
    for method, path, op in _operations(spec):
        codes = {int(code) for code in op["responses"]}
        errors = {code for code in codes if code >= 400}
        if path.startswith("/v1/"):
            assert set(ALWAYS) <= codes, (method, path, sorted(codes))
        if op.get("security"):
            assert 401 in codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in codes, (method, path)
        for code in errors:
            ref = _schema_ref(op["responses"][str(code)])
            expected = "Health" if path == "/healthz" and code == 503 else "ErrorBody"
            assert ref == f"#/components/schemas/{expected}", (method, path, code, ref)


def test_the_real_error_answers_match_the_documented_body(server: ServerUnderTest) -> None:
    with server.http() as http:
        answers = {
            422: http.post("/v1/session", json={"username": "ana", "password": ""}),
            400: http.post("/v1/session", content=b"\x00", headers={"Content-Type": "application/json"}),
            401: http.get("/v1/me"),
        }
        empty_header = http.post("/v1/session", json={}, headers={protocol.PROTOCOL_HEADER: ""})
    for status, r in answers.items():
        assert r.status_code == status, r.text
        body = protocol.ErrorBody.model_validate(r.json())
        assert set(r.json()) == {"kind", "message", "detail"}
        assert body.kind in ("invalid_input", "sign_in")
    assert answers[422].json()["detail"] == {"errors": 2}  # password too short, client_id missing
    assert empty_header.status_code == 400


def test_a_405_names_every_method_of_the_path(server: ServerUnderTest) -> None:
    with server.http() as http:
        r = http.request("PATCH", "/v1/session")
        blob = http.request("PATCH", f"/v1/blobs/{'0' * 64}/upload")
    assert r.status_code == 405
    assert r.json()["kind"] == "method_not_allowed"
    assert sorted(r.headers["allow"].split(", ")) == ["DELETE", "POST"]
    assert sorted(blob.headers["allow"].split(", ")) == ["GET", "PUT"]


def test_requests_are_refused_by_their_documented_shape(server: ServerUnderTest) -> None:
    """What the schema says is valid is accepted; what it refuses is a 422 (never a 400)."""
    server.add_queue("IT")
    server.add_user("root", role="admin")
    root = server.device("root")
    assert root.pull(limit=5).status_code == 200
    whole = root.http.post("/v1/pull", json={"cursor": None, "limit": 5.0})
    assert whole.status_code == 200, whole.text  # JSON Schema's integer includes 5.0
    for limit in ("5", 5.5, True):
        assert root.http.post("/v1/pull", json={"limit": limit}).status_code == 422, limit
    settings = root.http.put("/v1/admin/settings", json={"signin_max_failures_per_user": 9.0})
    assert settings.status_code == 200 and settings.json()["signin_max_failures_per_user"] == 9
    for change in ({"no_such_setting": 3}, {"signin_window_seconds": 1}, {"token_lifetime_days": "7"}):
        r = root.http.put("/v1/admin/settings", json=change)
        assert r.status_code == 422, (change, r.text)
    for user in (
        {"username": "eve", "password": "longenough1", "role": "wizard"},
        {"username": "two words", "password": "longenough1"},
        {"username": "record\x1eseparator", "password": "longenough1"},  # str.isspace() says space
    ):
        assert root.http.post("/v1/admin/users", json=user).status_code == 422, user
    assert root.http.post("/v1/admin/queues", json={"name": "   "}).status_code == 422
    # NUL: PostgreSQL cannot store or compare it (a 500 there before); refused on both engines
    nul = [
        root.http.put("/v1/admin/users/root/queues", json={"queues": ["IT\x00"]}),
        root.http.post("/v1/admin/queues", json={"name": "Desk", "description": "a\x00b"}),
        root.http.post("/v1/admin/users/a%00b/disable"),
        root.http.get("/v1/reports/queues/a%00b"),
    ]
    assert [r.status_code for r in nul] == [422] * 4, [r.text for r in nul]
    root.close()


def test_an_admin_cannot_disable_their_own_account(server: ServerUnderTest) -> None:
    server.add_user("root", role="admin")
    server.add_user("ana")
    root = server.device("root")
    r = root.http.post("/v1/admin/users/ROOT/disable")
    assert r.status_code == 403 and r.json()["kind"] == "forbidden"
    assert root.http.get("/v1/me").status_code == 200  # still signed in
    assert root.http.post("/v1/admin/users/ana/disable").status_code == 204
    root.close()


def test_text_the_database_cannot_store_is_refused_not_a_500(server: ServerUnderTest) -> None:
    """PostgreSQL cannot hold NUL in text (SQLite can): whatever the route, never a 500."""
    server.add_user("ana")
    with server.http() as http:
        answers = [
            http.post("/v1/session", json={"username": "an\x00a", "password": "x", "client_id": "c"}),
            http.post("/v1/session", json={"username": "ana", "password": PASSWORD, "client_id": "c\x00"}),
        ]
    for r in answers:
        assert r.status_code < 500, r.text
        if r.status_code >= 400:
            protocol.ErrorBody.model_validate(r.json())


def test_every_runtime_setting_can_be_changed_through_the_admin_route() -> None:
    """The request model lists each setting the server stores: one added to the ranges but not
    to the model would be refused as an unknown field (422) by the route."""
    from sync.server.api.routes_admin import SettingsChange
    from sync.server.core.runtime_settings import SETTING_RANGES, RuntimeSettings

    assert set(SettingsChange.model_fields) == set(SETTING_RANGES) == set(RuntimeSettings().as_dict())
