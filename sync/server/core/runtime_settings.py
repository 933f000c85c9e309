"""Settings admins change while the server runs, kept in the database (``server_settings``).

Every server process reads the same values, so a change applies everywhere at once. Unknown
keys are refused; values are whole numbers within a range.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.db.state_models import ServerSetting
from sync.server.errors import BadRequest

__all__ = ["SETTING_RANGES", "RuntimeSettings", "load_runtime_settings", "store_runtime_settings"]

#: Each setting's allowed whole numbers, inclusive.
SETTING_RANGES = {
    "token_lifetime_days": (1, 365),
    "signin_max_failures_per_user": (1, 1000),
    "signin_max_failures_per_address": (1, 100000),
    "signin_window_seconds": (10, 86400),
    "blob_upload_expiry_hours": (1, 24 * 30),
    # 1: clients refuse to connect an unencrypted replica (sent to them in ServerInfo).
    "require_encrypted_replicas": (0, 1),
}


@dataclass(frozen=True)
class RuntimeSettings:
    token_lifetime_days: int = 30
    signin_max_failures_per_user: int = 5
    signin_max_failures_per_address: int = 50
    signin_window_seconds: int = 900
    #: an attachment upload untouched this long is deleted with its bytes (see blob_service)
    blob_upload_expiry_hours: int = 24
    require_encrypted_replicas: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def load_runtime_settings(session: Session) -> RuntimeSettings:
    stored = dict(session.execute(select(ServerSetting.key, ServerSetting.value)).all())
    values = {f.name: int(stored[f.name]) for f in fields(RuntimeSettings) if f.name in stored}
    return replace(RuntimeSettings(), **values)


def store_runtime_settings(session: Session, changes: dict[str, int]) -> RuntimeSettings:
    """Validate and store ``changes``; return the settings now in force."""
    for key, value in changes.items():
        if key not in SETTING_RANGES:
            raise BadRequest(f"Unknown setting {key!r}; known: {', '.join(sorted(SETTING_RANGES))}.")
        low, high = SETTING_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BadRequest(f"{key} must be a whole number from {low} to {high}.")
        row = session.get(ServerSetting, key, with_for_update=True)
        if row is None:
            session.add(ServerSetting(key=key, value=str(value)))
        else:
            row.value = str(value)
    session.flush()
    return load_runtime_settings(session)
