"""Revision 0004 on a database made by 0003: complete blobs stay, shared unfinished uploads and
claims go, and an old blob is served again once a visible ticket references it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from alembic import command
from server.server_harness import start_server
from sqlalchemy import inspect, text

from sync.server.db import migration
from sync.server.db.database import open_database


def _at_revision(url: str, revision: str, *, down: bool = False) -> None:
    db = open_database(url, pool_size=2)
    try:
        config = migration.alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
    finally:
        db.dispose()


def test_0004_keeps_complete_blobs_and_drops_unfinished_uploads_and_claims(db_url: str) -> None:
    old = b"\xff\xd8 an old photo of the jam, uploaded before 0004"
    old_sha = hashlib.sha256(old).hexdigest()
    half_sha = hashlib.sha256(b"never finished").hexdigest()
    uploader = str(uuid.uuid4())
    _at_revision(db_url, "0003")
    db = open_database(db_url, pool_size=2)
    with db.engine.begin() as c:
        blob = text(
            "INSERT INTO blobs (sha256, size, received, complete, uploaded_by_id, created_at) "
            "VALUES (:s, :n, :r, :c, :u, :t)"
        )
        c.execute(
            blob,
            {"s": old_sha, "n": len(old), "r": len(old), "c": True, "u": uploader, "t": datetime(2026, 1, 5)},
        )
        c.execute(
            blob, {"s": half_sha, "n": 14, "r": 5, "c": False, "u": uploader, "t": datetime(2026, 1, 5)}
        )
        chunk = text('INSERT INTO blob_chunks (sha256, "offset", data) VALUES (:s, :o, :d)')
        c.execute(chunk, {"s": old_sha, "o": 0, "d": old[:10]})
        c.execute(chunk, {"s": old_sha, "o": 10, "d": old[10:]})
        c.execute(chunk, {"s": half_sha, "o": 0, "d": b"never"})
        c.execute(
            text("INSERT INTO blob_claims (sha256, user_id, verified, complete) VALUES (:s, :u, :n, :c)"),
            {"s": old_sha, "u": uploader, "n": len(old), "c": True},
        )
    migration.upgrade(db)
    with db.engine.connect() as c:
        assert [tuple(r) for r in c.execute(text("SELECT sha256, size FROM blobs"))] == [(old_sha, len(old))]
        chunks = c.execute(text("SELECT sha256, count(*) FROM blob_chunks GROUP BY sha256")).all()
        assert [tuple(r) for r in chunks] == [(old_sha, 2)]
        tables = set(inspect(c).get_table_names())
        assert "blob_claims" not in tables and {"blob_uploads", "blob_upload_chunks"} <= tables
        assert {col["name"] for col in inspect(c).get_columns("blobs")} == {
            "sha256",
            "size",
            "uploaded_by_id",
            "created_at",
        }
    db.dispose()
    # Down and up again: the downgrade restores the old shape (the uploader's claim included).
    _at_revision(db_url, "0003", down=True)
    db = open_database(db_url, pool_size=2)
    with db.engine.connect() as c:
        claims = c.execute(text("SELECT sha256, user_id FROM blob_claims")).all()
        assert [tuple(r) for r in claims] == [(old_sha, uploader)]
    db.dispose()

    server = start_server(db_url)  # migrates to the head again
    try:
        server.add_queue("IT")
        server.add_user("ana", queues=("IT",))
        ana = server.device("ana")
        assert ana.http.get(f"/v1/blobs/{old_sha}").status_code == 404  # no ticket references it
        status = ana.http.get(f"/v1/blobs/{old_sha}/upload").json()
        assert (status["received"], status["complete"]) == (0, False)
        put = ana.http.put(f"/v1/blobs/{old_sha}/upload", params={"offset": 0, "size": len(old)}, content=old)
        assert put.json()["complete"] is True
        ticket = ana.new_ticket(server.queues["IT"])
        attachment = {
            "id": str(uuid.uuid4()),
            "ticket_id": ticket["entity_id"],
            "sha256": old_sha,
            "filename": "jam.jpg",
            "size": len(old),
            "added_at": ana.clock.isoformat(),
        }
        attach = ana.mutation("ticket.attach", "ticket", ticket["entity_id"], {"attachment": attachment})
        assert [o["status"] for o in ana.push_ok(ticket, attach)] == ["applied", "applied"]
        assert ana.http.get(f"/v1/blobs/{old_sha}").content == old
        with server.db.engine.connect() as c:
            # deduplicated: still the two chunks stored before the migration, no staged bytes left
            assert c.execute(text("SELECT count(*) FROM blob_chunks")).scalar_one() == 2
            assert c.execute(text("SELECT count(*) FROM blob_upload_chunks")).scalar_one() == 0
    finally:
        server.thread.stop()
        server.db.dispose()
