"""``rating_received`` events: a requester's rating that arrived by a pull.

A rating is written on the server (the portal, a signed link in the resolution mail) and
reaches the replica by a pull, not by a write here, so no write hook sees it. The timer
(:func:`sync.automation.run_due_rules`) asks this module for the ratings received in the
last :data:`RATING_WINDOW`: the event id is derived from the rating itself
(``rating_received:<ticket>:<rated at, epoch>:<score>``), so every replica derives the same
id, a firing recorded once is never repeated (see :mod:`sync.automation.markers`), and a
changed rating (a new score or a new time) is a new event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.automation.rule_engine import TicketEvent
from sync.automation.rule_model import EventKind
from sync.replica.rating_models import Rating
from sync.sla.local_time import epoch_seconds

__all__ = ["RATING_WINDOW", "rating_events"]

#: How far back a rating still raises its event (a replica offline longer than this does
#: not act on old ratings when it comes back).
RATING_WINDOW = timedelta(days=7)


def rating_events(s: Session, now: datetime) -> list[TicketEvent]:
    """One event per rating received within :data:`RATING_WINDOW` before ``now``."""
    rows = s.execute(
        select(Rating.ticket_id, Rating.score, Rating.at)
        .where(Rating.at >= now - RATING_WINDOW)
        .order_by(Rating.at)
    ).all()
    return [
        TicketEvent(
            EventKind.RATING_RECEIVED,
            str(ticket_id),
            f"rating_received:{ticket_id}:{epoch_seconds(at)}:{score}",
            {"rating": (None, int(score))},
        )
        for ticket_id, score, at in rows
    ]
