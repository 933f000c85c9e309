"""Attachments: uploaded (resumably) before the change that needs them; downloaded on demand."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import httpx
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk

from sync.engine.progress import SyncProgress
from sync.engine.session import open_engine
from sync.engine.status import read_status
from sync.replica.blob_cipher import CHUNK
from sync.services.ticket_work import blob_path

MakeDesk = Callable[..., Desk]


class Recording(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path, request.headers.get("Range", "")))
        return super().handle_request(request)


def _file(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    return path, data


def test_upload_resumes_where_the_server_stopped_and_download_resumes_a_partial_file(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path, replica_mode: str
) -> None:
    a, b = desk(server, "alice", mode=replica_mode), desk(server, "bob", mode=replica_mode)
    a.sync()
    b.sync()
    t = a.new_ticket("Cracked window")
    source, data = _file(tmp_path, 2 * 1024 * 1024 + 4321)
    sha = hashlib.sha256(data).hexdigest()
    att = a.work.attach_file(t, source).entity_id
    assert read_status(a.replica).files_to_upload == 1

    engine = a.engine()
    engine.client.upload_chunk(sha, 0, len(data), data[: 1024 * 1024])  # an earlier, interrupted attempt
    recording = Recording()
    engine = open_engine(a.replica, http=httpx.Client(base_url=a.url, transport=recording))
    engine.run_round()
    puts = [r for r in recording.requests if r[0] == "PUT"]
    assert len(puts) == 2  # the remaining 1 MiB + 4321 bytes, not the whole file again
    assert read_status(a.replica).files_to_upload == 0 and a.pending() == 0
    with server.db.engine.connect() as c:
        assert c.execute(text("SELECT size FROM blobs WHERE sha256 = :s"), {"s": sha}).scalar_one() == len(
            data
        )

    b.sync()
    with b.replica.read() as s:
        assert s.execute(text("SELECT is_local FROM attachments WHERE id = :i"), {"i": att}).scalar_one() == 0
    assert read_status(b.replica).files_not_downloaded == 1
    cut_short = b.replica.blobs.partial(sha)  # a download cut short earlier
    cut_short.write(data[:700_000])
    cut_short.close()
    partial = cut_short.path
    # An encrypted partial file keeps only its whole sealed chunks (64 KiB each).
    resume_at = 700_000 if replica_mode == "plain" else 700_000 // CHUNK * CHUNK
    recording = Recording()
    progress: list[SyncProgress] = []
    engine = open_engine(b.replica, http=httpx.Client(base_url=b.url, transport=recording))
    path = engine.download_attachment(att, progress.append)
    assert path == blob_path(b.replica.attachments_dir, sha) and b.replica.blobs.read_bytes(sha) == data
    assert (path.read_bytes() == data) == (replica_mode == "plain")
    assert ("GET", f"/v1/blobs/{sha}", f"bytes={resume_at}-") in recording.requests
    assert progress[-1].done == progress[-1].total == len(data)
    assert read_status(b.replica).files_not_downloaded == 0
    assert not partial.exists()


def test_a_missing_blob_stops_the_push_at_that_change_and_it_is_reported(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path
) -> None:
    a = desk(server, "alice")
    a.sync()
    t = a.new_ticket("Meter reading")
    source, data = _file(tmp_path, 1000)
    a.work.attach_file(t, source)
    a.work.note(t, "photo attached")
    blob_path(a.replica.attachments_dir, hashlib.sha256(data).hexdigest()).unlink()  # lost from this disk

    report = a.sync()
    assert report.missing_files == ["photo.jpg"]
    assert report.blocked is not None and "blob_missing" in report.blocked
    assert a.pending() == 2  # the attachment and everything after it wait, in order
    status = read_status(a.replica)
    assert status.blocked is not None and status.pending == 2


def test_the_same_file_attached_in_two_queues_reaches_each_queue_and_no_further(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path
) -> None:
    """alice (IT) and carol (Facilities) attach the same photo: carol's upload is private and
    deduplicated invisibly; bob (IT) downloads alice's attachment; carol's other device
    downloads hers; carol never sees alice's ticket, and the file does not open it."""
    alice, bob, carol = desk(server, "alice"), desk(server, "bob"), desk(server, "carol")
    carol_laptop = desk(server, "carol", name="carol-laptop")
    for d in (alice, bob, carol, carol_laptop):
        d.sync()
    source, data = _file(tmp_path, 300_000)
    it_ticket = alice.new_ticket("Cracked window")
    alice_att = alice.work.attach_file(it_ticket, source).entity_id
    assert alice.sync().blocked is None and alice.pending() == 0
    fac_ticket = carol.new_ticket("Cracked window, east wing", queue="Facilities")
    carol_att = carol.work.attach_file(fac_ticket, source).entity_id
    report = carol.sync()
    assert report.blocked is None and report.missing_files == [] and carol.pending() == 0

    bob.sync()
    assert bob.engine().download_attachment(alice_att, lambda _p: None).read_bytes() == data
    carol_laptop.sync()
    assert carol_laptop.engine().download_attachment(carol_att, lambda _p: None).read_bytes() == data
    with carol_laptop.replica.read() as s:
        seen = s.execute(text("SELECT id FROM attachments")).scalars().all()
    assert seen == [carol_att]  # alice's attachment (same file) is not in carol's scope


def test_a_partial_download_longer_than_the_file_starts_again(
    server: ServerUnderTest, desk: MakeDesk, tmp_path: Path
) -> None:
    """A damaged partial file longer than the attachment: the server answers the resume 416
    (range past the end) and the client downloads the file again from byte 0."""
    a, b = desk(server, "alice"), desk(server, "bob")
    a.sync()
    b.sync()
    t = a.new_ticket("Cracked window")
    source, data = _file(tmp_path, 5000)
    att = a.work.attach_file(t, source).entity_id
    a.sync()
    b.sync()
    sha = hashlib.sha256(data).hexdigest()
    partial = b.replica.attachments_dir / f".partial-{sha}"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(os.urandom(6000))
    recording = Recording()
    engine = open_engine(b.replica, http=httpx.Client(base_url=b.url, transport=recording))
    assert engine.download_attachment(att, lambda _p: None).read_bytes() == data
    assert [r[2] for r in recording.requests if r[1] == f"/v1/blobs/{sha}"] == ["bytes=6000-", ""]
