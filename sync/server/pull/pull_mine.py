"""The "mine first" preview page: the caller's own open tickets before the bootstrap stream.

``PullRequest.only = "mine"`` (feature ``pull.only_mine``) answers one page, read in the
same snapshot discipline as any pull, holding:

- the caller's open tickets — assigned to them, status in ``OPEN_STATUSES``, not merged —
  at most ``limit`` of them, most recently updated first, and only those the caller may
  see (the usual scope clause is applied too, so authorization is exactly a pull's);
- every comment, work log, attachment, link and activity line whose change-log row names
  one of those tickets as its scope ticket;
- the queues those tickets are in and the people the records name (directory records,
  visible to every agent), so the tickets display fully before the stream arrives.

Each record carries its current change-log version, so the bootstrap that follows sends
it again at the same version (or a newer one if it changed meanwhile): applying both is
an idempotent upsert. The answer's cursor is a bootstrap cursor (version 0): the page is
not a step of the stream and the client does not store it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from sync.domain.ticket_status import OPEN_STATUSES
from sync.server.core.access import Caller, ticket_visible_clause
from sync.server.db.models import Ticket
from sync.server.db.state_models import ChangeLog
from sync.server.pull.pull_records import FAMILIES, fetch_family

__all__ = ["MINE_FAMILIES", "mine_records"]

#: The families of a ticket (records whose change-log scope ticket is the ticket).
MINE_FAMILIES: tuple[str, ...] = (
    "comments",
    "work_logs",
    "attachments",
    "ticket_links",
    "activity",
    "ratings",
)

#: Fields of those records that name a person.
_PERSON_FIELDS = ("requester_id", "assignee_id", "author_id", "actor_id", "added_by_id")


def mine_records(s: Session, caller: Caller, upto: int, limit: int) -> dict[str, list[dict[str, Any]]]:
    """The preview page's records by family (every family of ``FAMILIES`` present)."""
    records: dict[str, list[dict[str, Any]]] = {family: [] for family in FAMILIES}
    mine: ColumnElement[bool] = and_(
        Ticket.assignee_id == caller.user_id,
        Ticket.status.in_(sorted(OPEN_STATUSES)),
        Ticket.merged_into_id.is_(None),
        ticket_visible_clause(caller),
    )
    ticket_ids = sorted(
        s.execute(
            select(Ticket.id).where(mine).order_by(Ticket.updated_at.desc(), Ticket.id).limit(limit)
        ).scalars()
    )
    if not ticket_ids:
        return records
    visible = ticket_visible_clause(caller)
    records["tickets"] = fetch_family(
        s, "tickets", 0, upto, visible, where=ChangeLog.entity_id.in_(ticket_ids)
    )
    for family in MINE_FAMILIES:
        records[family] = fetch_family(s, family, 0, upto, visible, where=ChangeLog.ticket_id.in_(ticket_ids))
    queue_ids = sorted({str(t["queue_id"]) for t in records["tickets"]})
    people = sorted(
        {
            str(r[name])
            for family in ("tickets", *MINE_FAMILIES)
            for r in records[family]
            for name in _PERSON_FIELDS
            if r.get(name)
        }
    )
    if queue_ids:
        records["queues"] = fetch_family(s, "queues", 0, upto, None, where=ChangeLog.entity_id.in_(queue_ids))
    if people:
        records["people"] = fetch_family(s, "people", 0, upto, None, where=ChangeLog.entity_id.in_(people))
    return records
