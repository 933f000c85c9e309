"""Rows some reports need besides the tickets' facts: work logs and article links/feedback.

Work logs are read by their own time (``logged_at``) in the range, for the tickets a
report covers (the caller passes their ids' condition). Article links and feedback exist
on the replica only (the server does not keep them yet): a side without them passes
``None`` for those tables and the knowledge report says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

__all__ = ["LinkRow", "WorkRow", "load_feedback", "load_links", "load_work", "parse_parts"]

_QUANTITY = re.compile(r"^\s*(\d+)\s*[x×]\s+(.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WorkRow:
    ticket_id: str
    author_id: str | None
    minutes: int
    travel_minutes: int
    parts: str
    logged_at: datetime


@dataclass(frozen=True)
class LinkRow:
    article_id: str
    ticket_id: str
    source: str
    created_at: datetime


def load_work(
    session: Session, work_log: Any, ticket_ids: ColumnElement[Any], start: datetime, end: datetime
) -> list[WorkRow]:
    """Work logged in [start, end) on the tickets ``ticket_ids`` (a subquery of ids)."""
    w = work_log
    rows = (
        session.connection()
        .execute(
            select(w.ticket_id, w.author_id, w.minutes, w.travel_minutes, w.parts, w.logged_at)
            .where(w.logged_at >= start, w.logged_at < end, w.ticket_id.in_(ticket_ids))
            .order_by(w.logged_at, w.id)
        )
        .all()
    )
    return [WorkRow(r[0], r[1], int(r[2] or 0), int(r[3] or 0), r[4] or "", r[5]) for r in rows]


def load_links(session: Session, link: Any, end: datetime) -> list[LinkRow]:
    """Every article-ticket link made before ``end``."""
    rows = (
        session.connection()
        .execute(
            select(link.article_id, link.ticket_id, link.source, link.created_at).where(link.created_at < end)
        )
        .all()
    )
    return [LinkRow(r[0], r[1], r[2], r[3]) for r in rows]


def load_feedback(session: Session, feedback: Any, start: datetime, end: datetime) -> list[tuple[str, bool]]:
    """(article id, helpful) of the feedback given in [start, end)."""
    rows = (
        session.connection()
        .execute(
            select(feedback.article_id, feedback.helpful).where(
                feedback.created_at >= start, feedback.created_at < end
            )
        )
        .all()
    )
    return [(str(a), bool(h)) for a, h in rows]


def parse_parts(text: str) -> list[tuple[str, int]]:
    """Parts of one work log as (item, quantity): one item per line or comma-separated
    entry, ``3x cable`` or ``3 x cable`` gives 3 of "cable", anything else 1 of itself."""
    out = []
    for entry in re.split(r"[\n,;]", text):
        entry = entry.strip()
        if not entry:
            continue
        found = _QUANTITY.match(entry)
        out.append((found.group(2), int(found.group(1))) if found else (entry, 1))
    return out


def ids_of(rows: Sequence[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.ticket_id for r in rows))
