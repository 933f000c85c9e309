"""Storing a requester's rating as a synced record, and the signed rating links of mails.

A rating is written only here, by the requester (the portal's rating form or a signed
rating link in the resolution mail); agents never write one (no op exists for it) and
replicas hold it read-only. Each write is stamped in the change log as the pull family
``ratings`` (id = the ticket's id, scoped by the ticket), so the agents who see the ticket
pull it on their next round.

Rating links
    A resolution mail carries five links, one per score:
    ``/portal/rate/<ticket id>.<nonce>.<expires>.<score>.<signature>``, the signature an
    HMAC-SHA256 (server secret ``rating_link``) of all four parts. The nonce is the mail's
    (its outbox row id), shared by its five links. A link is good for exactly that ticket
    and score until it expires (:data:`RATING_LINK_DAYS`), without signing in, and for
    nothing else: it opens no session. Used once (``portal_rating_links`` keeps the nonce's
    SHA-256 under a primary key), the mail's links are spent: a replay, another score from
    the same mail, a changed part or an expired link are all refused. After recording, the
    requester may add a comment once, proven by :func:`comment_proof` (an HMAC of the link).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync.server.core.server_secret import rating_link_key
from sync.server.core.versioning import Touched, stamp
from sync.server.db.database import Database
from sync.server.db.models import Ticket
from sync.server.portal.portal_models import PortalRating, PortalRatingLink

__all__ = [
    "MAX_RATING_COMMENT",
    "RATING_LINK_DAYS",
    "LinkOutcome",
    "RatingLink",
    "add_link_comment",
    "check_rating_link",
    "comment_proof",
    "rating_link_paths",
    "store_rating",
    "use_rating_link",
]

MAX_RATING_COMMENT = 5000
#: How long the rating links of a resolution mail work.
RATING_LINK_DAYS = 30
_DONE = ("resolved", "closed")


class LinkOutcome(StrEnum):
    OK = "ok"
    BAD = "bad"  # malformed, tampered with, or for a ticket that is gone
    EXPIRED = "expired"
    USED = "used"  # this mail's links were used already
    NOT_RESOLVED = "not_resolved"  # reopened since the mail


@dataclass(frozen=True)
class RatingLink:
    ticket_id: str
    nonce: str
    expires: int
    score: int
    number: int | None = None
    subject: str = ""


def _sign(key: bytes, ticket_id: str, nonce: str, expires: int, score: int) -> str:
    message = f"rate:{ticket_id}:{nonce}:{expires}:{score}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def rating_link_paths(s: Session, ticket_id: str, nonce: str, now: datetime) -> dict[int, str]:
    """The five ``/portal/rate/...`` paths of one mail (score -> path)."""
    key = rating_link_key(s)
    if now.tzinfo is None:  # a naive UTC time as the database gives it back
        now = now.replace(tzinfo=UTC)
    expires = int((now + timedelta(days=RATING_LINK_DAYS)).timestamp())
    paths = {}
    for score in range(1, 6):
        signature = _sign(key, ticket_id, nonce, expires, score)
        paths[score] = f"/portal/rate/{ticket_id}.{nonce}.{expires}.{score}.{signature}"
    return paths


def _parse(s: Session, token: str) -> RatingLink | None:
    parts = token.split(".")
    if len(parts) != 5 or len(token) > 300:
        return None
    ticket_id, nonce, expires_text, score_text, signature = parts
    if not (expires_text.isdigit() and score_text in ("1", "2", "3", "4", "5") and len(expires_text) < 12):
        return None
    expires, score = int(expires_text), int(score_text)
    expected = _sign(rating_link_key(s), ticket_id, nonce, expires, score)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return RatingLink(ticket_id, nonce, expires, score)


def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(f"rating-link:{nonce}".encode()).hexdigest()


def _check(s: Session, token: str, now: datetime) -> tuple[LinkOutcome, RatingLink | None, Ticket | None]:
    link = _parse(s, token)
    if link is None:
        return LinkOutcome.BAD, None, None
    ticket = s.get(Ticket, link.ticket_id)
    if ticket is None or ticket.requester_id is None or ticket.number is None:
        return LinkOutcome.BAD, None, None
    found = RatingLink(link.ticket_id, link.nonce, link.expires, link.score, ticket.number, ticket.subject)
    if now.timestamp() > link.expires:
        return LinkOutcome.EXPIRED, found, ticket
    if s.get(PortalRatingLink, _nonce_hash(link.nonce)) is not None:
        return LinkOutcome.USED, found, ticket
    if ticket.status not in _DONE:
        return LinkOutcome.NOT_RESOLVED, found, ticket
    return LinkOutcome.OK, found, ticket


def check_rating_link(db: Database, token: str, now: datetime) -> tuple[LinkOutcome, RatingLink | None]:
    """Whether ``token`` may record its score now (nothing is written)."""
    with db.read_session() as s:
        outcome, link, _ticket = _check(s, token, now)
        return outcome, link


def use_rating_link(
    db: Database, token: str, comment: str, now: datetime
) -> tuple[LinkOutcome, RatingLink | None]:
    """Record the link's score (and ``comment``) as the requester's rating, once per mail."""
    try:
        with db.write_session() as s:
            outcome, link, ticket = _check(s, token, now)
            if outcome is not LinkOutcome.OK:
                return outcome, link
            assert link is not None and ticket is not None and ticket.requester_id is not None
            s.add(
                PortalRatingLink(
                    nonce_hash=_nonce_hash(link.nonce), ticket_id=ticket.id, score=link.score, used_at=now
                )
            )
            s.flush()  # a concurrent use of the same mail fails here, before anything else
            store_rating(s, ticket, ticket.requester_id, link.score, comment or None, now)
            return LinkOutcome.OK, link
    except IntegrityError:
        return LinkOutcome.USED, None


def comment_proof(db: Database, token: str) -> str:
    """What lets the page that recorded ``token``'s score add a comment afterwards."""
    with db.read_session() as s:
        return hmac.new(rating_link_key(s), f"rating-comment:{token}".encode(), hashlib.sha256).hexdigest()


def add_link_comment(db: Database, token: str, proof: str, comment: str, now: datetime) -> bool:
    """Add the requester's comment to the rating ``token`` recorded, once (while it has none).

    False (nothing written) for a wrong proof, a link that recorded nothing, a rating that
    has a comment already, or one replaced since by another rating."""
    if not comment:
        return False
    with db.write_session() as s:
        expected = hmac.new(
            rating_link_key(s), f"rating-comment:{token}".encode(), hashlib.sha256
        ).hexdigest()
        link = _parse(s, token)
        if link is None or not hmac.compare_digest(expected.encode(), proof.encode()):
            return False
        used = s.get(PortalRatingLink, _nonce_hash(link.nonce))
        rating = s.get(PortalRating, link.ticket_id, with_for_update=True)
        ticket = s.get(Ticket, link.ticket_id)
        if used is None or rating is None or ticket is None or rating.comment or rating.at != used.used_at:
            return False
        store_rating(s, ticket, rating.person_id, rating.score, comment, rating.at)
        return True


def store_rating(
    s: Session, ticket: Ticket, person_id: str, score: int, comment: str | None, now: datetime
) -> PortalRating:
    """Record (or replace) ``ticket``'s rating in the caller's transaction and stamp it.

    ``comment`` None keeps the comment a replaced rating had. Stamping is the last step
    (see :mod:`sync.server.core.versioning`): the caller commits right after.
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
