"""Appending to the mutation journal and the activity log, inside a caller's transaction.

Both functions only ``add`` to the session they are given; the caller's unit of work
commits them together with the change itself, or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.ids import new_id
from sync.replica.models import Activity, Mutation

__all__ = ["pending_count", "pending_entity_ids", "record_activity", "record_mutation"]


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
            old_value=_text(old),
            new_value=_text(new),
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


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)
