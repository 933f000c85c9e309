"""The portal's settings, kept in ``server_settings`` under ``portal.*`` keys.

Every server process reads the same values. ``queue`` names the queue that requests made
in the portal are filed in (the portal refuses new requests until it is set);
``base_url`` is the address sign-in links point at (``http://host:port`` of the server by
default; never the request's Host header, which a client chooses). Limits are whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.db.state_models import ServerSetting
from sync.server.errors import BadRequest

__all__ = ["PortalSettings", "load_portal_settings", "store_portal_setting"]

_PREFIX = "portal."
_INT_RANGES = {
    "link_minutes": (1, 24 * 60),
    "session_hours": (1, 24 * 90),
    "links_per_address_per_hour": (1, 100),
    "links_per_source_per_hour": (1, 10_000),
    "attachment_max_bytes": (1, 30 * 1024 * 1024),
    "reopen_days": (0, 365),
}


@dataclass(frozen=True)
class PortalSettings:
    queue: str = ""
    base_url: str = ""
    link_minutes: int = 15
    session_hours: int = 24 * 7
    links_per_address_per_hour: int = 3
    links_per_source_per_hour: int = 30
    attachment_max_bytes: int = 10 * 1024 * 1024
    reopen_days: int = 14


def load_portal_settings(session: Session) -> PortalSettings:
    rows = session.execute(
        select(ServerSetting.key, ServerSetting.value).where(ServerSetting.key.startswith(_PREFIX))
    ).all()
    stored = {key[len(_PREFIX) :]: value for key, value in rows}
    values: dict[str, object] = {}
    for f in fields(PortalSettings):
        if f.name in stored:
            values[f.name] = int(stored[f.name]) if f.name in _INT_RANGES else stored[f.name]
    return replace(PortalSettings(), **values)  # type: ignore[arg-type]


def store_portal_setting(session: Session, key: str, value: str) -> PortalSettings:
    """Validate and store one setting; return the settings now in force."""
    known = {f.name for f in fields(PortalSettings)}
    if key not in known:
        raise BadRequest(f"Unknown portal setting {key!r}; known: {', '.join(sorted(known))}.")
    if key in _INT_RANGES:
        low, high = _INT_RANGES[key]
        if not value.isdigit() or not low <= int(value) <= high:
            raise BadRequest(f"{key} must be a whole number from {low} to {high}.")
        value = str(int(value))
    elif key == "base_url" and value and not value.startswith(("http://", "https://")):
        raise BadRequest("base_url must start with http:// or https://.")
    row = session.get(ServerSetting, _PREFIX + key, with_for_update=True)
    if row is None:
        session.add(ServerSetting(key=_PREFIX + key, value=value))
    else:
        row.value = value
    session.flush()
    return load_portal_settings(session)
