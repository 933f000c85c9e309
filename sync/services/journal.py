"""Appending to the mutation journal and the activity log, inside a caller's transaction.

Both functions only ``add`` to the session they are given; the caller's unit of work
commits them together with the change itself, or not at all.

:func:`record_mutation` validates the payload with the op's wire model
(:mod:`sync.protocol.payloads`, the same the server applies) before journaling it: a value
the server would refuse — too long, of the wrong type, a time out of range — raises
:class:`~sync.errors.ValidationError` at once, offline, so the caller's unit of work rolls
back and nothing is written or queued.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pydantic
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.domain.activity_values import activity_text
from sync.errors import ValidationError
from sync.ids import new_id
from sync.protocol.payloads import check_time, describe_errors, validate_payload
from sync.replica.models import Activity, Mutation

__all__ = ["check_payload", "pending_count", "pending_entity_ids", "record_activity", "record_mutation"]


def record_mutation(
    session: Session,
    *,
    op: str,
    entity_type: str,
    entity_id: str,
    payload: dict[str, Any],
    device_time: datetime,
    actor_id: str | None,
) -> Mutation:
    """Journal ``op`` for the next sync; ``ValidationError`` when the server would refuse it."""
    check_payload(op, payload, device_time)
    mutation = Mutation(
        id=new_id(),
        op=op,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=payload,
        device_time=device_time,
        actor_id=actor_id,
        state="pending",
        attempts=0,
    )
    session.add(mutation)
    return mutation


def check_payload(op: str, payload: dict[str, Any], device_time: datetime) -> None:
    """Refuse a payload (or a device time) the server would reject, with a message for a person."""
    try:
        check_time(device_time if device_time.tzinfo else device_time.replace(tzinfo=UTC))
    except ValueError as exc:
        raise ValidationError(f"This computer's clock {exc}; set the date and try again.") from None
    try:
        validate_payload(op, payload)
    except pydantic.ValidationError as exc:
        raise ValidationError(f"This change cannot be saved: {describe_errors(exc, brief=True)}.") from None


def record_activity(
    session: Session,
    *,
    entity_type: str,
    entity_id: str,
    actor_id: str | None,
    field: str,
    old: object,
    new: object,
    at: datetime,
    note: str = "",
) -> None:
    session.add(
        Activity(
            id=new_id(),
            entity_type=entity_type,
            entity_id=entity_id,
            actor_id=actor_id,
            field=field,
            old_value=activity_text(old),
            new_value=activity_text(new),
            note=note,
            at=at,
        )
    )


def pending_count(session: Session) -> int:
    return int(session.execute(select(func.count()).where(Mutation.state == "pending")).scalar_one())


def pending_entity_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of ``ids`` have unsynced changes (for the 'not yet synced' badge)."""
    if not ids:
        return set()
    rows = session.execute(
        select(Mutation.entity_id).where(Mutation.state == "pending", Mutation.entity_id.in_(ids)).distinct()
    )
    return {r[0] for r in rows}

