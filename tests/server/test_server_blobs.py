"""Attachments: chunked resumable upload, idempotent, checked, size-limited; then attach and download."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from typing import Any

import pytest
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import text

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


def _attach(dev: Device, ticket_id: str, sha: str, size: int) -> dict[str, Any]:
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": ticket_id,
        "sha256": sha,
        "filename": "payslip.pdf",
        "size": size,
        "added_at": dev.clock.isoformat(),
    }
    return dev.mutation("ticket.attach", "ticket", ticket_id, {"attachment": attachment})


def test_knowing_a_hash_does_not_give_the_file(server: ServerUnderTest, ana: Device) -> None:
    """An agent who learns a stored file's SHA-256 can neither tell it is there, nor attach it
    to a ticket of their own, nor download it. Uploading the real bytes lets her attach the
    file to her own ticket, and only that ticket then lets her download it."""
    server.add_queue("HR")
    server.add_user("hal", queues=("HR",))
    hal = server.device("hal")
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    hr_ticket = hal.new_ticket(server.queues["HR"])
    assert _put(hal, sha, 0, len(data), data[:200_000]).json()["received"] == 200_000
    assert _put(hal, sha, 200_000, len(data), data[200_000:]).json()["complete"] is True
    hal.push_ok(hr_ticket, _attach(hal, hr_ticket["entity_id"], sha, len(data)))

    # Ana (IT only) is told nothing: the stored file reads as not received, and has no size.
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json() == {
        "sha256": sha,
        "size": None,
        "received": 0,
        "complete": False,
    }
    assert ana.http.get(f"/v1/blobs/{sha}").status_code == 404
    # Attaching it to her own ticket by hash stops at the attach, like a missing upload...
    it_ticket = ana.new_ticket(server.queues["IT"])
    attach = _attach(ana, it_ticket["entity_id"], sha, len(data))
    body = ana.push(it_ticket, attach).json()
    assert body["stopped"]["kind"] == "blob_missing"
    assert ana.http.get(f"/v1/blobs/{sha}").status_code == 404
    # ...and wrong bytes are refused when the upload completes (her own upload, checked
    # against the hash; before issue 12 each chunk was compared with hal's stored bytes).
    forged = _put(ana, sha, 0, len(data), b"\0" * len(data))
    assert forged.status_code == 400 and "SHA-256" in forged.json()["message"]
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json()["received"] == 0
    # Sending the real bytes (in other chunk sizes than hal's) completes her own upload.
    assert _put(ana, sha, 0, len(data), data[:123_457]).json() == {
        "sha256": sha,
        "size": len(data),
        "received": 123_457,
        "complete": False,
    }
    wrong_offset = _put(ana, sha, 0, len(data), data[:10])
    assert wrong_offset.status_code == 409 and wrong_offset.json()["detail"]["received"] == 123_457
    done = _put(ana, sha, 123_457, len(data), data[123_457:]).json()
    assert done["complete"] is True and done["size"] == len(data)
    assert ana.http.get(f"/v1/blobs/{sha}").status_code == 404  # holding a file is no download right
    assert [o["status"] for o in ana.push_ok(it_ticket, attach)] == ["applied", "applied"]
    got = ana.http.get(f"/v1/blobs/{sha}")
    assert got.status_code == 200 and got.content == data


def test_users_uploading_one_file_at_once_all_complete_and_it_is_stored_once(
    server: ServerUnderTest, ana: Device
) -> None:
    """Private uploads of the same file racing to completion (the first stores it, the rest
    are deduplicated), and two devices of one user racing on one upload."""
    for name in ("ben", "cy", "dee"):
        server.add_user(name, queues=("IT",))
    devices = [ana] + [server.device(name) for name in ("ben", "cy", "dee")]
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    answers: list[tuple[int, bool]] = []

    def upload(dev: Device) -> None:
        for offset in range(0, len(data), 50_000):
            r = _put(dev, sha, offset, len(data), data[offset : offset + 50_000])
            answers.append((r.status_code, bool(r.json().get("complete"))))

    threads = [threading.Thread(target=upload, args=(dev,)) for dev in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [(200, False)] * 12 + [(200, True)] * 4
    with server.db.engine.connect() as c:
        stored = c.execute(text("SELECT count(*) FROM blob_chunks WHERE sha256 = :s"), {"s": sha})
        assert stored.scalar_one() == 4
        assert c.execute(text("SELECT count(*) FROM blob_upload_chunks")).scalar_one() == 0

    small = os.urandom(1000)
    small_sha = hashlib.sha256(small).hexdigest()
    statuses: list[int] = []
    second = server.device("ana")
    racers = [
        threading.Thread(target=lambda d=dev: statuses.append(_put(d, small_sha, 0, 1000, small).status_code))
        for dev in (ana, second, ana)
    ]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert 200 in statuses and set(statuses) <= {200, 409}
    assert ana.http.get(f"/v1/blobs/{small_sha}/upload").json()["complete"] is True
