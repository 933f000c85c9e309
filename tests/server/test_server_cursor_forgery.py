"""A pull cursor is the server's signed record: forged, tampered or borrowed ones are refused.

The probe that found the hole decoded the cursor (base64 JSON), set its scope to ``"*"``
and pulled: ``left_scope`` then listed every ticket outside the agent's queues.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from server.server_harness import Device, ServerUnderTest


def _body(cursor: str) -> dict[str, Any]:
    raw = cursor.split(".")[0]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return data


def _with_body(cursor: str, **changes: Any) -> str:
    """``cursor`` with fields of its JSON body changed and its signature (if any) kept."""
    body = {**_body(cursor), **changes}
    raw = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode().rstrip("=")
    _body_part, dot, mac = cursor.partition(".")
    return raw + dot + mac


def _setup(server: ServerUnderTest) -> tuple[Device, Device, list[str]]:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("ana", queues=("IT",))
    server.add_user("hal", queues=("HR",))
    ana, hal = server.device("ana"), server.device("hal")
    ana.push_ok(ana.new_ticket(it, "IT printer"))
    hr_tickets = [hal.new_ticket(hr, f"Salary question {i}") for i in range(3)]
    hal.push_ok(*hr_tickets)
    return ana, hal, [t["entity_id"] for t in hr_tickets]


def _refused(r: Any, foreign: list[str]) -> None:
    assert r.status_code == 409, r.text
    assert r.json()["kind"] == "cursor_invalid"
    assert not any(tid in r.text for tid in foreign)


def test_a_cursor_with_a_forged_scope_is_refused_and_lists_nothing(server: ServerUnderTest) -> None:
    ana, _hal, hr_ids = _setup(server)
    [page] = ana.pull_all()
    assert _body(page["cursor"])["q"] != "*"
    _refused(ana.pull(_with_body(page["cursor"], q="*")), hr_ids)
    _refused(ana.pull(_with_body(page["cursor"], q=[*_body(page["cursor"])["q"], "x"])), hr_ids)


def test_a_cursor_with_a_tampered_version_is_refused(server: ServerUnderTest) -> None:
    ana, _hal, hr_ids = _setup(server)
    [page] = ana.pull_all()
    _refused(ana.pull(_with_body(page["cursor"], v=0)), hr_ids)
    _refused(ana.pull(page["cursor"].split(".")[0]), hr_ids)  # the unsigned body alone


def test_another_users_cursor_is_refused(server: ServerUnderTest) -> None:
    ana, hal, hr_ids = _setup(server)
    [hal_page] = hal.pull_all()
    _refused(ana.pull(hal_page["cursor"]), hr_ids)


def test_a_genuine_cursor_still_lists_what_left_the_scope(server: ServerUnderTest) -> None:
    """The scope the server compares with is the one it signed into the cursor."""
    ana, hal, hr_ids = _setup(server)
    server.add_user("root", role="admin")
    root = server.device("root")
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT", "HR"]}).status_code == 204
    pages = ana.pull_all()
    assert set(hr_ids) <= {r["id"] for p in pages for r in p["records"]["tickets"]}
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT"]}).status_code == 204
    lost = ana.pull_all()
    assert {r["id"] for p in lost for r in p["left_scope"]} == set(hr_ids)
    assert hal.pull_all()[0]["left_scope"] == []


def test_an_old_cursor_never_names_tickets_made_after_it(server: ServerUnderTest) -> None:
    """Replaying a genuine but old cursor (from when the user had more queues) lists only
    the tickets that existed then, not ones created since in queues they lost."""
    ana, hal, hr_ids = _setup(server)
    server.add_user("root", role="admin")
    root = server.device("root")
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT", "HR"]}).status_code == 204
    ana.pull_all()
    old_cursor = ana.cursor
    assert root.http.put("/v1/admin/users/ana/queues", json={"queues": ["IT"]}).status_code == 204
    later = hal.new_ticket(server.queues["HR"], "Made after ana left HR")
    hal.push_ok(later)
    r = ana.pull(old_cursor)
    assert r.status_code == 200, r.text
    assert {x["id"] for x in r.json()["left_scope"]} == set(hr_ids)
    assert later["entity_id"] not in r.text
