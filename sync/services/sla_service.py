"""SLA state of the replica's tickets: the synced configuration, per-ticket refresh, and
the figures the UI shows (time left, due soon / overdue counts, my tickets about to breach).

Stored columns (for sorting and filtering without computing): ``tickets.due_at`` is the
earliest deadline of a clock still running (:attr:`SlaStatus.next_due_at`), and
``tickets.sla_state`` the overall :class:`SlaState` value at the last refresh. A paused
ticket stores no deadline (NULL sorts after every running one): its "due if resumed now"
moves with the clock on the wall, so a stored value would soon be wrong. A running
clock's deadline does not move with time, so ``due_at < now`` means overdue even when
``sla_state`` was stored before the deadline passed.

Every ticket write refreshes its ticket in the same transaction
(:func:`refresh_ticket_sla`, called by :mod:`sync.automation.write_hook`); a configuration
change refreshes all tickets through :mod:`sync.services.sla_recompute`; the app's timer
(:func:`sync.automation.run_due_rules`) refreshes the ones whose state changes with time.

The configuration is the document ``sla`` of :mod:`sync.services.config_documents`; a
replica that never received one uses :func:`sync.sla.default_sla_config` in UTC.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from sync.domain.ticket_status import OPEN_STATUSES
from sync.errors import NotFoundError, ValidationError
from sync.replica.models import Ticket
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import ChangeSet, WriteResult
from sync.services.sla_facts import compute_ticket_sla, load_facts
from sync.services.ticket_state import acting_user, require_role
from sync.services.ticket_views import SlaView, display_number
from sync.sla import SlaConfig, SlaState, SlaStatus, default_sla_config

__all__ = [
    "DUE_SOON",
    "BreachAlert",
    "DueCounts",
    "SlaService",
    "load_sla_config",
    "parse_sla_config",
    "refresh_ticket_sla",
    "sla_config_from_text",
    "sla_view",
    "sla_views",
    "stored_columns",
]

#: How far ahead "due soon" looks by default (the sidebar's view uses the same).
DUE_SOON = timedelta(hours=4)
_log = logging.getLogger(__name__)
_OPEN = sorted(OPEN_STATUSES)


@dataclass(frozen=True)
class DueCounts:
    """Open tickets by deadline at ``now``: ``overdue`` past due, ``due_soon`` due within the
    window (not yet overdue); ``paused`` open tickets whose clocks are paused."""

    overdue: int
    due_soon: int
    paused: int


@dataclass(frozen=True)
class BreachAlert:
    """One of my open tickets that is overdue or due within the window, for a notification.

    ``key`` changes when the deadline does, so the UI notifies once per deadline."""

    ticket_id: str
    display_number: str
    subject: str
    due_at: datetime
    seconds_left: int  # wall-clock seconds; negative when overdue
    overdue: bool
    key: str


@lru_cache(maxsize=8)
def parse_sla_config(text: str) -> SlaConfig:
    """The configuration in a stored document; cached, so calendars keep their built timelines."""
    return SlaConfig.from_dict(json.loads(text))


def load_sla_config(session: Session) -> SlaConfig:
    """The replica's SLA configuration (parsed once per distinct document, then cached)."""
    return sla_config_from_text(config_documents.read_text(session, "sla"))


def sla_config_from_text(text: str | None) -> SlaConfig:
    """The configuration in a stored document; the built-in one when there is none.

    A document this build cannot read (say, synced from a newer Outpost) also gives the
    built-in configuration, with a logged warning: every ticket write refreshes SLA
    columns, and a bad document must never make writes fail."""
    if text is None:
        return default_sla_config()
    try:
        return parse_sla_config(text)
    except ValueError as exc:
        _log.warning("Unreadable SLA configuration; using the built-in one: %s", exc)
        return default_sla_config()


def stored_columns(status: SlaStatus) -> tuple[datetime | None, str]:
    """(due_at, sla_state) as stored for a ticket with this status (see the module docstring)."""
    due = None if status.state is SlaState.PAUSED else status.next_due_at
    return due, status.state.value


def refresh_ticket_sla(session: Session, ticket_id: str, now: datetime) -> SlaStatus:
    """Recompute one ticket's SLA at ``now`` and store its columns, in the caller's transaction."""
    session.flush()
    facts = load_facts(session.connection(), [ticket_id]).get(ticket_id)
    if facts is None:
        raise NotFoundError(f"No ticket with id {ticket_id}.")
    status = compute_ticket_sla(facts, load_sla_config(session), now)
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None
    ticket.due_at, ticket.sla_state = stored_columns(status)
    return status


def sla_view(status: SlaStatus) -> SlaView:
    """The plain view of a status the ticket pane and ``--json`` output show."""
    due = status.next_due_at
    return SlaView(
        policy=status.policy,
        state=status.state.value,
        label=status.state.label,
        next_due_at=due,
        first_response_due_at=status.first_response.due_at,
        first_response_state=status.first_response.state.value,
        first_response_met_at=status.first_response.met_at,
        resolution_due_at=status.resolution.due_at,
        resolution_state=status.resolution.state.value,
        resolution_met_at=status.resolution.met_at,
    )


def sla_views(session: Session, ticket_ids: list[str], now: datetime) -> dict[str, SlaView]:
    """Live SLA views of several tickets (a page of rows): two queries and a compute each."""
    config = load_sla_config(session)
    facts = load_facts(session.connection(), ticket_ids)
    return {tid: sla_view(compute_ticket_sla(f, config, now)) for tid, f in facts.items()}


class SlaService:
    """Reads and configuration changes; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def config(self) -> SlaConfig:
        with self.replica.read() as s:
            return load_sla_config(s)

    def config_revision(self) -> str:
        with self.replica.read() as s:
            return config_documents.revision(config_documents.read_text(s, "sla"))

    def save_config(self, config: SlaConfig | dict[str, object]) -> WriteResult:
        """Replace the SLA configuration (admins only), journaled as ``config.sla``.

        Stored tickets keep their old SLA columns until the bulk recompute runs
        (:class:`sync.services.sla_recompute.SlaRecompute`, marked as needed here)."""
        if not isinstance(config, SlaConfig):
            try:
                config = SlaConfig.from_dict(config)
            except ValueError as exc:
                raise ValidationError(f"The SLA configuration is invalid: {exc}") from None
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"admin"}, "change the SLA configuration")
            config_documents.write_document(s, "sla", config.to_dict(), actor_id=actor, now=now)
        return WriteResult("sla", ChangeSet(journal=True, everything=True))

    def ticket_status(self, ticket_id: str, now: datetime | None = None) -> SlaStatus:
        """The live status of one ticket (computed, not the stored columns)."""
        now = now or self.replica.clock()
        with self.replica.read() as s:
            facts = load_facts(s.connection(), [ticket_id]).get(ticket_id)
            if facts is None:
                raise NotFoundError(f"No ticket with id {ticket_id}.")
            return compute_ticket_sla(facts, load_sla_config(s), now)

    def ticket_views(self, ticket_ids: list[str], now: datetime | None = None) -> dict[str, SlaView]:
        """Live SLA views of several tickets, by id."""
        now = now or self.replica.clock()
        with self.replica.read() as s:
            return sla_views(s, ticket_ids, now)

    def due_counts(
        self, now: datetime | None = None, *, within: timedelta = DUE_SOON, assignee_id: str | None = None
    ) -> DueCounts:
        """Overdue / due soon / paused counts of open tickets (optionally one agent's)."""
        now = now or datetime.now(UTC)
        conds: list[ColumnElement[bool]] = [Ticket.status.in_(_OPEN)]
        if assignee_id is not None:
            conds.append(Ticket.assignee_id == assignee_id)
        with self.replica.read() as s:

            def count(*extra: ColumnElement[bool]) -> int:
                stmt = select(func.count()).select_from(Ticket).where(*conds, *extra)
                return int(s.execute(stmt).scalar_one())

            return DueCounts(
                overdue=count(Ticket.due_at.is_not(None), Ticket.due_at < now),
                due_soon=count(Ticket.due_at >= now, Ticket.due_at < now + within),
                paused=count(Ticket.sla_state == SlaState.PAUSED.value),
            )

    def about_to_breach(
        self, user_id: str, now: datetime | None = None, *, within: timedelta = DUE_SOON, limit: int = 50
    ) -> list[BreachAlert]:
        """My open tickets that are overdue or due within ``within``, soonest first: what a
        desktop notification "about to breach" lists. Uses the due index; no computing."""
        now = now or datetime.now(UTC)
        stmt = (
            select(Ticket.id, Ticket.number, Ticket.local_number, Ticket.subject, Ticket.due_at)
            .where(
                Ticket.assignee_id == user_id,
                Ticket.status.in_(_OPEN),
                Ticket.due_at.is_not(None),
                Ticket.due_at < now + within,
            )
            .order_by(Ticket.due_at, Ticket.id)
            .limit(limit)
        )
        with self.replica.read() as s:
            rows = s.execute(stmt).all()
        alerts = []
        for tid, number, local, subject, due in rows:
            assert due is not None  # selected for a deadline
            left = int((due - now).total_seconds())
            alerts.append(
                BreachAlert(
                    tid,
                    display_number(number, local),
                    subject,
                    due,
                    left,
                    left < 0,
                    f"{tid}@{due.isoformat()}",
                )
            )
        return alerts
