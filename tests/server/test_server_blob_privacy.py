"""Issue 12, finding 1: an attachment is readable only through a record the caller can see.

The probes of a hostile agent of another queue, over a real server: no answer during an
upload depends on bytes another user stored, uploads are private to their uploader, a
completed upload grants no download, unfinished uploads expire with their bytes, and a
huge ``Range`` header is a 4xx. Plus the normal flow between colleagues of one queue.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from server.server_harness import Device, ServerUnderTest
from sqlalchemy import text

from sync.server.push import blob_service

SECRET = b"salary review: Dana 71,500 EUR; approved by CFO, March."  # 55 bytes, like the probe's file


@pytest.fixture
def desk(server: ServerUnderTest) -> dict[str, Any]:
    """hal and his colleague hana in HR (hal attached SECRET to an HR ticket); ana and bob in IT."""
    for queue in ("HR", "IT"):
        server.add_queue(queue)
    for name, queue in (("hal", "HR"), ("hana", "HR"), ("ana", "IT"), ("bob", "IT")):
        server.add_user(name, queues=(queue,))
    devices = {name: server.device(name) for name in ("hal", "hana", "ana", "bob")}
    hal = devices["hal"]
    sha = _upload(hal, SECRET)["sha256"]
    ticket = hal.new_ticket(server.queues["HR"], subject="Salary review")
    assert [
        o["status"] for o in hal.push_ok(ticket, _attach(hal, ticket["entity_id"], sha, len(SECRET)))
    ] == [
        "applied",
        "applied",
    ]
    return {**devices, "sha": sha, "ticket": ticket["entity_id"]}


def _put(dev: Device, sha: str, offset: int, size: int, chunk: bytes) -> httpx.Response:
    return dev.http.put(f"/v1/blobs/{sha}/upload", params={"offset": offset, "size": size}, content=chunk)


def _upload(dev: Device, data: bytes, chunk: int = 1 << 20) -> dict[str, Any]:
    sha = hashlib.sha256(data).hexdigest()
    status: dict[str, Any] = dev.http.get(f"/v1/blobs/{sha}/upload").json()
    offset = status["received"]
    while not status["complete"]:
        r = _put(dev, sha, offset, len(data), data[offset : offset + chunk])
        assert r.status_code == 200, r.text
        status = r.json()
        offset = status["received"]
    return status


def _attach(dev: Device, ticket_id: str, sha: str, size: int) -> dict[str, Any]:
    attachment = {
        "id": str(uuid.uuid4()),
        "ticket_id": ticket_id,
        "sha256": sha,
        "filename": "review.txt",
        "size": size,
        "added_at": dev.clock.isoformat(),
    }
    return dev.mutation("ticket.attach", "ticket", ticket_id, {"attachment": attachment})


def _attach_is_refused_as_missing(
    server: ServerUnderTest, user: str, queue: str, sha: str, size: int
) -> bool:
    """A new device of ``user`` files a ticket in ``queue`` with the blob attached: is the attach deferred?"""
    dev = server.device(user)
    ticket = dev.new_ticket(server.queues[queue])
    body = dev.push(ticket, _attach(dev, ticket["entity_id"], sha, size)).json()
    stopped = body.get("stopped") or {}
    return bool(stopped.get("kind") == "blob_missing")


def _answer(r: httpx.Response, sha: str) -> tuple[int, str]:
    """An answer with the hash blanked out, to compare answers about two different hashes."""
    return r.status_code, r.text.replace(sha, "<sha>")


def _probe(dev: Device, sha: str, size: int, guesses: list[int]) -> list[tuple[int, str]]:
    """The hostile agent's probe: status, empty chunks (right and wrong size), byte guesses."""
    answers = [_answer(dev.http.get(f"/v1/blobs/{sha}/upload"), sha)]
    answers.append(_answer(_put(dev, sha, 0, size, b""), sha))
    answers.append(_answer(_put(dev, sha, 0, size - 1, b""), sha))
    for guess in guesses:
        answers.append(_answer(_put(dev, sha, 0, size, bytes([guess])), sha))
    answers.append(_answer(dev.http.get(f"/v1/blobs/{sha}/upload"), sha))
    answers.append(_answer(dev.http.get(f"/v1/blobs/{sha}"), sha))
    return answers


def test_no_answer_during_an_upload_depends_on_bytes_another_user_stored(
    server: ServerUnderTest, desk: dict[str, Any]
) -> None:
    """The same probe against the stored secret's hash and against a hash nobody stored gets
    the same answers, so neither byte guesses nor empty chunks tell anything about the file."""
    ana, bob, sha = desk["ana"], desk["bob"], desk["sha"]
    unstored = hashlib.sha256(b"nobody stored this").hexdigest()
    guesses = sorted({0x00, 0x41, SECRET[0], 0x7A, 0xFF})  # the right first byte among wrong ones
    assert _probe(ana, sha, len(SECRET), guesses) == _probe(bob, unstored, len(SECRET), guesses)


def test_an_empty_chunk_reveals_neither_existence_nor_size(
    server: ServerUnderTest, desk: dict[str, Any]
) -> None:
    ana, sha = desk["ana"], desk["sha"]
    unstored = hashlib.sha256(b"x" * len(SECRET)).hexdigest()
    for size in (len(SECRET), len(SECRET) + 1, 0):
        stored_answer = _answer(_put(ana, sha, 0, size, b""), sha)
        unstored_answer = _answer(_put(ana, unstored, 0, size, b""), unstored)
        assert stored_answer == unstored_answer, size


def _recover_byte_by_byte(dev: Device, sha: str, size: int, alphabet: bytes) -> bytes:
    """The attack the probe ran: extend a known prefix one byte at a time, keeping the guess the
    server accepts (over all 256 values; an alphabet known to hold the file's bytes keeps it short).
    Before each guess the upload is brought back to the end of the prefix."""
    known = b""
    for _ in range(size):
        for guess in alphabet:
            received = dev.http.get(f"/v1/blobs/{sha}/upload").json()["received"]
            rewound = received == 0 and _put(dev, sha, 0, size, known).status_code == 200
            if received != len(known) and not rewound:
                continue
            if _put(dev, sha, len(known), size, bytes([guess])).status_code == 200:
                known += bytes([guess])
                break
        else:
            break  # no guess accepted: the attack is stuck
    return known


def test_byte_by_byte_recovery_and_a_finished_fake_upload_give_nothing(
    server: ServerUnderTest, desk: dict[str, Any]
) -> None:
    ana, sha = desk["ana"], desk["sha"]
    size = 4  # a short prefix keeps the attack quick; it works the same on all 55 bytes
    # The attack is pointed at a 4-byte file with the secret's first bytes, stored by hal.
    target = SECRET[:size]
    target_sha = _upload(desk["hal"], target)["sha256"]
    ticket = desk["hal"].new_ticket(server.queues["HR"])
    desk["hal"].push_ok(ticket, _attach(desk["hal"], ticket["entity_id"], target_sha, size))

    alphabet = bytes(sorted(set(target) | {0x00, 0x7F}))
    recovered = _recover_byte_by_byte(ana, target_sha, size, alphabet)
    assert recovered != target
    assert ana.http.get(f"/v1/blobs/{target_sha}").status_code == 404
    assert _attach_is_refused_as_missing(server, "ana", "IT", target_sha, size)
    # Finishing a "fake" upload of the 55-byte secret without its bytes: refused at the end,
    # and it leaves nothing that opens the file.
    fake = _put(ana, sha, 0, len(SECRET), b"\0" * len(SECRET))
    assert fake.status_code == 400 and "SHA-256" in fake.json()["message"]
    assert ana.http.get(f"/v1/blobs/{sha}").status_code == 404
    assert _attach_is_refused_as_missing(server, "ana", "IT", sha, len(SECRET))


def test_uploading_the_real_bytes_gives_no_download(server: ServerUnderTest, desk: dict[str, Any]) -> None:
    """Authorization by record, not possession: ana, who holds the file, still cannot download
    it through hal's HR ticket; her own completed upload reads complete to her only."""
    ana, bob, sha = desk["ana"], desk["bob"], desk["sha"]
    done = _upload(ana, SECRET, chunk=20)
    assert done == {"sha256": sha, "size": len(SECRET), "received": len(SECRET), "complete": True}
    denied = ana.http.get(f"/v1/blobs/{sha}")
    absent = ana.http.get(f"/v1/blobs/{'0' * 64}")
    assert denied.status_code == absent.status_code == 404
    assert denied.json() == absent.json()
    assert ana.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=10-"}).status_code == 404
    # Her colleague bob, who uploaded nothing, is told nothing either.
    assert bob.http.get(f"/v1/blobs/{sha}/upload").json() == {
        "sha256": sha,
        "size": None,
        "received": 0,
        "complete": False,
    }
    assert bob.http.get(f"/v1/blobs/{sha}").status_code == 404


def test_another_user_cannot_block_or_share_an_upload(server: ServerUnderTest, desk: dict[str, Any]) -> None:
    """hana (HR) starts uploads of ana's file first, with a wrong size and with wrong bytes;
    ana's upload neither sees nor waits for them, and ana finishing gives hana nothing."""
    ana, hana = desk["ana"], desk["hana"]
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _put(hana, sha, 0, 999, b"").status_code == 200  # registers a wrong size
    assert _put(hana, sha, 0, 999, b"junk").json()["received"] == 4
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json() == {
        "sha256": sha,
        "size": None,
        "received": 0,
        "complete": False,
    }
    assert _put(ana, sha, 0, len(data), data[:100_000]).json()["received"] == 100_000
    assert _put(ana, sha, 100_000, len(data), data[100_000:]).json()["complete"] is True
    it_ticket = ana.new_ticket(server.queues["IT"])
    assert [
        o["status"] for o in ana.push_ok(it_ticket, _attach(ana, it_ticket["entity_id"], sha, len(data)))
    ] == [
        "applied",
        "applied",
    ]
    assert ana.http.get(f"/v1/blobs/{sha}").content == data
    # hana's upload is still hers alone and unfinished; she gains no download and cannot attach.
    assert hana.http.get(f"/v1/blobs/{sha}/upload").json() == {
        "sha256": sha,
        "size": 999,
        "received": 4,
        "complete": False,
    }
    assert hana.http.get(f"/v1/blobs/{sha}").status_code == 404
    assert _attach_is_refused_as_missing(server, "hana", "HR", sha, len(data))


def _count(server: ServerUnderTest, table: str) -> int:
    with server.db.engine.connect() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_unfinished_uploads_expire_and_their_bytes_are_deleted(
    server: ServerUnderTest, desk: dict[str, Any]
) -> None:
    ana, bob = desk["ana"], desk["bob"]
    server.add_user("root", role="admin")
    root = server.device("root")
    data = os.urandom(3000)
    sha = hashlib.sha256(data).hexdigest()
    assert _put(ana, sha, 0, len(data), data[:1000]).json()["received"] == 1000
    never_attached = os.urandom(500)
    never_sha = _upload(bob, never_attached)["sha256"]
    assert _count(server, "blob_upload_chunks") == 1
    blobs_before = _count(server, "blobs")

    now = datetime.now(UTC)
    assert blob_service.expire_uploads(server.db, now + timedelta(hours=23)).uploads == 0
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json()["received"] == 1000
    # The expiry is a server setting (default 24 hours); an admin shortens it to 2 hours.
    assert root.http.put("/v1/admin/settings", json={"blob_upload_expiry_hours": 2}).status_code == 200
    report = blob_service.expire_uploads(server.db, now + timedelta(hours=3))
    # ana's and bob's uploads, plus hal's completed one (his blob stays: it is attached)
    assert report == blob_service.ExpiryReport(uploads=3, blobs=1)
    assert _count(server, "blob_upload_chunks") == 0 and _count(server, "blob_uploads") == 0
    assert _count(server, "blobs") == blobs_before - 1
    with server.db.engine.connect() as c:
        gone = c.execute(text("SELECT count(*) FROM blob_chunks WHERE sha256 = :s"), {"s": never_sha})
        assert gone.scalar_one() == 0
    # The completed but never attached file is gone and bob can no longer attach it by hash.
    assert _attach_is_refused_as_missing(server, "bob", "IT", never_sha, len(never_attached))
    # ana starts again from byte 0; hal's attached file is still downloadable.
    assert ana.http.get(f"/v1/blobs/{sha}/upload").json()["received"] == 0
    assert desk["hal"].http.get(f"/v1/blobs/{desk['sha']}").content == SECRET


def test_opening_an_upload_sweeps_expired_ones(server: ServerUnderTest, desk: dict[str, Any]) -> None:
    """The sweep also runs on the upload path, with the server's own clock."""
    ana, bob = desk["ana"], desk["bob"]
    stale = os.urandom(2000)
    stale_sha = hashlib.sha256(stale).hexdigest()
    assert _put(ana, stale_sha, 0, len(stale), stale[:700]).status_code == 200
    with server.db.engine.begin() as c:
        c.execute(text("UPDATE blob_uploads SET touched_at = :t"), {"t": datetime(2020, 1, 1, 12, 0)})
    fresh = os.urandom(100)
    assert _put(bob, hashlib.sha256(fresh).hexdigest(), 0, len(fresh), fresh[:50]).status_code == 200
    with server.db.engine.connect() as c:
        rows = c.execute(text("SELECT sha256, received FROM blob_uploads")).all()
    assert [tuple(r) for r in rows] == [(hashlib.sha256(fresh).hexdigest(), 50)]
    assert _count(server, "blob_upload_chunks") == 1


def test_a_huge_range_header_is_a_4xx(server: ServerUnderTest, desk: dict[str, Any]) -> None:
    hal, sha = desk["hal"], desk["sha"]
    url = f"/v1/blobs/{sha}"
    huge = hal.http.get(url, headers={"Range": "bytes=" + "9" * 5000 + "-"})
    assert huge.status_code == 416 and huge.json()["kind"] == "invalid_input"
    assert huge.headers["Content-Range"] == f"bytes */{len(SECRET)}"
    past_end = hal.http.get(url, headers={"Range": f"bytes={len(SECRET) + 1}-"})
    assert past_end.status_code == 416
    assert hal.http.get(url, headers={"Range": "bytes=abc-"}).status_code == 422  # not the documented shape
    padded = hal.http.get(url, headers={"Range": "bytes=" + "0" * 5000 + "5-"})
    assert padded.status_code == 206 and padded.content == SECRET[5:]
    assert hal.http.get(url, headers={"Range": f"bytes={len(SECRET)}-"}).content == b""


def test_a_colleague_in_the_same_queue_downloads_and_resumes(
    server: ServerUnderTest, desk: dict[str, Any]
) -> None:
    """The normal flow still works: hana (HR) downloads what hal attached, also with a Range;
    when hal loses sight of the ticket (it moves to IT), he loses the download with it."""
    hal, hana, sha = desk["hal"], desk["hana"], desk["sha"]
    ana = desk["ana"]
    assert hana.http.get(f"/v1/blobs/{sha}").content == SECRET
    part = hana.http.get(f"/v1/blobs/{sha}", headers={"Range": "bytes=20-"})
    assert part.status_code == 206 and part.content == SECRET[20:]
    assert ana.http.get(f"/v1/blobs/{sha}").status_code == 404
    move = hal.update(desk["ticket"], {"queue_id": server.queues["IT"]}, {"queue_id": server.queues["HR"]})
    assert [o["status"] for o in hal.push_ok(move)] == ["applied"]
    assert hal.http.get(f"/v1/blobs/{sha}").status_code == 404  # no standing right from uploading it
    assert hana.http.get(f"/v1/blobs/{sha}").status_code == 404
    assert ana.http.get(f"/v1/blobs/{sha}").content == SECRET
