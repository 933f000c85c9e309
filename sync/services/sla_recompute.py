"""Recomputing every ticket's stored SLA columns: batched, resumable and cancellable.

After the SLA configuration changes (a calendar's hours, a holiday, a policy target), every
ticket's ``due_at`` and ``sla_state`` must be recomputed. Contract:

* **Threading**: call :meth:`SlaRecompute.run` on the database worker thread, never the UI
  thread. Each batch is its own short write transaction (about 0.4 s for 5,000 tickets on a
  shared 2-core machine: 8.5 s for 100k in bench/bench_sla_replica.py), so
  user actions queued on the same thread, or writes from other connections, get in between.
* **Progress and cancel**: ``progress`` is called after every batch with a
  :class:`RecomputeProgress`; ``cancelled`` is polled between batches, and when it returns
  True the run stops after the batch in hand with ``finished=False``.
* **Resumable**: the scan goes in the tickets table's rowid order (its storage order, so a
  batch reads one range of the table and writes neighbouring pages) and the cursor (the
  last rowid done, with that ticket's id) is saved in the replica setting
  :data:`~sync.services.config_documents.SLA_RECOMPUTE_KEY` in each batch's transaction, so
  a cancelled or crashed run resumes where it stopped. Should the cursor's row no longer
  hold that ticket (rowids renumbered by a ``VACUUM``, the ticket deleted) the scan starts
  over rather than risk skipping tickets; tickets written during a scan get their columns
  from the write itself. A configuration change (written there by
  :mod:`sync.services.config_documents`) restarts the scan; the setting is removed when a
  scan finishes, so :meth:`SlaRecompute.pending` says whether the stored columns may be stale.
* **Same results as one ticket at a time**: each ticket's columns are exactly
  ``stored_columns(compute_ticket_sla(facts, config, now))`` (the per-ticket path of a
  write); the scan gets there from raw rows with :func:`sync.sla.ticket_facts.fact_parts`
  and :func:`sync.sla.clock.stored_sla_epoch`, without building status objects.
* Rows whose stored values are unchanged are not written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from sync.replica.replica import Replica
from sync.services.config_documents import SLA_RECOMPUTE_KEY, canonical_json, revision
from sync.services.sla_facts import compute_ticket_sla, load_facts, load_scan_rows
from sync.services.sla_service import sla_config_from_text, stored_columns
from sync.sla import SlaConfig, SlaPolicy, SlaSubject
from sync.sla.clock import stored_sla_epoch
from sync.sla.local_time import epoch_seconds
from sync.sla.ticket_facts import fact_parts

__all__ = [
    "DEFAULT_BATCH",
    "PageResult",
    "RecomputeProgress",
    "SlaRecompute",
    "recompute_page",
    "recompute_tickets",
    "stored_time_text",
]

DEFAULT_BATCH = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class RecomputeProgress:
    """``done`` tickets of ``total`` processed in this scan (across resumed runs), of which
    ``changed`` got new stored values; ``finished`` once the scan reached the end."""

    done: int
    total: int
    changed: int
    finished: bool


def stored_time_text(value: datetime | None) -> str | None:
    """A datetime as the replica's timestamp columns store it (naive UTC text)."""
    if value is None:
        return None
    # The same text as strftime("%Y-%m-%d %H:%M:%S.%f") for years 1000-9999, in a third
    # less time (it runs once per ticket in a bulk recompute).
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(frozen=True)
class PageResult:
    """One batch of the scan: the last ticket's rowid and id (the cursor), tickets seen and
    rows whose stored values changed."""

    last_rowid: int
    last_id: str
    seen: int
    changed: int


def recompute_page(
    conn: Connection, config: SlaConfig, now: datetime, after_rowid: int | None, limit: int
) -> PageResult | None:
    """Recompute up to ``limit`` tickets after rowid ``after_rowid`` (None: from the first) inside
    the caller's write transaction, writing only rows whose stored values change; None when
    there were no more tickets."""
    tickets, changes = load_scan_rows(conn, after_rowid, limit)
    if not tickets:
        return None
    at = epoch_seconds(now)
    calendars = config.calendars
    policies: dict[SlaSubject, SlaPolicy] = {}
    updates = []
    for row, created, priority, initial, statuses, priorities, reply, subject in fact_parts(
        tickets, changes, _epoch_of_text
    ):
        policy = policies.get(subject)
        if policy is None:
            policy = policies[subject] = config.select_policy(subject)
        due, state = stored_sla_epoch(
            created, priority, statuses, reply, policy, calendars, at, priorities, initial
        )
        due_text = None if due is None else _stored_epoch_text(due)
        state_text = state.value
        if due_text != row[9] or state_text != row[10]:
            updates.append((due_text, state_text, row[12]))
    if updates:
        conn.exec_driver_sql("UPDATE tickets SET due_at = ?, sla_state = ? WHERE rowid = ?", updates)
    last = tickets[-1]
    return PageResult(int(last[12]), str(last[0]), len(tickets), len(updates))


def _stored_epoch_text(seconds: int) -> str:
    """``stored_time_text(from_epoch_seconds(seconds))`` without the time zone round trip."""
    return (_EPOCH_NAIVE + timedelta(seconds=seconds)).isoformat(" ", "microseconds")


def _epoch_of_text(text: str) -> int:
    """POSIX seconds of a timestamp as the scan reads it (ISO text with its offset, so the
    datetime is aware): ``epoch_seconds`` of the parsed datetime, without its check for naive
    values."""
    return (datetime.fromisoformat(text) - _EPOCH) // _SECOND


def recompute_tickets(conn: sqlite3.Connection, ticket_ids: Sequence[str], now: datetime) -> int:
    """Refresh the stored SLA columns of some tickets in the caller's transaction on a plain
    sqlite3 connection (for the sync engine, after a pull changed those tickets: pulled
    status changes carry their device times in the activity log). Returns rows changed."""
    row = conn.execute("SELECT value FROM replica_settings WHERE key = 'config.sla'").fetchone()
    config = sla_config_from_text(None if row is None else str(row[0]))
    changed = 0
    for start in range(0, len(ticket_ids), 500):
        updates = []
        for facts in load_facts(conn, ticket_ids[start : start + 500]).values():
            due, state = stored_columns(compute_ticket_sla(facts, config, now))
            due_text = stored_time_text(due)
            if due_text != facts.stored_due_at or state != facts.stored_state:
                updates.append((due_text, state, facts.ticket_id))
        conn.executemany("UPDATE tickets SET due_at = ?, sla_state = ? WHERE id = ?", updates)
        changed += len(updates)
    return changed


class SlaRecompute:
    def __init__(self, replica: Replica, *, batch_size: int = DEFAULT_BATCH) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.replica = replica
        self.batch_size = batch_size
        self._parsed: tuple[str | None, SlaConfig, str] | None = None

    def pending(self) -> bool:
        """Whether a configuration change (or an unfinished scan) left stored columns stale."""
        return self.replica.get_setting(SLA_RECOMPUTE_KEY) is not None

    def run(
        self,
        now: datetime | None = None,
        *,
        progress: Callable[[RecomputeProgress], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RecomputeProgress:
        """Recompute all tickets at ``now`` (default: the replica's clock), resuming a scan
        of the same configuration revision if one was interrupted."""
        now = now or self.replica.clock()
        with self.replica.bulk_write() as conn:
            total = int(conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one())
            config, rev = self._config(conn)
            state: dict[str, Any] = _state(conn)
            if state.get("revision") != rev:
                state = _fresh(rev)
        result = RecomputeProgress(int(state["done"]), total, int(state["changed"]), False)
        while True:
            if cancelled is not None and cancelled():
                return result
            with self.replica.bulk_write() as conn:
                config, rev = self._config(conn)
                if rev != state["revision"]:  # changed under us: start over with the new one
                    state = _fresh(rev)
                after, moved = _resume_after(conn, state)
                if moved:  # the cursor's row moved: start over (see the docstring)
                    state, after = _fresh(rev), None
                page = recompute_page(conn, config, now, after, self.batch_size)
                if page is None:
                    conn.exec_driver_sql("DELETE FROM replica_settings WHERE key = ?", (SLA_RECOMPUTE_KEY,))
                    result = RecomputeProgress(int(state["done"]), total, int(state["changed"]), True)
                else:
                    state = {
                        "revision": rev,
                        "cursor": page.last_rowid,
                        "cursor_id": page.last_id,
                        "done": int(state["done"]) + page.seen,
                        "changed": int(state["changed"]) + page.changed,
                    }
                    conn.exec_driver_sql(
                        "INSERT OR REPLACE INTO replica_settings (key, value) VALUES (?, ?)",
                        (SLA_RECOMPUTE_KEY, canonical_json(state)),
                    )
                    result = RecomputeProgress(int(state["done"]), total, int(state["changed"]), False)
            if progress is not None:
                progress(result)
            if result.finished:
                return result

    def _config(self, conn: Connection) -> tuple[SlaConfig, str]:
        """The stored configuration and its revision; parsed once per distinct text, so the
        calendars keep the timelines they built over the batches of a scan."""
        text = conn.exec_driver_sql("SELECT value FROM replica_settings WHERE key = 'config.sla'").scalar()
        stored = None if text is None else str(text)
        if self._parsed is None or self._parsed[0] != stored:
            self._parsed = (stored, sla_config_from_text(stored), revision(stored))
        return self._parsed[1], self._parsed[2]


def _fresh(rev: str) -> dict[str, Any]:
    return {"revision": rev, "cursor": None, "done": 0, "changed": 0}


def _resume_after(conn: Connection, state: dict[str, Any]) -> tuple[int | None, bool]:
    """(the rowid to continue after, None for a scan not started; whether the cursor's row
    no longer holds the ticket it held). A cursor of another form, as a configuration
    change or an older Outpost writes it, starts from the first ticket."""
    cursor = state.get("cursor")
    if not isinstance(cursor, int) or isinstance(cursor, bool):
        return None, bool(cursor)  # an id cursor of an older Outpost's scan: start over
    found = conn.exec_driver_sql("SELECT id FROM tickets WHERE rowid = ?", (cursor,)).scalar()
    return cursor, found is None or found != state.get("cursor_id")


def _state(conn: Connection) -> dict[str, Any]:
    text = conn.exec_driver_sql(
        "SELECT value FROM replica_settings WHERE key = ?", (SLA_RECOMPUTE_KEY,)
    ).scalar()
    if text is None:
        return {}
    data = json.loads(str(text))
    return data if isinstance(data, dict) else {}
