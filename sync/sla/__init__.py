"""SLA computation: business calendars, policies and the clocks of a ticket.

Pure and deterministic, with no I/O, so the desktop replica and the central server
compute identical SLA states from the same events (see :mod:`sync.sla.clock`).
Calendars, policies and rules sync as one JSON-compatible document,
:meth:`SlaConfig.to_dict`.
"""

from sync.sla.calendar import WEEKDAY_KEYS, BusinessCalendar, Span
from sync.sla.clock import compute_sla_status
from sync.sla.defaults import (
    ALWAYS_OPEN_CALENDAR,
    DEFAULT_POLICY,
    OFFICE_HOURS_CALENDAR,
    default_sla_config,
    default_sla_policy,
)
from sync.sla.policy import DEFAULT_WARN_AT, SlaPolicy, SlaTargets
from sync.sla.selection import SlaConfig, SlaRule, SlaSubject
from sync.sla.status import SlaClock, SlaState, SlaStatus

__all__ = [
    "ALWAYS_OPEN_CALENDAR",
    "DEFAULT_POLICY",
    "DEFAULT_WARN_AT",
    "OFFICE_HOURS_CALENDAR",
    "WEEKDAY_KEYS",
    "BusinessCalendar",
    "SlaClock",
    "SlaConfig",
    "SlaPolicy",
    "SlaRule",
    "SlaState",
    "SlaStatus",
    "SlaSubject",
    "SlaTargets",
    "Span",
    "compute_sla_status",
    "default_sla_config",
    "default_sla_policy",
]
