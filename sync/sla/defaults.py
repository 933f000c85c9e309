"""The SLA configuration a new Outpost installation starts with.

P1 counts around the clock (a critical outage does not wait for Monday); P2-P4 count in
office hours, Monday to Friday 08:00-18:00, so a "business day" is 10 hours:

====  ======================  ============================
P1    respond 15 min (24/7)   resolve 4 h (24/7)
P2    respond 1 h             resolve 8 business hours
P3    respond 4 h             resolve 3 business days (30 h)
P4    respond 1 business day  resolve 5 business days (50 h)
====  ======================  ============================

Admins replace it with their own document; these values only have to be sensible.
"""

from __future__ import annotations

from datetime import time

from sync.domain.priority import Priority
from sync.sla.calendar import BusinessCalendar
from sync.sla.policy import SlaPolicy, SlaTargets
from sync.sla.selection import SlaConfig

__all__ = [
    "ALWAYS_OPEN_CALENDAR",
    "DEFAULT_POLICY",
    "OFFICE_HOURS_CALENDAR",
    "default_sla_config",
    "default_sla_policy",
]

ALWAYS_OPEN_CALENDAR = "24/7"
OFFICE_HOURS_CALENDAR = "office-hours"
DEFAULT_POLICY = "standard"

_MINUTE = 60
_HOUR = 60 * _MINUTE
_BUSINESS_DAY = 10 * _HOUR  # 08:00-18:00


def default_sla_policy() -> SlaPolicy:
    """The built-in "standard" policy (see the module docstring)."""
    return SlaPolicy(
        name=DEFAULT_POLICY,
        calendar=OFFICE_HOURS_CALENDAR,
        targets={
            Priority.CRITICAL: SlaTargets(15 * _MINUTE, 4 * _HOUR, _HOUR, calendar=ALWAYS_OPEN_CALENDAR),
            Priority.HIGH: SlaTargets(_HOUR, 8 * _HOUR, 4 * _HOUR),
            Priority.MEDIUM: SlaTargets(4 * _HOUR, 3 * _BUSINESS_DAY, _BUSINESS_DAY),
            Priority.LOW: SlaTargets(_BUSINESS_DAY, 5 * _BUSINESS_DAY, 2 * _BUSINESS_DAY),
        },
    )


def default_sla_config(time_zone: str = "UTC") -> SlaConfig:
    """The built-in configuration with office hours in ``time_zone`` (an IANA name)."""
    return SlaConfig(
        calendars=[
            BusinessCalendar.always_open(ALWAYS_OPEN_CALENDAR),
            BusinessCalendar.weekdays(OFFICE_HOURS_CALENDAR, time_zone, time(8), time(18)),
        ],
        policies=[default_sla_policy()],
        rules=[],
        default_policy=DEFAULT_POLICY,
    )
