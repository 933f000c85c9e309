"""Several replicas edit the same tickets and articles offline, then sync in random orders.

A hypothesis state machine drives three real replicas (an agent, a knowledge manager and an
admin) against one real server: field edits (the same field and different fields), status
and assignment races, tags, replies, notes, work logs, merges and article edits, with syncs
interleaved anywhere. At the end everyone syncs (twice, in a random order) and:

- every replica holds exactly the server's state of the example's tickets and articles;
- nothing is left queued, and every mutation was decided exactly once;
- every acknowledged edit is present: appended records (replies, notes, work logs) are on
  the server, and every field value the server accepted is in its activity log (a later
  edit may have replaced it — last arrival wins — but never silently);
- every conflict is surfaced as documented: each ``conflict``/``rejected`` outcome has a
  conflict entry, and field resolutions follow the rules (assignee and status may be
  ``kept_server``; tags ``merged``; other scalars ``overwrote``; article text
  ``conflicting_revision``/``overwrote``).

It runs against a SQLite-backed and a PostgreSQL-backed server. CI runs a small slice;
``OUTPOST_SYNC_EXAMPLES=200 OUTPOST_SYNC_STEPS=40`` for a long run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from server.server_harness import ServerUnderTest
from sqlalchemy import text
from sync_engine.support_sync import Desk, server_snapshot

from sync.errors import OutpostError

EXAMPLES = int(os.environ.get("OUTPOST_SYNC_EXAMPLES", "6"))
STEPS = int(os.environ.get("OUTPOST_SYNC_STEPS", "14"))
USERS = ("alice", "kim", "root")
SCALARS = ("subject", "location", "asset", "category")
STATUSES = ("open", "in_progress", "pending", "resolved", "closed")
ALLOWED_RESOLUTIONS = {
    "assignee_id": {"kept_server"},
    "status": {"kept_server", "overwrote"},
    "tags": {"merged"},
    "title": {"conflicting_revision", "overwrote"},
    "body": {"conflicting_revision", "overwrote"},
}


def _journal(d: Desk) -> list[dict[str, Any]]:
    with d.replica.read() as s:
        rows = s.execute(
            text("SELECT seq, id, op, entity_id, payload, state, result FROM journal ORDER BY seq")
        )
        return [
            dict(zip(("seq", "id", "op", "entity_id", "payload", "state", "result"), r, strict=True))
            for r in rows
        ]


def test_replicas_converge_to_the_server_under_random_offline_edits(
    server: ServerUnderTest, tmp_path: Path
) -> None:
    _run_offices(server, tmp_path, EXAMPLES)


def test_replicas_converge_on_postgres(pg_server: ServerUnderTest, tmp_path: Path) -> None:
    _run_offices(pg_server, tmp_path, max(3, EXAMPLES // 3))


def _run_offices(server: ServerUnderTest, tmp_path: Path, examples: int) -> None:
    counter = iter(range(1_000_000))

    class Offices(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            n = next(counter)
            self.desks = {u: Desk.create(tmp_path / f"ex{n}-{u}", server, u) for u in USERS}
            self.tickets: list[str] = []
            self.articles: list[str] = []
            self.requested: dict[str, dict[str, Any]] = {}  # mutation id -> fields asked for directly

        @initialize()
        def shared_work(self) -> None:
            a, k = self.desks["alice"], self.desks["kim"]
            for d in self.desks.values():
                d.sync()
            self.tickets = [a.new_ticket(f"Ticket {i}", tags=("t",)) for i in range(3)]
            a.sync()
            art = k.articles.create("Reset a badge", "Step 1.", category="Access").entity_id
            k.articles.publish(art)
            k.sync()
            self.articles = [art]
            for d in self.desks.values():
                d.sync()

        def _last_mutation(self, d: Desk) -> str:
            with d.replica.read() as s:
                return str(s.execute(text("SELECT id FROM journal ORDER BY seq DESC LIMIT 1")).scalar_one())

        def _write(
            self, d: Desk, fn: Any, *args: Any, fields: dict[str, Any] | None = None, **kw: Any
        ) -> None:
            before = d.pending()
            try:
                fn(*args, **kw)
            except OutpostError:
                return  # refused locally (workflow, permissions): nothing was queued
            if fields is not None and d.pending() > before:
                self.requested[self._last_mutation(d)] = fields

        @rule(
            user=st.sampled_from(USERS),
            i=st.integers(0, 2),
            name=st.sampled_from(SCALARS),
            v=st.integers(0, 3),
        )
        def edit_field(self, user: str, i: int, name: str, v: int) -> None:
            d = self.desks[user]
            value = f"{name} {v} by {user}"
            self._write(d, d.tickets.update_ticket, self.tickets[i], {name: value}, fields={name: value})

        @rule(user=st.sampled_from(USERS), i=st.integers(0, 2), status=st.sampled_from(STATUSES))
        def set_status(self, user: str, i: int, status: str) -> None:
            d = self.desks[user]
            resolution = "fixed it" if status in ("resolved", "closed") else None
            self._write(d, d.tickets.change_status, self.tickets[i], status, resolution=resolution,
                        fields={"status": status})  # fmt: skip

        @rule(user=st.sampled_from(USERS), i=st.integers(0, 2), to=st.sampled_from((*USERS, None)))
        def assign(self, user: str, i: int, to: str | None) -> None:
            d = self.desks[user]
            who = d.person(to) if to else None
            self._write(d, d.tickets.assign, self.tickets[i], who, fields={"assignee_id": who})

        @rule(user=st.sampled_from(USERS), i=st.integers(0, 2), tag=st.sampled_from(("t", "urgent", "hw")))
        def toggle_tag(self, user: str, i: int, tag: str) -> None:
            d = self.desks[user]
            with d.replica.read() as s:
                tags = set(
                    s.execute(
                        text("SELECT tag FROM ticket_tags WHERE ticket_id = :t"), {"t": self.tickets[i]}
                    )
                    .scalars()
                    .all()
                )
            self._write(d, d.tickets.update_ticket, self.tickets[i], {"tags": sorted(tags ^ {tag})})

        @rule(
            user=st.sampled_from(USERS), i=st.integers(0, 2), kind=st.sampled_from(("reply", "note", "work"))
        )
        def append(self, user: str, i: int, kind: str) -> None:
            d = self.desks[user]
            if kind == "work":
                self._write(d, d.work.log_work, self.tickets[i], 10)
            else:
                self._write(d, d.work.add_comment, self.tickets[i], kind, f"{kind} from {user}")

        @rule(user=st.sampled_from(USERS), src=st.integers(0, 2), dst=st.integers(0, 2))
        def merge(self, user: str, src: int, dst: int) -> None:
            if src != dst:
                d = self.desks[user]
                self._write(d, d.tickets.merge, self.tickets[src], self.tickets[dst])

        @rule(user=st.sampled_from(("kim", "root")), name=st.sampled_from(("title", "body", "category")),
              v=st.integers(0, 2))  # fmt: skip
        def edit_article(self, user: str, name: str, v: int) -> None:
            d = self.desks[user]
            value = f"{name} {v} by {user}"
            self._write(d, d.articles.edit, self.articles[0], {name: value}, fields={name: value})

        @rule(user=st.sampled_from(USERS))
        def sync(self, user: str) -> None:
            self.desks[user].sync()

        @invariant()
        def journals_are_contiguous(self) -> None:
            for d in self.desks.values():
                seqs = [m["seq"] for m in _journal(d)]
                assert seqs == list(range(1, len(seqs) + 1))

        def teardown(self) -> None:
            try:
                self._settle_and_check()
            finally:
                for d in self.desks.values():
                    d.close()

        def _settle_and_check(self) -> None:
            order = list(self.desks.values())
            for _ in range(2):
                for d in order:
                    d.sync()
                order.reverse()
            tickets, articles = set(self.tickets), set(self.articles)
            expected = server_snapshot(server, tickets, articles)
            for d in self.desks.values():
                assert d.pending() == 0
                assert d.snapshot(tickets, articles) == expected, d.username
            with server.db.engine.connect() as c:
                activity = {(r[0], r[1], r[2]) for r in c.execute(
                    text("SELECT entity_id, field, new_value FROM activity"))}  # fmt: skip
                decided = dict(
                    c.execute(
                        text("SELECT client_id, count(*) FROM applied_mutations GROUP BY client_id")
                    ).all()
                )
            for d in self.desks.values():
                journal = _journal(d)
                assert decided.get(d.replica.client_id, 0) == len(journal)
                with d.replica.read() as s:
                    entries = dict(s.execute(text("SELECT mutation_id, kind FROM sync_conflicts")).all())
                for m in journal:
                    outcome = json.loads(m["result"])
                    payload = json.loads(m["payload"])
                    assert m["state"] == outcome["status"]
                    if m["state"] in ("conflict", "rejected"):
                        assert entries.get(m["id"]) == m["state"]  # surfaced for a person
                    for c in outcome["conflicts"]:
                        assert c["resolution"] in ALLOWED_RESOLUTIONS.get(c["field"], {"overwrote"}), c
                    if m["state"] == "rejected":
                        continue
                    if m["op"] == "ticket.comment":
                        assert expected["comments"].get(payload["comment"]["id"]) is not None
                    if m["op"] == "ticket.work_log":
                        assert payload["entry"]["id"] in expected["work_logs"]
                    lost = {c["field"] for c in outcome["conflicts"]
                            if c["resolution"] in ("kept_server", "conflicting_revision")}  # fmt: skip
                    for name, value in self.requested.get(m["id"], {}).items():
                        if name in lost or name in ("body", "title") or value is None:
                            continue
                        assert (m["entity_id"], name, str(value)) in activity, (m, name, value)

    Offices.TestCase.settings = settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run_state_machine_as_test(Offices, settings=Offices.TestCase.settings)
