"""Deciding pushed mutations: at most once per ``(client_id, seq)``, in batched transactions.

Mutations are decided in ``seq`` order, up to :data:`BATCH` per transaction:

1. lock the client's row (``sync_clients``) — this serializes concurrent pushes from one
   device (a retry racing the original) — and compare each ``seq`` with its ``last_seq``;
2. a replay (``seq <= last_seq``) returns the stored outcome and writes nothing; a gap
   (``seq > last_seq + 1``) ends the push; otherwise
3. validate the device time and the payload (:mod:`sync.protocol.payloads`) and run the
   op's applier inside its own savepoint. Invalid input — a malformed payload, a time out of
   range, a core error, a value the database refuses — rolls that savepoint back and the
   mutation is *rejected* (permanently — later ones still run). :class:`Deferred` rolls
   that savepoint back and ends the push there, undecided; what came before it commits;
4. stamp the batch with one commit version (and ticket numbers), store every outcome,
   advance ``last_seq``, commit. The effects and the stored outcomes commit together or
   not at all.

One transaction per batch rather than per mutation is what makes a 500-mutation push cheap:
one lock of the client row, one version stamp and one commit per batch. Ops whose appliers
read ticket numbers (merge, link) start a new batch, because numbers are handed out when a
batch is stamped. A deadlock with another writer (two batches locking the same tickets in
opposite orders, which one-mutation transactions could not do) is retried one mutation per
transaction.

A database failure (connection lost, disk full) leaves the batch undecided and surfaces as
503: the client retries and, thanks to step 1, never applies anything twice.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydantic
from sqlalchemy import select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from sync import protocol
from sync.errors import OutpostError
from sync.protocol.ops import Op
from sync.protocol.payloads import PAYLOAD_MODELS, check_time, describe_errors
from sync.server.core.access import Caller
from sync.server.core.versioning import Touched, stamp
from sync.server.db.change_board import ORIGIN_INFO
from sync.server.db.database import Database
from sync.server.db.models import Ticket
from sync.server.db.state_models import AppliedMutation, SyncClient
from sync.server.errors import Conflict
from sync.server.push.apply_context import ApplyContext, Deferred
from sync.server.push.article_ops import apply_article_create, apply_article_set_state, apply_article_update
from sync.server.push.asset_ops import (
    apply_asset_create,
    apply_asset_update,
    apply_location_create,
    apply_location_delete,
    apply_location_update,
    apply_ticket_link_asset,
    apply_ticket_set_location,
)
from sync.server.push.directory_ops import apply_person_create, apply_queue_create
from sync.server.push.sla_document import apply_config_sla
from sync.server.push.ticket_link_ops import apply_ticket_link, apply_ticket_merge
from sync.server.push.ticket_ops import apply_ticket_create, apply_ticket_update
from sync.server.push.work_ops import (
    apply_ticket_attach,
    apply_ticket_comment,
    apply_ticket_notify,
    apply_ticket_work_log,
)

__all__ = ["APPLIERS", "BATCH", "push"]

log = logging.getLogger(__name__)

APPLIERS: dict[Op, Callable[[ApplyContext, Any], None]] = {
    Op.TICKET_CREATE: apply_ticket_create,
    Op.TICKET_UPDATE: apply_ticket_update,
    Op.TICKET_COMMENT: apply_ticket_comment,
    Op.TICKET_WORK_LOG: apply_ticket_work_log,
    Op.TICKET_ATTACH: apply_ticket_attach,
    Op.TICKET_MERGE: apply_ticket_merge,
    Op.TICKET_LINK: apply_ticket_link,
    Op.TICKET_NOTIFY: apply_ticket_notify,
    Op.ARTICLE_CREATE: apply_article_create,
    Op.ARTICLE_UPDATE: apply_article_update,
    Op.ARTICLE_SET_STATE: apply_article_set_state,
    Op.QUEUE_CREATE: apply_queue_create,
    Op.PERSON_CREATE: apply_person_create,
    Op.LOCATION_CREATE: apply_location_create,
    Op.LOCATION_UPDATE: apply_location_update,
    Op.LOCATION_DELETE: apply_location_delete,
    Op.ASSET_CREATE: apply_asset_create,
    Op.ASSET_UPDATE: apply_asset_update,
    Op.TICKET_LINK_ASSET: apply_ticket_link_asset,
    Op.TICKET_SET_LOCATION: apply_ticket_set_location,
    Op.CONFIG_SLA: apply_config_sla,
}

#: Mutations decided in one transaction. ``OUTPOST_PUSH_BATCH`` overrides it for the
#: benchmark's same-run baseline (1 = the former one transaction per mutation).
BATCH = max(1, int(os.environ.get("OUTPOST_PUSH_BATCH", "100")))

#: Ops whose appliers read ticket numbers, which are handed out when a batch is stamped:
#: each starts a new batch, so every ticket it names already has its number.
_READS_NUMBERS = frozenset({Op.TICKET_MERGE.value, Op.TICKET_LINK.value})

_DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a detected deadlock

_Applied = tuple[protocol.MutationIn, protocol.MutationOutcome, ApplyContext | None]


@dataclass(frozen=True)
class _Gap:
    expected: int


@dataclass
class _Batch:
    """What one transaction decided: outcomes in order, and why it ended early (if it did)."""

    outcomes: list[protocol.MutationOutcome]
    stop: protocol.PushStopped | _Gap | Conflict | None = None


def push(db: Database, caller: Caller, request: protocol.PushRequest) -> protocol.PushResponse:
    if request.client_id != caller.client_id:
        raise Conflict(
            "This sign-in was made for another device; push with the client id you signed in with.",
            kind="client_mismatch",
        )
    outcomes: list[protocol.MutationOutcome] = []
    stopped: protocol.PushStopped | None = None
    for chunk in _batches(request.mutations):
        batch = _decide_batch_retrying(db, caller, request.client_id, chunk)
        outcomes.extend(batch.outcomes)
        stop = batch.stop
        if stop is None:
            continue
        if isinstance(stop, Conflict):
            raise stop
        if isinstance(stop, _Gap):
            seq = chunk[len(batch.outcomes)].seq
            message = f"Mutation {seq} came before {stop.expected}; send from {stop.expected}."
            if not outcomes:
                raise Conflict(message, kind="sequence_gap", detail={"expected_seq": stop.expected})
            stopped = protocol.PushStopped(seq=seq, kind="sequence_gap", message=message)
        else:
            stopped = stop
        break
    with db.snapshot_session() as s:
        # Only the caller's own device: a token bound to another user's client_id (issued
        # before sign-in refused that) must not read that device's position.
        last_seq = s.execute(
            select(SyncClient.last_seq).where(
                SyncClient.client_id == request.client_id, SyncClient.person_id == caller.user_id
            )
        ).scalar()
    if last_seq is None:
        raise Conflict(
            "This device's journal belongs to another user (or was never signed in); "
            "sign in again from this device.",
            kind="client_mismatch",
        )
    return protocol.PushResponse(outcomes=outcomes, last_seq=int(last_seq), stopped=stopped)


def _batches(mutations: Sequence[protocol.MutationIn]) -> Iterator[list[protocol.MutationIn]]:
    chunk: list[protocol.MutationIn] = []
    for m in mutations:
        if chunk and (len(chunk) >= BATCH or m.op in _READS_NUMBERS):
            yield chunk
            chunk = []
        chunk.append(m)
    if chunk:
        yield chunk


def _decide_batch_retrying(
    db: Database, caller: Caller, client_id: str, chunk: list[protocol.MutationIn]
) -> _Batch:
    try:
        return _decide_batch(db, caller, client_id, chunk)
    except DBAPIError as exc:
        if len(chunk) == 1 or getattr(exc.orig, "sqlstate", None) != _DEADLOCK:
            raise
    log.info("push: a batch of %d deadlocked with another writer; deciding it one by one", len(chunk))
    decided: list[protocol.MutationOutcome] = []
    for m in chunk:
        one = _decide_batch(db, caller, client_id, [m])
        decided.extend(one.outcomes)
        if one.stop is not None:
            return _Batch(decided, one.stop)
    return _Batch(decided)


def _decide_batch(db: Database, caller: Caller, client_id: str, chunk: list[protocol.MutationIn]) -> _Batch:
    batch = _Batch([])
    applied: list[_Applied] = []
    with db.write_session() as s:
        s.info[ORIGIN_INFO] = client_id  # the change feed does not wake this device for it
        client = s.execute(
            select(SyncClient).where(SyncClient.client_id == client_id).with_for_update()
        ).scalar()
        if client is None or client.person_id != caller.user_id:
            raise Conflict(
                "This device's journal belongs to another user (or was never signed in); "
                "sign in again from this device.",
                kind="client_mismatch",
            )
        last_seq = client.last_seq
        for m in chunk:
            if m.seq <= last_seq:
                stored = s.get(AppliedMutation, (client_id, m.seq))
                if stored is None or stored.mutation_id != m.id:
                    batch.stop = Conflict(
                        f"Sequence {m.seq} was already used by a different mutation: this device's "
                        "journal was reset. Re-connect the replica.",
                        kind="client_mismatch",
                    )
                    break
                batch.outcomes.append(protocol.MutationOutcome.model_validate(stored.outcome))
                continue
            if m.seq > last_seq + 1:
                batch.stop = _Gap(last_seq + 1)
                break
            model = PAYLOAD_MODELS.get(m.op)  # type: ignore[call-overload]
            if model is not None and m.payload_version > protocol.PAYLOAD_VERSIONS[m.op]:
                batch.stop = protocol.PushStopped(
                    seq=m.seq,
                    kind="upgrade_server",
                    message=f"This server understands {m.op} payloads up to version "
                    f"{protocol.PAYLOAD_VERSIONS[m.op]}; upgrade the server.",
                )
                break
            ctx = ApplyContext(s, caller, client_id, m.device_time)
            try:
                outcome = _apply(ctx, m, model)
            except Deferred as exc:  # its savepoint is rolled back; what came before commits
                batch.stop = protocol.PushStopped(seq=m.seq, kind=exc.kind, message=exc.message)
                break
            applied.append((m, outcome, None if outcome.status == "rejected" else ctx))
            batch.outcomes.append(outcome)
            last_seq = m.seq
        _stamp_batch(s, applied)
        for m, outcome, _ctx in applied:
            s.add(
                AppliedMutation(
                    client_id=client_id,
                    seq=m.seq,
                    mutation_id=m.id,
                    op=m.op[:40],
                    status=outcome.status,
                    outcome=outcome.model_dump(mode="json"),
                    decided_at=datetime.now(UTC),
                )
            )
        client.last_seq = last_seq
    return batch


def _stamp_batch(s: Session, applied: list[_Applied]) -> None:
    """One version for every record the batch touched; each outcome names its own records."""
    touched = Touched()
    for _m, _outcome, ctx in applied:
        if ctx is None:
            continue
        touched.records.update(ctx.touched.records)
        touched.deleted |= ctx.touched.deleted
        for ticket_id, before in ctx.touched.moved.items():
            touched.moved.setdefault(ticket_id, before)
        touched.numbering.extend(ctx.touched.numbering)
    if not touched:
        return
    stamped = stamp(s, touched)
    for ticket_id, n in stamped.numbers.items():
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.number = n
    for _m, outcome, ctx in applied:
        if ctx is None or not ctx.touched:
            continue
        outcome.versions = [
            protocol.RecordVersion(entity_type=et, id=eid, version=stamped.version)
            for (et, eid) in ctx.touched.records
        ]
        numbers = [stamped.numbers[t] for t in ctx.touched.numbering if t in stamped.numbers]
        if numbers:
            outcome.ticket_number = numbers[-1]


def _apply(
    ctx: ApplyContext, m: protocol.MutationIn, model: type[pydantic.BaseModel] | None
) -> protocol.MutationOutcome:
    def rejected(kind: str, reason: str) -> protocol.MutationOutcome:
        return protocol.MutationOutcome(seq=m.seq, id=m.id, status="rejected", kind=kind, reason=reason)

    if model is None:
        return rejected("invalid_input", f"Unknown operation {m.op!r}; this server cannot apply it.")
    try:
        check_time(m.device_time)
    except ValueError as exc:
        return rejected("invalid_input", f"The change's device time {exc}; check the device's clock.")
    try:
        payload = model.model_validate(m.payload)
    except pydantic.ValidationError as exc:
        return rejected("invalid_input", f"The {m.op} payload is malformed: {describe_errors(exc)}")
    s = ctx.session
    try:
        with s.begin_nested():
            APPLIERS[Op(m.op)](ctx, payload)
            s.flush()
    except OutpostError as exc:
        return rejected(exc.kind, exc.message)
    except IntegrityError:
        return rejected(
            "invalid_input", "This change clashes with an existing record (a duplicate id or name)."
        )
    except (DataError, ArithmeticError, TypeError, ValueError) as exc:
        # A value the payload models let through but the rules or the database cannot
        # take: the input is at fault, so the mutation is refused for good (a 500 would
        # leave it undecided and the device's outbox stuck behind it). Logged without data.
        log.warning("push: %s refused by the database or the rules (%s)", m.op, type(exc).__name__)
        return rejected("invalid_input", f"The server cannot store this {m.op}: a value is out of range.")
    return protocol.MutationOutcome(
        seq=m.seq,
        id=m.id,
        status="conflict" if ctx.lost else "applied",
        conflicts=ctx.conflicts,
    )
