"""Storing a requester's rating as a synced record.

A rating is written only here, by the requester (the portal's rating form or a signed
rating link in the resolution mail); agents never write one (no op exists for it) and
replicas hold it read-only. Each write is stamped in the change log as the pull family
``ratings`` (id = the ticket's id, scoped by the ticket), so the agents who see the ticket
pull it on their next round.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sync.server.models import Ticket
from sync.server.portal.portal_models import PortalRating
from sync.server.versioning import Touched, stamp

__all__ = ["MAX_RATING_COMMENT", "store_rating"]

MAX_RATING_COMMENT = 5000


def store_rating(
    s: Session, ticket: Ticket, person_id: str, score: int, comment: str | None, now: datetime
) -> PortalRating:
    """Record (or replace) ``ticket``'s rating in the caller's transaction and stamp it.

    ``comment`` None keeps the comment a replaced rating had. Stamping is the last step
    (see :mod:`sync.server.versioning`): the caller commits right after.
    """
    row = s.get(PortalRating, ticket.id, with_for_update=True)
    if row is None:
        row = PortalRating(
            ticket_id=ticket.id, person_id=person_id, score=score, comment=comment or "", at=now
        )
        s.add(row)
    else:
        row.person_id, row.score, row.at = person_id, score, now
        if comment is not None:
            row.comment = comment
    touched = Touched()
    touched.add("ratings", ticket.id, ticket.id)
    stamp(s, touched)
    return row
