"""Pushing the journal: pending mutations in ``seq`` order, in batches, until none is left.

Wire sequence numbers are the journal's ``seq`` minus ``seq_base`` (non-zero only after
this replica started a new client id, e.g. to sign in as another person), so they count
from 1 per client id without gaps, as the protocol requires.

Safety:

- the server applies a ``(client id, seq)`` at most once and answers a replay with the
  stored outcome, so re-sending after a lost answer or a killed process is harmless;
- outcomes are recorded in one transaction per answer (:mod:`sync.engine.outcomes`): a
  crash before it means the next round re-sends and learns the same outcomes;
- ``sequence_gap`` (an error, or a ``stopped`` after some outcomes): the server holds
  fewer of our mutations than we pushed (restored from a backup): re-send from there —
  decided rows included — and record the outcomes again. With nothing pending, an empty
  push asks for the server's ``last_seq`` to notice the same; either way ``rewound`` tells
  the round to re-bootstrap, because the server lost history;
- attachments are uploaded before the batch that references them; a ``blob_missing``
  stop uploads and retries once, an ``upgrade_server`` stop leaves the rest queued and
  says why (``blocked``), ``retry_later`` backs off;
- mutations journaled while a push runs are picked up: the loop re-reads the journal.

Threading: runs on the sync worker; checks ``cancel`` between batches and upload chunks.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from sync import protocol
from sync.engine.errors import ClientMismatchError, RetryLaterError, SequenceGapError
from sync.engine.outcomes import JournalRow, OutcomeCounts, record_outcomes
from sync.engine.progress import CancelToken, ProgressFn, SyncProgress
from sync.engine.replica_conn import set_setting, transaction
from sync.engine.sync_client import SyncClient

__all__ = ["PushResult", "push_journal"]

_MAX_GAP_RESENDS = 3


@dataclass
class PushResult:
    """``rewound``: the server had lost part of this replica's journal (restored from a backup)."""

    sent: int = 0
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    blocked: str | None = None
    rewound: bool = False
    gap_resends: int = 0


def _device_time(stored: str) -> str:
    return stored.replace(" ", "T") + "+00:00"


def _load(conn: sqlite3.Connection, from_seq: int | None, limit: int) -> list[JournalRow]:
    if from_seq is None:
        sql = (
            "SELECT seq, id, op, entity_type, entity_id, payload, device_time, actor_id, state FROM journal "
            "WHERE state = 'pending' ORDER BY seq LIMIT ?"
        )
        params: tuple[int, ...] = (limit,)
    else:
        sql = (
            "SELECT seq, id, op, entity_type, entity_id, payload, device_time, actor_id, state FROM journal "
            "WHERE seq >= ? ORDER BY seq LIMIT ?"
        )
        params = (from_seq, limit)
    return [
        JournalRow(int(s), i, op, et, eid, json.loads(p), str(dt), a, st)
        for s, i, op, et, eid, p, dt, a, st in conn.execute(sql, params)
    ]


def push_journal(
    conn: sqlite3.Connection,
    client: SyncClient,
    *,
    client_id: str,
    seq_base: int,
    batch_size: int,
    upload: Callable[[list[JournalRow], bool], None],
    progress: ProgressFn,
    cancel: CancelToken,
    now: Callable[[], str],
) -> PushResult:
    """Push until no pending mutation is left (or the server says stop). See the module docstring.

    ``upload(rows, force)`` makes sure the blobs those rows reference are on the server.
    """
    result = PushResult()
    total = _pending_count(conn)
    resend_from: int | None = None
    blob_retries: set[int] = set()
    while True:
        cancel.check()
        rows = [r for r in _load(conn, resend_from, batch_size) if r.seq > seq_base]
        if not rows:
            if result.sent == 0 and not result.rewound:
                resend_from = _probe(conn, client, client_id, seq_base, result)
                if resend_from is not None:
                    continue
            break
        progress(SyncProgress("push", result.sent, max(total, result.sent), f"Sending {len(rows)} changes"))
        upload(rows, False)
        try:
            response = client.push(_request(client_id, seq_base, rows))
        except SequenceGapError as gap:
            resend_from = _rewind(conn, gap.expected_seq + seq_base, seq_base, rows[0].seq, result)
            continue
        by_seq = {r.seq: r for r in rows}
        result.counts.add(record_outcomes(conn, by_seq, response, seq_base, now()))
        result.sent += len(response.outcomes)
        decided_to = max((o.seq + seq_base for o in response.outcomes), default=rows[0].seq - 1)
        if resend_from is not None:
            resend_from = decided_to + 1 if decided_to < _max_decided_seq(conn) else None
        stop = response.stopped
        if stop is not None:
            local_seq = stop.seq + seq_base
            if stop.kind == "sequence_gap":
                resend_from = _rewind(conn, response.last_seq + 1 + seq_base, seq_base, local_seq, result)
                continue
            if stop.kind == "blob_missing" and local_seq not in blob_retries and local_seq in by_seq:
                blob_retries.add(local_seq)
                upload([by_seq[local_seq]], True)
                continue
            if stop.kind == "retry_later":
                raise RetryLaterError(f"The server asked to retry later: {stop.message}")
            result.blocked = f"{stop.message} ({stop.kind}; change {stop.seq} and later stay queued)"
            break
        if not response.outcomes:
            break  # the server decided nothing and did not say why: try again next round
    with transaction(conn):
        set_setting(conn, "blocked", result.blocked)
    progress(SyncProgress("push", result.sent, max(total, result.sent), "Changes sent"))
    return result


def _request(client_id: str, seq_base: int, rows: list[JournalRow]) -> protocol.PushRequest:
    return protocol.PushRequest(
        client_id=client_id,
        mutations=[
            protocol.MutationIn(
                seq=r.seq - seq_base,
                id=r.id,
                op=r.op,
                entity_type=r.entity_type,
                entity_id=r.entity_id,
                payload=r.payload,
                device_time=_device_time(r.device_time),  # type: ignore[arg-type]
                actor_id=r.actor_id,
                payload_version=protocol.PAYLOAD_VERSIONS.get(r.op, 1),
            )
            for r in rows
        ],
    )


def _probe(conn: sqlite3.Connection, client: SyncClient, client_id: str, seq_base: int,
           result: PushResult) -> int | None:  # fmt: skip
    """Nothing pending: ask (an empty push) whether the server still holds all we pushed."""
    decided = _max_decided_seq(conn)
    if decided <= seq_base:
        return None
    held = client.push(protocol.PushRequest(client_id=client_id, mutations=[])).last_seq + seq_base
    if held >= decided:
        return None
    return _rewind(conn, held + 1, seq_base, decided + 1, result)


def _rewind(
    conn: sqlite3.Connection, expected: int, seq_base: int, first_sent: int, result: PushResult
) -> int:
    """The server holds our journal only up to ``expected - 1``: it lost history. Re-send from there."""
    result.rewound = True
    result.gap_resends += 1
    if result.gap_resends > _MAX_GAP_RESENDS or expected > first_sent or expected <= seq_base:
        raise ClientMismatchError(
            f"The server expects change {expected - seq_base} from this replica, which it cannot send. "
            "The replica's journal and the server disagree; your work is kept. Contact your admin."
        )
    return expected


def _pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM journal WHERE state = 'pending'").fetchone()[0])


def _max_decided_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM journal WHERE state != 'pending'").fetchone()
    return int(row[0] or 0)
