"""The server is restored from a backup: replicas notice, re-bootstrap, and lose nothing local."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from server.server_harness import ServerUnderTest, start_server
from sqlalchemy import text
from sync_engine.support_sync import Desk, seed_server, server_snapshot

from sync.engine.conflicts import ConflictInbox
from sync.server.core.server_identity import bump_epoch


def _backup(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _restore(srv: ServerUnderTest, db_path: Path, backup: Path, *, mark_restored: bool) -> ServerUnderTest:
    srv.thread.stop()
    srv.db.dispose()
    for extra in db_path.parent.glob(db_path.name + "-*"):
        extra.unlink()
    _backup(backup, db_path)
    again = start_server(f"sqlite:///{db_path}")
    again.queues = srv.queues
    again.__dict__["_sync_users"] = srv.__dict__.get("_sync_users", set())
    if mark_restored:  # what `outpost-server mark-restored` does after an admin restores a backup
        with again.db.engine.begin() as c:
            from sqlalchemy.orm import Session

            with Session(bind=c) as s:
                bump_epoch(s)
                s.flush()
    return again


@pytest.mark.parametrize("mark_restored", [True, False], ids=["epoch-bumped", "silent-restore"])
def test_restored_server_is_detected_and_every_replica_keeps_and_resends_its_work(
    tmp_path: Path, mark_restored: bool
) -> None:
    db_path = tmp_path / "server.db"
    srv = start_server(f"sqlite:///{db_path}")
    seed_server(srv)
    desks: list[Desk] = []
    try:
        a = Desk.create(tmp_path / "a", srv, "alice")
        b = Desk.create(tmp_path / "b", srv, "bob")
        desks += [a, b]
        a.sync()
        b.sync()
        t1 = a.new_ticket("Before the backup")
        a.sync()
        b.sync()
        _backup(db_path, tmp_path / "backup.db")

        t2 = a.new_ticket("After the backup")  # acknowledged by the server, then lost with it
        a.work.note(t2, "parts ordered")
        a.sync()
        tb = b.new_ticket("Bob after the backup")
        b.sync()
        a.sync()
        assert a.ticket(tb)["number"] == 3

        srv = _restore(srv, db_path, tmp_path / "backup.db", mark_restored=mark_restored)
        t3 = a.new_ticket("Made while the server was down")  # pending at the moment of the restore

        report = a.sync(url=srv.url)
        assert report.rebootstrapped
        assert a.pending() == 0
        b.sync(url=srv.url)
        a.sync(url=srv.url)
        b.sync(url=srv.url)

        with srv.db.engine.connect() as c:
            subjects = dict(c.execute(text("SELECT id, subject FROM tickets")).all())
            notes = c.execute(text("SELECT count(*) FROM comments WHERE body = 'parts ordered'")).scalar_one()
        assert set(subjects) == {t1, t2, tb, t3}  # every replica re-sent what the server lost
        assert notes == 1
        expected = server_snapshot(srv)
        assert a.snapshot() == expected and b.snapshot() == expected
        for d in desks:
            assert ConflictInbox(d.replica).open_conflicts() == []
            with d.replica.read() as s:
                assert s.execute(text("SELECT count(*) FROM sync_resync_seen")).scalar_one() == 0
                assert (
                    s.execute(text("SELECT value FROM replica_settings WHERE key = 'sync.resync'")).first()
                    is None
                )
    finally:
        for d in desks:
            d.close()
        srv.thread.stop()
        srv.db.dispose()
