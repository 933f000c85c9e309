"""Seed a fresh server with enough real records for a fuzzer to reach real code paths.

Two queues (IT, HR), an agent, a manager and a knowledge manager of IT, an HR agent and an
admin; tickets in both queues with comments and work logs; an attachment on an IT ticket;
a draft article. Returns the ids and tokens the fuzz configuration binds parameters to.
Everything goes through the real admin service and the real push over HTTP.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from server.server_harness import ServerUnderTest

__all__ = ["Seeded", "seed"]


@dataclass
class Seeded:
    queue_ids: list[str]
    ticket_ids: list[str]
    blob_shas: list[str]
    #: users the admin fuzzer may disable or re-queue without ending the runs' own tokens
    spare_usernames: list[str]
    #: username -> (token, client_id) of the devices signed in for the runs
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)


def seed(server: ServerUnderTest) -> Seeded:
    it, hr = server.add_queue("IT"), server.add_queue("HR")
    server.add_user("fuzz-agent", queues=("IT",))
    server.add_user("fuzz-admin", role="admin")
    server.add_user("fuzz-signout", queues=("IT",))
    spares = ["fuzz-manager", "fuzz-km", "fuzz-hr"]
    server.add_user("fuzz-manager", role="manager", queues=("IT",))
    server.add_user("fuzz-km", role="knowledge_manager", queues=("IT",))
    server.add_user("fuzz-hr", queues=("HR",))
    agent, hal = server.device("fuzz-agent"), server.device("fuzz-hr")
    tickets: list[str] = []
    for dev, queue, subject in ((agent, it, "VPN drops at night"), (hal, hr, "Payroll export fails")):
        for n in range(3):
            create = dev.new_ticket(queue, f"{subject} {n}", assignee_id=dev.user_id if n == 0 else None)
            tid = create["entity_id"]
            dev.push_ok(create, dev.comment(tid, "Looked at it", kind="reply"), dev.work_log(tid, 15))
            tickets.append(tid)
    data = b"screenshot of the error dialog\n" * 40
    sha = hashlib.sha256(data).hexdigest()
    r = agent.http.put(f"/v1/blobs/{sha}/upload", params={"offset": 0, "size": len(data)}, content=data)
    assert r.status_code == 200, r.text
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": tickets[0],
        "sha256": sha,
        "filename": "error.png",
        "size": len(data),
        "mime_type": "image/png",
        "added_at": agent.clock.isoformat(),
    }
    article = {
        "id": str(uuid.uuid4()),
        "title": "Reset the VPN client",
        "body": "Quit it, delete the profile, sign in again.",
        "created_at": agent.clock.isoformat(),
    }
    outcomes = agent.push_ok(
        agent.mutation("ticket.attach", "ticket", tickets[0], {"attachment": attachment}),
        agent.mutation("article.create", "article", article["id"], {"article": article}),
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"], outcomes
    seeded = Seeded(queue_ids=[it, hr], ticket_ids=tickets, blob_shas=[sha], spare_usernames=spares)
    for dev in (agent, hal):
        dev.close()
    for username in ("fuzz-agent", "fuzz-admin", "fuzz-signout"):
        dev = server.device(username)
        seeded.tokens[username] = (dev.token, dev.client_id)
        dev.close()
    return seeded
