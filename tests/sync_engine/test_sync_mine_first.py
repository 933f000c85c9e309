"""A first sync shows the person's own open tickets first, then bootstraps as before."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server.server_harness import Device, ServerUnderTest
from sync_engine.support_sync import Desk, ensure_user

from sync import protocol
from sync.engine.errors import SyncCancelledError
from sync.engine.progress import CancelToken, SyncProgress

_TABLES = (
    "queues",
    "people",
    "queue_members",
    "tickets",
    "ticket_tags",
    "comments",
    "work_logs",
    "attachments",
    "ticket_links",
    "activity",
)


#: Derived locally by the SLA engine after a local write, not by sync.
_LOCAL_ONLY = {"due_at", "sla_state"}


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table, row by row (versions included), in a comparable order."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for t in _TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in _LOCAL_ONLY]
            out[t] = sorted(map(tuple, conn.execute(f"SELECT {', '.join(cols)} FROM {t}")), key=repr)
        return out
    finally:
        conn.close()


def _tickets(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {str(r[0]) for r in conn.execute("SELECT id FROM tickets")}
    finally:
        conn.close()


def _notes(path: Path, ticket_id: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT body FROM comments WHERE ticket_id = ?", (ticket_id,))
        return {str(r[0]) for r in rows}
    finally:
        conn.close()


def _seed(server: ServerUnderTest) -> tuple[Device, set[str], str, str]:
    """60 IT tickets, then alice's own three (IT) and one in Facilities assigned to her."""
    for name in ("root", "alice", "carol"):
        ensure_user(server, name)
    root, alice = server.device("root"), server.device("alice")
    it, facilities = server.queues["IT"], server.queues["Facilities"]
    others = [root.new_ticket(it, f"Printer {i}") for i in range(60)]
    root.push_ok(*others)
    root.push_ok(*(root.comment(t["entity_id"], "queued") for t in others))
    mine = [root.new_ticket(it, f"Alice's {i}", assignee_id=alice.user_id) for i in range(3)]
    away = root.new_ticket(facilities, "Alice's, in Facilities", assignee_id=alice.user_id)
    root.push_ok(*mine, away)
    root.push_ok(*(root.comment(t["entity_id"], "over to you") for t in (*mine, away)))
    root.push_ok(*(root.work_log(t["entity_id"]) for t in mine))
    alice.close()
    return root, {t["entity_id"] for t in (*mine, away)}, away["entity_id"], alice.user_id


def _plain_bootstrap(
    desk: Callable[..., Desk], server: ServerUnderTest, monkeypatch: pytest.MonkeyPatch
) -> Desk:
    """alice on another computer, against a server without the feature (an older server)."""
    with monkeypatch.context() as m:
        m.setattr(protocol, "SERVER_FEATURES", ())
        plain = desk(server, "alice", name="alice-plain")
        phases: list[str] = []
        report = plain.engine(pull_limit=20).run_round(lambda p: phases.append(p.phase))
    assert "mine" not in phases and report.first_tickets == 0
    return plain


def test_own_tickets_arrive_first_and_the_bootstrap_ends_the_same(
    server: ServerUnderTest, desk: Callable[..., Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    _root, mine, _away, _alice_id = _seed(server)
    a = desk(server, "alice")
    seen: list[tuple[SyncProgress, set[str], str | None]] = []

    def progress(p: SyncProgress) -> None:
        if p.phase in ("mine", "pull"):
            seen.append((p, _tickets(a.replica.path), a.replica.get_setting("sync.cursor")))

    report = a.engine(pull_limit=20).run_round(progress)
    first, *rest = seen
    assert first[0].phase == "mine" and first[0].changes is None and first[1] == set()
    after_mine, tickets, cursor = rest[0]
    assert after_mine.phase == "mine" and after_mine.changes is not None and after_mine.changes.everything
    assert tickets == mine and cursor is None  # only hers, and the stream has not started
    assert report.first_tickets == 4
    assert len([s for s in rest[1:] if s[0].phase == "pull"]) > 3  # then the stream, page by page
    plain = _plain_bootstrap(desk, server, monkeypatch)
    assert _dump(a.replica.path) == _dump(plain.replica.path)  # same rows, same versions, no extras
    for key in ("sync.watermark", "sync.first_tickets"):
        assert a.replica.get_setting(key) == plain.replica.get_setting(key)
    assert a.replica.get_setting("sync.first_tickets") is None


def test_a_bootstrap_cancelled_after_own_tickets_is_completed_by_the_next_round(
    server: ServerUnderTest, desk: Callable[..., Desk], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, mine, away, alice_id = _seed(server)
    a = desk(server, "alice")
    cancel = CancelToken()

    def progress(p: SyncProgress) -> None:
        if p.phase == "mine" and p.changes is not None:
            cancel.cancel()  # the person closed the app as soon as their tickets showed

    with pytest.raises(SyncCancelledError):
        a.engine(pull_limit=20).run_round(progress, cancel)
    assert _tickets(a.replica.path) == mine
    assert a.replica.get_setting("sync.cursor") is None
    assert a.replica.get_setting("sync.watermark") in (None, "0")
    # she notes on one of her tickets before the next round (pending work, rebased on top)
    noted = sorted(mine - {away})[0]
    a.work.note(noted, "on site at 10")
    # meanwhile the Facilities ticket is handed to carol: it leaves alice's scope
    carol = server.device("carol")
    [outcome] = root.push_ok(root.update(away, {"assignee_id": carol.user_id}, {"assignee_id": alice_id}))
    assert outcome["status"] == "applied", outcome
    carol.close()
    seen: list[set[str]] = []

    def watch(p: SyncProgress) -> None:
        if p.phase == "mine" and p.changes is not None:
            seen.append(_notes(a.replica.path, noted))

    # One stream page: the server reports moves only after a cursor, so it's the
    # engine that notices the Facilities ticket never came again.
    a.engine().run_round(watch)
    assert seen == [{"over to you", "on site at 10"}]  # the preview kept her pending note
    assert away not in _tickets(a.replica.path) and mine - {away} <= _tickets(a.replica.path)
    plain = _plain_bootstrap(desk, server, monkeypatch)
    assert _dump(a.replica.path) == _dump(plain.replica.path)
    assert a.replica.get_setting("sync.watermark") == plain.replica.get_setting("sync.watermark")
    assert a.replica.get_setting("sync.first_tickets") is None
    assert a.pending() == 0
