"""Pushing the journal: pending mutations in ``seq`` order, in batches, until none is left.

Wire sequence numbers are the journal's ``seq`` minus ``seq_base`` (non-zero only after
this replica started a new client id, e.g. to sign in as another person), so they count
from 1 per client id without gaps, as the protocol requires.

Safety:

- the server applies a ``(client id, seq)`` at most once and answers a replay with the
  stored outcome, so re-sending after a lost answer or a killed process is harmless;
- outcomes are recorded in one transaction per answer (:mod:`sync.engine.outcomes`): a
  crash before it means the next round re-sends and learns the same outcomes;
- ``sequence_gap``: the server holds fewer of our mutations than we pushed (restored
  from a backup): re-send from ``expected_seq`` — decided rows included — and record the
  outcomes again;
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
    sent: int = 0
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    blocked: str | None = None


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
    gap_resends = 0
    blob_retries: set[int] = set()
    while True:
        cancel.check()
        rows = _load(conn, resend_from, batch_size)
        rows = [r for r in rows if r.seq > seq_base]
        if not rows:
            break
        progress(SyncProgress("push", result.sent, max(total, result.sent), f"Sending {len(rows)} changes"))
        upload(rows, False)
        request = protocol.PushRequest(
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
        try:
            response = client.push(request)
        except SequenceGapError as gap:
            gap_resends += 1
            expected = gap.expected_seq + seq_base
            if gap_resends > _MAX_GAP_RESENDS or expected > rows[0].seq or expected <= seq_base:
                raise ClientMismatchError(
                    f"The server expects change {gap.expected_seq} from this replica, which it cannot send. "
                    "The replica's journal and the server disagree; your work is kept. Contact your admin."
                ) from gap
            resend_from = expected
            continue
        by_seq = {r.seq: r for r in rows}
        counts = record_outcomes(conn, by_seq, response, seq_base, now())
        result.counts.add(counts)
        result.sent += len(response.outcomes)
        decided_to = max((o.seq + seq_base for o in response.outcomes), default=rows[0].seq - 1)
        if resend_from is not None:
            resend_from = decided_to + 1 if decided_to < _max_decided_seq(conn) else None
        if response.stopped is not None:
            stop = response.stopped
            local_seq = stop.seq + seq_base
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


def _pending_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM journal WHERE state = 'pending'").fetchone()[0])


def _max_decided_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM journal WHERE state != 'pending'").fetchone()
    return int(row[0] or 0)
