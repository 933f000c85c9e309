"""Whose pull a write may affect: the scope keys of a transaction and of a caller.

Keys (see :mod:`sync.server.db.change_board`): a change-log row without a scope ticket
(queues, people, memberships, articles, settings) is visible to every agent, so it
touches ``"*"``; a ticket's records touch its queue and its assignee — current and, for a
ticket that moved, former (the people who lose it must pull to be told it left).

The keys only decide who is *woken*; what a pull then returns is decided by the pull's
own authorization. Waking too many costs an empty pull; waking too few would delay a
change until the next poll, so when in doubt (a ticket already gone, a huge import) a
write touches ``"*"``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.core.access import Caller
from sync.server.db.change_board import EVERYONE, Keys, queue_key, user_key
from sync.server.db.models import Ticket

__all__ = ["caller_keys", "touched_keys"]

#: beyond this many tickets in one transaction (an import), everyone is woken
_MAX_TICKETS = 500


def touched_keys(
    session: Session,
    records: Mapping[tuple[str, str], str | None],
    moved: Mapping[str, tuple[str | None, str | None]],
) -> frozenset[str]:
    """The scope keys of one transaction: ``records`` maps each written record to its scope
    ticket (or None), ``moved`` each moved ticket to its former (queue, assignee). Call
    after the transaction's last flush."""
    ticket_ids = {tid for tid in records.values() if tid is not None}
    keys: set[str] = set()
    if None in records.values():
        keys.add(EVERYONE)
    if len(ticket_ids) > _MAX_TICKETS:
        return frozenset({EVERYONE})
    for old_queue, old_assignee in moved.values():
        keys.update(_ticket_keys(old_queue, old_assignee))
    missing = []
    for tid in sorted(ticket_ids):  # the tickets the transaction loaded: no query
        loaded = session.identity_map.get(session.identity_key(Ticket, tid))
        if isinstance(loaded, Ticket):
            keys.update(_ticket_keys(loaded.queue_id, loaded.assignee_id))
        else:
            missing.append(tid)
    if missing:
        rows = session.execute(
            select(Ticket.id, Ticket.queue_id, Ticket.assignee_id).where(Ticket.id.in_(missing))
        ).all()
        for _id, queue_id, assignee_id in rows:
            keys.update(_ticket_keys(queue_id, assignee_id))
        if len(rows) < len(missing):  # a ticket already gone: its place is unknown
            keys.add(EVERYONE)
    return frozenset(keys)


def _ticket_keys(queue_id: str | None, assignee_id: str | None) -> list[str]:
    keys = [queue_key(queue_id)] if queue_id else []
    if assignee_id:
        keys.append(user_key(assignee_id))
    return keys


def caller_keys(caller: Caller) -> Keys:
    """The keys whose changes ``caller``'s pull may see (``None``: all of them)."""
    if caller.sees_all_queues:
        return None
    return frozenset({EVERYONE, user_key(caller.user_id), *(queue_key(q) for q in caller.queue_ids)})
