"""Requesters' sign-in: one-time links by mail, then a session cookie.

Links
    A link carries 32 random bytes; the database keeps only their SHA-256. It expires after
    ``link_minutes`` and is spent by the first successful use (one conditional UPDATE, so two
    simultaneous uses cannot both win). Asking for a link gives the same answer whether the
    address is known or not; requests are counted per address and per source address over
    the last hour, and over either limit no link is made (still the same answer).

Who may sign in
    Active people whose role is ``requester`` and whose e-mail address matches
    (case-insensitive). Agents use the app, not the portal.

Sessions
    Like links, stored as the SHA-256 of the cookie's value, with their own CSRF token, ending
    after ``session_hours`` or at sign-out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from sync.ids import new_id
from sync.server.db.database import Database
from sync.server.db.models import Person
from sync.server.portal.portal_models import PortalLink, PortalLinkRequest, PortalSession
from sync.server.portal.portal_settings import PortalSettings

__all__ = [
    "SignedIn",
    "end_session",
    "find_requester",
    "issue_link",
    "redeem_link",
    "request_link",
    "signed_in",
]


@dataclass(frozen=True)
class SignedIn:
    person_id: str
    name: str
    email: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_requester(s: Session, address: str) -> Person | None:
    """The active requester with this address (case-insensitive), or None."""
    address = address.strip().lower()
    if not address or len(address) > 200:
        return None
    return s.execute(
        select(Person)
        .where(func.lower(Person.email) == address, Person.role == "requester", Person.active.is_(True))
        .order_by(Person.created_at)
        .limit(1)
    ).scalar_one_or_none()


def _new_link(s: Session, person_id: str, settings: PortalSettings, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    s.add(
        PortalLink(
            token_hash=_digest(token),
            person_id=person_id,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.link_minutes),
            used_at=None,
        )
    )
    return token


def request_link(
    db: Database, address: str, source: str, settings: PortalSettings, now: datetime
) -> tuple[str, str] | None:
    """Record a link request; return ``(token, address)`` to mail, or None (unknown address,
    or over a rate limit). The caller answers the same either way."""
    address = address.strip().lower()[:200]
    source = source[:64]
    since = now - timedelta(hours=1)
    with db.write_session() as s:
        by_address = s.execute(
            select(func.count())
            .select_from(PortalLinkRequest)
            .where(PortalLinkRequest.address == address, PortalLinkRequest.at > since)
        ).scalar_one()
        by_source = s.execute(
            select(func.count())
            .select_from(PortalLinkRequest)
            .where(PortalLinkRequest.source == source, PortalLinkRequest.at > since)
        ).scalar_one()
        s.add(PortalLinkRequest(id=new_id(), address=address, source=source, at=now))
        if (
            by_address >= settings.links_per_address_per_hour
            or by_source >= settings.links_per_source_per_hour
        ):
            return None
        person = find_requester(s, address)
        if person is None:
            return None
        token = _new_link(s, person.id, settings, now)
        return token, person.email


def issue_link(db: Database, address: str, settings: PortalSettings, now: datetime) -> str | None:
    """A link for this requester without the rate limits (the admin's command), or None."""
    with db.write_session() as s:
        person = find_requester(s, address)
        if person is None:
            return None
        token = _new_link(s, person.id, settings, now)
        return token


def redeem_link(db: Database, token: str, settings: PortalSettings, now: datetime) -> str | None:
    """Spend a link and open a session; return the session's cookie value, or None when the
    link is unknown, expired or already used."""
    if not token or len(token) > 100:
        return None
    with db.write_session() as s:
        spent = s.execute(
            update(PortalLink)
            .where(
                PortalLink.token_hash == _digest(token),
                PortalLink.used_at.is_(None),
                PortalLink.expires_at > now,
            )
            .values(used_at=now)
            .returning(PortalLink.person_id)
        ).first()
        if spent is None:
            return None
        person = s.get(Person, spent[0])
        if person is None or not person.active or person.role != "requester":
            return None
        session_token = secrets.token_urlsafe(32)
        s.add(
            PortalSession(
                token_hash=_digest(session_token),
                person_id=person.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(hours=settings.session_hours),
            )
        )
        return session_token


def signed_in(db: Database, session_token: str | None, now: datetime) -> SignedIn | None:
    """The requester of a live session, or None."""
    if not session_token or len(session_token) > 100:
        return None
    with db.read_session() as s:
        row = s.get(PortalSession, _digest(session_token))
        if row is None or row.expires_at <= now:
            return None
        person = s.get(Person, row.person_id)
        if person is None or not person.active or person.role != "requester":
            return None
        return SignedIn(person.id, person.name, person.email, row.csrf_token)


def end_session(db: Database, session_token: str) -> None:
    with db.write_session() as s:
        s.execute(delete(PortalSession).where(PortalSession.token_hash == _digest(session_token)))
