"""Attachments: chunked resumable upload, idempotent, checked, size-limited; then attach and download."""

from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

import pytest
from server.server_harness import Device, ServerUnderTest

from sync import protocol


@pytest.fixture
def ana(server: ServerUnderTest) -> Device:
    server.add_queue("IT")
    server.add_user("ana", queues=("IT",))
    return server.device("ana")


def _put(dev: Device, sha: str, offset: int, size: int, chunk: bytes) -> Any:
    return dev.http.put(f"/v1/blobs/{sha}/upload", params={"offset": offset, "size": size}, content=chunk)


def test_resumable_upload_then_attach_and_download(server: ServerUnderTest, ana: Device) -> None:
    data = os.urandom(3 * 1024 * 1024 + 123)
    sha = hashlib.sha256(data).hexdigest()
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json() == {
        "sha256": sha,
        "size": None,
        "received": 0,
        "complete": False,
    }
    chunk = 1024 * 1024
    assert _put(ana, sha, 0, len(data), data[:chunk]).json()["received"] == chunk
    # the connection dropped; a retry of the same chunk is told where to resume
    r = _put(ana, sha, 0, len(data), data[:chunk])
    assert r.status_code == 409 and r.json()["kind"] == "upload_offset"
    assert r.json()["detail"]["received"] == chunk
    status = ana.http.get(f"/v1/blobs/{sha}/upload").json()
    offset = status["received"]
    while offset < len(data):
        status = _put(ana, sha, offset, len(data), data[offset : offset + chunk]).json()
        offset = status["received"]
    assert status["complete"] is True
    # idempotent: uploading again answers complete at once
    assert _put(ana, sha, 0, len(data), data[:10]).json()["complete"] is True
    it = server.queues["IT"]
    create = ana.new_ticket(it)
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": create["entity_id"],
        "sha256": sha,
        "filename": "photo.jpg",
        "size": len(data),
        "mime_type": "image/jpeg",
        "added_at": ana.clock.isoformat(),
    }
    outcomes = ana.push_ok(
        create, ana.mutation("ticket.attach", "ticket", create["entity_id"], {"attachment": attachment})
    )
    assert [o["status"] for o in outcomes] == ["applied", "applied"]
    got = ana.http.get(f"/v1/blobs/{sha}")
    assert got.status_code == 200 and got.content == data
    part = ana.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=2000000-"})
    assert part.status_code == 206 and part.content == data[2_000_000:]
    [page] = ana.pull_all()
    assert [a["sha256"] for a in page["records"]["attachments"]] == [sha]


def test_attach_before_upload_stops_the_push_undecided(server: ServerUnderTest, ana: Device) -> None:
    data = b"meter reading photo"
    sha = hashlib.sha256(data).hexdigest()
    create = ana.new_ticket(server.queues["IT"])
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": create["entity_id"],
        "sha256": sha,
        "filename": "m.jpg",
        "size": len(data),
        "added_at": ana.clock.isoformat(),
    }
    attach = ana.mutation("ticket.attach", "ticket", create["entity_id"], {"attachment": attachment})
    r = ana.push(create, attach)
    body = r.json()
    assert [o["status"] for o in body["outcomes"]] == ["applied"]
    assert body["stopped"] == {
        "seq": attach["seq"],
        "kind": "blob_missing",
        "message": body["stopped"]["message"],
    }
    assert _put(ana, sha, 0, len(data), data).json()["complete"] is True
    assert [o["status"] for o in ana.push_ok(create, attach)] == ["applied", "applied"]


def test_wrong_content_is_discarded_and_limits_hold(server: ServerUnderTest, ana: Device) -> None:
    data = b"what the client meant to send"
    sha = hashlib.sha256(data).hexdigest()
    r = _put(ana, sha, 0, len(data), b"x" * len(data))
    assert r.status_code == 400 and "SHA-256" in r.json()["message"]
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json()["received"] == 0
    too_big = _put(ana, "b" * 64, 0, protocol.MAX_ATTACHMENT_BYTES + 1, b"x")
    assert too_big.status_code == 413
    past_end = _put(ana, "c" * 64, 0, 3, b"xxxx")
    assert past_end.status_code == 400
    oversized_chunk = _put(
        ana, "d" * 64, 0, 20 * 1024 * 1024, b"x" * (protocol.MAX_UPLOAD_CHUNK_BYTES + 2048)
    )
    assert oversized_chunk.status_code == 413
